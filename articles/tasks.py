"""Thin Celery tasks: ids in, call a service."""

from celery import shared_task

from articles import services
from public import changes as public_changes


@shared_task
def publish_due_articles():
    """Carry out the schedules whose time has come (run every minute by beat). A retry
    or a second worker finds them closed and does nothing."""
    runs = services.publish_due_articles()
    return {outcome: [run.schedule_id for run in runs if run.outcome == outcome] for outcome in ("done", "refused")}


@shared_task(acks_late=True)
def apply_public_changes():
    """Drop cached pages and rewrite or remove the static export of changed articles
    (queued after each change; beat sweeps every minute). Safe to run twice at once."""
    return public_changes.apply_pending()


@shared_task
def refresh_exports():
    """Render missing pages, rewrite every published article's static pages (facts such
    as "review due" change with time) and remove those of anything not published."""
    return public_changes.reconcile()
