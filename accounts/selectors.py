"""Reads for the per-role dashboards: a few rows each, a fixed number of queries."""

from accounts.roles import EDITOR, PUBLISHER, REVIEWER, roles_of
from articles import selectors
from articles.models import Event
from registry.selectors import credentials_to_verify

DASHBOARD_ROWS = 10


def dashboard_for(user):
    """Context for the dashboard: one section per role the user holds."""

    held = roles_of(user)
    context = {"sections": [role for role in (EDITOR, REVIEWER, PUBLISHER) if role in held]}
    if EDITOR in held:
        context["editor_articles"] = list(selectors.editor_worklist()[:DASHBOARD_ROWS])
    if REVIEWER in held:
        context["assigned_reviews"] = list(selectors.review_queue(reviewer=user)[:DASHBOARD_ROWS])
        context["waiting_reviews"] = list(selectors.waiting_for(user)[:DASHBOARD_ROWS])
    if PUBLISHER in held:
        context["ready_to_publish"] = list(selectors.publish_queue()[:DASHBOARD_ROWS])
        context["credentials_to_verify"] = list(credentials_to_verify()[:DASHBOARD_ROWS])
    if REVIEWER in held or PUBLISHER in held:
        context["fast_track_requests"] = list(selectors.pending_fast_track_requests()[:DASHBOARD_ROWS])
    return context


ACCOUNT_ACTIONS = {
    "identity_changed": "Printed name or credentials changed",
    "roles_changed": "Roles changed",
    "account_created": "Account created",
    "account_changed": "Account changed",
    "account_deactivated": "Account deactivated",
    "account_reactivated": "Account reactivated",
    "invitation_sent": "Invitation sent",
    "invitation_accepted": "Invitation accepted",
    "password_reset_link_sent": "Password reset link sent",
    "password_reset_done": "Password reset",
    "password_changed": "Password changed",
    "access_ended": "Sessions, API tokens and links ended",
}


FIELD_LABELS = {
    "display_name": "Printed name",
    "credentials": "Credentials",
    "specialty": "Specialty",
    "roles": "Roles",
    "username": "Login name",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "E-mail",
    "is_active": "Active",
    "is_staff": "Admin site access",
    "is_superuser": "Administrator",
}


def _shown(values, field):
    """A recorded value as a person reads it; None when the event did not record it."""
    if field not in values:
        return None
    value = values[field]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return str(value)


def account_trail(user_id, limit=20):
    """The latest events of the account trail about one person (identity, roles,
    activation), newest first: one query."""
    events = list(Event.objects.filter(chain="account", subject_id=str(user_id)).order_by("-seq")[:limit])
    for event in events:
        event.label = ACCOUNT_ACTIONS.get(event.action, event.action.replace("_", " ").capitalize())
        old, new = event.details.get("old", {}), event.details.get("new", {})
        event.changes = [
            (FIELD_LABELS.get(field, field), _shown(old, field), _shown(new, field)) for field in {**old, **new}
        ]
    return events
