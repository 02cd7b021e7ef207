"""Thin Celery tasks over notifications.services."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from notifications import services


@shared_task(acks_late=True)
def deliver_pending():
    """Send pending notification e-mails; safe to run twice at once (rows are claimed)."""
    return services.deliver_pending()


@shared_task
def send_digests():
    """Daily digest, at DIGEST_HOUR_UTC (beat asks every hour; other hours do nothing)."""

    if timezone.now().hour != settings.DIGEST_HOUR_UTC:
        return 0
    return services.send_digests()
