from rest_framework.permissions import BasePermission

from accounts.roles import roles_of
from articles.lifecycle import may_use_desk


class DeskToken(BasePermission):
    """A token of someone holding an editorial role; which action they may take is
    the lifecycle's question, asked by the service."""

    message = "Only editors, reviewers and publishers use the desk's API."

    def has_permission(self, request, view):
        return bool(request.auth is not None and may_use_desk(roles_of(request.user)))
