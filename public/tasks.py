"""Thin Celery tasks of the public site. They keep the names they had under articles.tasks,
so beat's schedule and messages already queued still find them."""

from celery import shared_task

from public import changes


@shared_task(name="articles.tasks.apply_public_changes", acks_late=True)
def apply_public_changes():
    """Drop cached pages and rewrite or remove the static export of changed articles
    (queued after each change; beat sweeps every minute). Safe to run twice at once."""
    return changes.apply_pending()


@shared_task(name="articles.tasks.refresh_exports")
def refresh_exports():
    """Render missing pages, rewrite every published article's static pages (facts such
    as "review due" change with time) and remove those of anything not published."""
    return changes.reconcile()
