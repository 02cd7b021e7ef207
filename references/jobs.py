"""Previews and imports as background jobs: an upload is kept once, its preview and then
its import each run as a Celery task (in-process when there is no broker) that records
its progress on an ImportJob, and the job page shows it.

Cancelling is a conditional update of the job's state. The import stores everything in
one transaction, checks the state between batches and, last, turns the job to done with
a conditional update in that same transaction: either the cancel came first and nothing
is stored, or the import did and the cancel finds the job finished."""

import logging
import uuid
from datetime import timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from core.errors import DomainError
from references import parsing
from references.importing import (
    BATCH,
    CHECKING,
    ImportCancelled,
    KeysRefused,
    import_references,
    key_problem,
)
from references.models import ImportJob, ImportUpload, Reference
from references.services import require_librarian

log = logging.getLogger(__name__)

UPLOAD_KEPT = timedelta(days=1)
JOBS_KEPT = timedelta(days=30)
# A running job whose worker has not reported for this long is shown as failed: the
# worker stopped (its transaction, and with it any half-done import, rolled back).
STALE_AFTER = timedelta(minutes=10)
STAGES = {CHECKING: "Checking records against the library", "storing": "Storing the new references"}


class UploadGone(DomainError):
    """The upload a confirmation names is not kept (confirmed already, expired, or someone else's)."""

    default_message = (
        "That upload is no longer kept: it was imported already or is more than a day old."
        " Choose the file again to see a fresh preview."
    )


class NotRunning(DomainError):
    default_message = "This job has finished already; there is nothing to cancel."


def _queue(job_id):
    from references.tasks import run_import_job  # noqa: PLC0415 - tasks call this module: deferred Celery

    try:
        run_import_job.delay(job_id)
    except Exception as error:  # a broker outage: say so on the job page rather than leave it queued
        log.warning("import job %s not queued: %s", job_id, error)
        ImportJob.objects.filter(pk=job_id, state=ImportJob.QUEUED).update(
            state=ImportJob.FAILED,
            error="The job could not be started: the task queue is not answering. Try again in a moment.",
            finished_at=timezone.now(),
        )


def import_job_start_preview(*, actor, data, fmt=None, filename="", now=None):
    """Keep an uploaded file and start its preview in the background; returns the job.
    FileRejected at once for a file that is empty, too large, not text or of no known
    format (nothing is kept); records are read by the job. Uploads older than a day and
    jobs older than a month are removed."""
    require_librarian(actor)
    now = now or timezone.now()
    fmt = fmt or parsing.detect_format(parsing.decode(data), filename)
    with transaction.atomic():
        ImportUpload.objects.filter(created_at__lt=now - UPLOAD_KEPT).delete()
        ImportJob.objects.filter(created_at__lt=now - JOBS_KEPT).delete()
        upload = ImportUpload.objects.create(
            uploaded_by=actor, filename=filename[:255], fmt=fmt, data=data, created_at=now
        )
        job = ImportJob.objects.create(
            started_by=actor,
            upload=upload,
            mode=ImportJob.PREVIEW,
            filename=upload.filename,
            created_at=now,
            updated_at=now,
        )
        transaction.on_commit(lambda: _queue(job.pk))
    return job


def _refuse_typed_keys(report, keys):
    """KeysRefused when a key typed on the preview is malformed, in the library or given to
    another record of the preview; the job then re-checks everything as it imports."""
    typed = {number: key.strip() for number, key in keys.items() if key and key.strip()}
    stored = set(Reference.objects.filter(key__in=typed.values()).values_list("key", flat=True)) if typed else set()
    taken = {new["key"]: new["location"] for new in report["created"] if new["number"] not in typed}
    refused = []
    for new in report["created"]:
        if new["number"] not in typed:
            continue
        new["key"] = typed[new["number"]]
        problem = key_problem(new["key"], taken, stored)
        new["refused"], new["clash"] = bool(problem), f"@{new['key']} {problem}." if problem else new["clash"]
        taken.setdefault(new["key"], new["location"])
        if problem:
            refused.append((new["location"], new["clash"]))
    if refused:
        raise KeysRefused(refused, report)


def import_job_confirm(*, actor, token, keys=None, ip=None, now=None):
    """Start the import of a finished preview, with the keys typed on it ({record number:
    key}); returns the new job. The upload is locked while the job is made, so a second
    click finds the first import under way. UploadGone for an unknown, expired, already
    imported or someone else's preview; KeysRefused (the preview's report, keys as typed)
    when a typed key cannot be used."""
    require_librarian(actor)
    now = now or timezone.now()
    keys = keys or {}
    with transaction.atomic():
        preview = _own_job(actor, token)
        if preview is None or preview.mode != ImportJob.PREVIEW or preview.state != ImportJob.DONE:
            raise UploadGone()
        upload = (
            ImportUpload.objects.select_for_update()
            .filter(pk=preview.upload_id, uploaded_by=actor, created_at__gte=now - UPLOAD_KEPT)
            .first()
        )
        if upload is None or upload.jobs.filter(mode=ImportJob.IMPORT, state__in=ImportJob.ACTIVE).exists():
            raise UploadGone()
        _refuse_typed_keys(preview.report, keys)
        job = ImportJob.objects.create(
            started_by=actor,
            upload=upload,
            preview=preview,
            mode=ImportJob.IMPORT,
            filename=upload.filename,
            keys={str(number): key for number, key in keys.items()},
            ip=ip,
            total=preview.total,
            created_at=now,
            updated_at=now,
        )
        transaction.on_commit(lambda: _queue(job.pk))
    return job


