"""Reads for the per-role dashboards."""

from accounts.roles import EDITOR, PUBLISHER, REVIEWER, roles_of


def dashboard_for(user):
    """Context for the dashboard: one section per role the user holds."""
    held = roles_of(user)
    return {
        "sections": [role for role in (EDITOR, REVIEWER, PUBLISHER) if role in held],
    }
