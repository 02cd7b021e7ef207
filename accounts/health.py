"""Health of the parts the app depends on, for GET /healthz."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Heartbeat


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
    from editorial.celery import app  # noqa: PLC0415 - Celery is loaded only when there is a broker to ask

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return False, f"error: {error.__class__.__name__}"
    return True, "ok"


def scheduler_health(now=None):
    """The worker and beat: alive while the heartbeat beat sends is run by the worker
    (a stopped beat stops the heartbeat too, so both are named when it is late)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "in-process"

    now = now or timezone.now()
    try:
        last = Heartbeat.objects.filter(name="celery").values_list("ran_at", flat=True).first()
    except Exception as error:
        return False, f"error: {error.__class__.__name__}"
    if last is None:
        return False, "error: no heartbeat yet"
    if last < now - timedelta(seconds=2 * settings.HEARTBEAT_SECONDS):
        return False, f"error: no heartbeat since {last:%Y-%m-%dT%H:%M:%SZ}"
    return True, "ok"


def health_report():
    """(all_ok, {part: status}) for every part the app needs."""
    scheduler = scheduler_health()
    parts = {"database": database_health(), "broker": broker_health(), "worker": scheduler, "beat": scheduler}
    return all(ok for ok, _ in parts.values()), {name: status for name, (_, status) in parts.items()}
