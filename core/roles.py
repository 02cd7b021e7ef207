"""The staff roles' names, defined once: the Django groups people hold (accounts.roles)
and the vocabulary the lifecycle's rules speak (articles.lifecycle).
Who may use the desk and the library is decided by role alone, here, for every app;
the article workflow's rules stay in articles/lifecycle.py."""

from enum import StrEnum


class Role(StrEnum):
    """A staff role, held as the Django group of the same name."""

    EDITOR = "Editor"
    REVIEWER = "Reviewer"
    PUBLISHER = "Publisher"
    # Invites people, grants and removes roles, deactivates accounts (desk page "People").
    ACCOUNT_MANAGER = "Account manager"


# The names the apps import: the enum's members, not copies of their values.
EDITOR, REVIEWER, PUBLISHER, ACCOUNT_MANAGER = Role.EDITOR, Role.REVIEWER, Role.PUBLISHER, Role.ACCOUNT_MANAGER
ALL_ROLES = tuple(Role)


def roles_of(user):
    """The role names a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user._role_names = cached
    return cached


def may_use_desk(roles):
    return bool(set(roles) & {EDITOR, REVIEWER, PUBLISHER})


def may_manage_library(roles):
    return bool(set(roles) & {EDITOR, PUBLISHER})


def may_clear_retraction(roles):
    """Clearing a retraction flag puts a source back into citable use: publishers only."""
    return PUBLISHER in roles


def may_manage_people(roles, *, publishers_manage_people=False):
    """Inviting people, granting roles and deactivating accounts: account managers, and
    publishers too where the deployment says so (PUBLISHERS_MANAGE_PEOPLE)."""
    return ACCOUNT_MANAGER in roles or (publishers_manage_people and PUBLISHER in roles)


def may_unlock_sign_ins(roles, *, is_superuser=False):
    """Lifting a lock on a login name or an address before it ends: publishers and administrators."""
    return is_superuser or PUBLISHER in roles
