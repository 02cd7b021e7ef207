"""Thin Celery tasks: ids in, call a service."""

from celery import shared_task

from articles import services


@shared_task
def publish_due_articles():
    """Publish articles whose scheduled time has come (run every minute by beat)."""
    published, refused = services.publish_due_articles()
    return {"published": published, "refused": [article_id for article_id, _ in refused]}
