from celery import shared_task

from references.models import Reference
from references.retractions import check_cited_references, check_reference


@shared_task
def check_retractions():
    """The retraction watch, run by beat (hourly); each reference is asked about once a day."""
    return check_cited_references()


@shared_task
def recheck_retraction(reference_id):
    """Ask the source about one reference now (after its retraction flag was cleared)."""
    reference = Reference.objects.filter(pk=reference_id).first()
    return str(check_reference(reference).result) if reference is not None else None
