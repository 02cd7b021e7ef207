from django.db import connection

from accounts.roles import EDITOR, PUBLISHER, REVIEWER, roles_of


def roles(request):
    """Expose the signed-in user's roles so navigation shows only what they may use."""
    held = roles_of(getattr(request, "user", None))
    return {
        "user_roles": held,
        "is_editor": EDITOR in held,
        "is_reviewer": REVIEWER in held,
        "is_publisher": PUBLISHER in held,
        # The reports are PostgreSQL's work: a first run on SQLite does not offer them.
        "reports_available": connection.vendor == "postgresql",
    }
