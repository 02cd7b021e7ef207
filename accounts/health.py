"""Health of the parts the app depends on, for GET /healthz."""

from django.conf import settings
from django.db import connection


def database_health():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means the part is down
        return False, f"error: {error.__class__.__name__}"
    return True, "ok"


def broker_health():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "in-process"
    from editorial.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return False, f"error: {error.__class__.__name__}"
    return True, "ok"


def health_report():
    """(all_ok, {part: status}) for every part the app needs."""
    parts = {"database": database_health(), "broker": broker_health()}
    return all(ok for ok, _ in parts.values()), {name: status for name, (_, status) in parts.items()}
