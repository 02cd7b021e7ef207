"""Thin Celery tasks: ids in, call a service."""

from celery import shared_task

from articles import services


@shared_task
def publish_due_articles():
    """Carry out the schedules whose time has come (run every minute by beat). A retry
    or a second worker finds them closed and does nothing."""
    runs = services.publish_due_articles()
    return {outcome: [run.schedule_id for run in runs if run.outcome == outcome] for outcome in ("done", "refused")}


@shared_task
def export_article(article_id):
    """Write (or remove) an article's static pages."""
    from articles.static_export import export_article as write_pages

    return [str(path) for path in write_pages(article_id)]


@shared_task
def refresh_exports():
    """Rewrite every published article's static pages: facts such as "review due"
    change with time, without a publication."""
    from articles.public import published_articles
    from articles.static_export import export_article as write_pages

    count = 0
    for article_id in published_articles().values_list("pk", flat=True):
        count += len(write_pages(article_id))
    return count