def import_job_cancel(*, actor, token, now=None):
    """Cancel a queued or running job of one's own. NotRunning when it has finished (an
    import that finished first keeps what it stored); Http404 for another's job."""
    now = now or timezone.now()
    job = _own_job(actor, token)
    if job is None:
        raise Http404("No such import job.")
    cancelled = ImportJob.objects.filter(pk=job.pk, state__in=ImportJob.ACTIVE).update(
        state=ImportJob.CANCELLED, stage="", error="", finished_at=now, updated_at=now
    )
    if not cancelled:
        raise NotRunning()
    return job


def _own_job(actor, token):
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return ImportJob.objects.filter(token=token, started_by=actor).first()


def import_job_for(actor, token, now=None):
    """The job, for the person who started it only (Http404 for anyone else, so that a
    job's existence is not told either). A job whose worker fell silent is failed here."""
    job = _own_job(actor, token)
    if job is None:
        raise Http404("No such import job.")
    now = now or timezone.now()
    if job.state in ImportJob.ACTIVE and job.updated_at < now - STALE_AFTER:
        started = "stopped answering" if job.state == ImportJob.RUNNING else "was never started"
        error = (
            f"The job {started} for {int(STALE_AFTER.total_seconds() // 60)} minutes (the background worker may be"
            " down), so it was stopped. Nothing was stored. Try again; if it happens again, tell an administrator."
        )
        if ImportJob.objects.filter(pk=job.pk, state=job.state, updated_at=job.updated_at).update(
            state=ImportJob.FAILED, error=error, finished_at=now
        ):
            job.state, job.error, job.finished_at = ImportJob.FAILED, error, now
        else:
            job.refresh_from_db()
    return job


# ---------------------------------------------------------------- the worker's side


def _progress(job_id):
    """Told after each batch: while checking, records the count (and proves the worker is
    alive); while storing, inside the import's transaction, only looks for a cancel.
    Either way a cancelled job stops here."""

    def progress(stage, done, total):
        if stage == CHECKING:
            now = timezone.now()
            running = ImportJob.objects.filter(pk=job_id, state=ImportJob.RUNNING).update(
                stage=STAGES[stage], processed=done, total=total, updated_at=now
            )
        else:
            running = ImportJob.objects.filter(pk=job_id, state=ImportJob.RUNNING).exists()
        if not running:
            raise ImportCancelled()

    return progress


def _finished(job_id, report, now):
    """The job done with its report, unless it was cancelled meanwhile (ImportCancelled)."""
    data = report.as_data()
    done = ImportJob.objects.filter(pk=job_id, state=ImportJob.RUNNING).update(
        state=ImportJob.DONE,
        stage="",
        report=data,
        added=len(data["created"]),
        duplicates=len(data["duplicates"]),
        rejected=len(data["rejected"]),
        finished_at=now,
        updated_at=now,
    )
    if not done:
        raise ImportCancelled()


def _failed(job_id, message):
    ImportJob.objects.filter(pk=job_id, state=ImportJob.RUNNING).update(
        state=ImportJob.FAILED, stage="", error=message[:1000], finished_at=timezone.now()
    )


def run_import_job(job_id):
    """Run a queued job (the task's body): claim it, preview or import its upload, and
    record the report, or the reason it stopped. Returns the job as it ended; None when
    it was not queued (run already, or cancelled before it started)."""
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job_id, state=ImportJob.QUEUED).update(
        state=ImportJob.RUNNING, stage="Reading the file", updated_at=now
    ):
        return None
    job = ImportJob.objects.select_related("upload", "started_by").get(pk=job_id)
    importing = job.mode == ImportJob.IMPORT

    def finish(report):
        _finished(job.pk, report, timezone.now())
        ImportUpload.objects.filter(pk=job.upload_id).delete()  # imported: a second confirm finds it gone

    try:
        if job.upload is None:
            raise UploadGone()
        report = import_references(
            actor=job.started_by,
            data=bytes(job.upload.data),
            fmt=job.upload.fmt,
            filename=job.filename,
            commit=importing,
            keys={int(number): key for number, key in job.keys.items()},
            ip=job.ip,
            now=now,
            progress=_progress(job.pk),
            finish=finish,
            batch_size=BATCH,
        )
        if not importing:
            _finished(job.pk, report, timezone.now())
    except ImportCancelled:
        pass  # the cancel recorded it; nothing was stored
    except DomainError as refusal:
        _failed(job.pk, f"{refusal.message.rstrip('.')}. Nothing was stored.")
    except Exception:
        log.exception("import job %s failed", job.token)
        _failed(
            job.pk,
            "The job stopped on an unexpected error, and nothing was stored. Try again; if it happens"
            f" again, tell an administrator (job {job.token}).",
        )
    job.refresh_from_db()
    return job
