from django.conf import settings
from django.db import connection

from accounts.roles import EDITOR, PUBLISHER, REVIEWER, roles_of
from core.roles import may_manage_people, may_use_desk


def roles(request):
    """Expose the signed-in user's roles so navigation shows only what they may use."""
    held = roles_of(getattr(request, "user", None))
    return {
        "user_roles": held,
        "is_editor": EDITOR in held,
        "is_reviewer": REVIEWER in held,
        "is_publisher": PUBLISHER in held,
        "uses_desk": may_use_desk(held),
        "manages_people": may_manage_people(held, publishers_manage_people=settings.PUBLISHERS_MANAGE_PEOPLE),
        # The reports are PostgreSQL's work: a first run on SQLite does not offer them.
        "reports_available": connection.vendor == "postgresql",
    }
