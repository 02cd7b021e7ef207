from celery import shared_task

from references.retractions import check_cited_references


@shared_task
def check_retractions():
    """The retraction watch, run by beat (hourly); each reference is asked about once a day."""
    return check_cited_references()
