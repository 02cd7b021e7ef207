"""The heartbeat: beat sends it every HEARTBEAT_SECONDS, the worker records it."""

from celery import shared_task
from django.utils import timezone

from accounts.models import Heartbeat


@shared_task(ignore_result=True, expires=60)
def heartbeat():
    Heartbeat.objects.update_or_create(name="celery", defaults={"ran_at": timezone.now()})
