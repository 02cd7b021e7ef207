"""Thin Celery tasks: ids in, call a service."""

from celery import shared_task

from articles import reminders, services


@shared_task
def publish_due_articles():
    """Carry out the schedules whose time has come (run every minute by beat). A retry
    or a second worker finds them closed and does nothing."""
    runs = services.publish_due_articles()
    return {outcome: [run.schedule_id for run in runs if run.outcome == outcome] for outcome in ("done", "refused")}


# Named as it was under notifications.tasks: beat's schedule and queued messages still find it.
@shared_task(name="notifications.tasks.send_reminders")
def send_reminders():
    """The reminder sweep: overdue reviews, untouched changes, unpublished approvals, re-review."""
    return reminders.sweep().counts()
