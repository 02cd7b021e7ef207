from celery import shared_task

from references import jobs
from references.models import ImportJob, Reference
from references.retractions import check_cited_references, check_reference
from references.services import format_pending_references


@shared_task
def check_retractions():
    """The retraction watch, run by beat (hourly); each reference is asked about once a day."""
    return check_cited_references()


@shared_task
def recheck_retraction(reference_id):
    """Ask the source about one reference now (after its retraction flag was cleared)."""
    reference = Reference.objects.filter(pk=reference_id).first()
    return str(check_reference(reference).result) if reference is not None else None


@shared_task
def run_import_job(job_id):
    """A file's preview or import (references.jobs); an import that stored references
    has their citation entries made next."""
    job = jobs.run_import_job(job_id)
    if job is None:
        return None
    if job.state == ImportJob.DONE and job.mode == ImportJob.IMPORT:
        format_pending.delay()
    return job.state


@shared_task
def format_pending():
    """Make the citation entries of references imported without them (also run by beat)."""
    return format_pending_references()
