"""Thin Celery tasks over the registry."""

from celery import shared_task

from registry.reminders import send_registry_reminders as sweep


@shared_task
def send_registry_reminders():
    """Credentials expiring within CREDENTIAL_REMIND_DAYS and declarations falling due (hourly, by beat)."""
    return sweep()
