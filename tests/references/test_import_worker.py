"""A preview and an import run by a real Celery worker process on Redis, as in
production: the web side only queues; the worker reads the committed upload, records
its progress and the report, and makes the citation entries after the import."""

import pytest

from references import jobs
from references.models import ImportJob, Reference
from references.tasks import format_pending, run_import_job  # noqa: F401 - registered before the app is closed
from tests.processes import REDIS_URL, flush_test_redis, production_env, start_celery_worker, use_broker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    flush_test_redis()
    started = start_celery_worker(production_env())
    use_broker(REDIS_URL)
    yield started
    use_broker(None)
    started.stop()


def finished(job):
    def check():
        job.refresh_from_db()
        return job.state not in ImportJob.ACTIVE

    return check


def test_a_real_worker_previews_then_imports_a_file(worker, editor):
    data = "".join(
        f"TY  - JOUR\nID  - worker{n}\nTI  - Worker study {n}\nAU  - Doe, J\nPY  - 2020\n"
        f"DO  - 10.5555/w.{n}\nER  - \n\n"
        for n in range(200)
    ).encode()
    preview = jobs.import_job_start_preview(actor=editor, data=data, filename="worker.ris")
    assert wait_for(finished(preview), 120), "the worker did not finish the preview"
    assert preview.state == ImportJob.DONE, preview.error
    assert (preview.processed, preview.total) == (200, 200) and preview.report["summary"].startswith("200 to add")
    assert not Reference.objects.exists()

    imported = jobs.import_job_confirm(actor=editor, token=preview.token, keys={0: "renamed0"})
    assert wait_for(finished(imported), 120), "the worker did not finish the import"
    assert imported.state == ImportJob.DONE, imported.error
    assert imported.added == 200 and Reference.objects.count() == 200
    assert Reference.objects.filter(key="renamed0").exists() and imported.upload is None
    # Then the worker makes the citation entries of what it stored.
    assert wait_for(lambda: not Reference.objects.filter(formatted={}).exists(), 300), "entries not made"
    assert "Worker study 7" in Reference.objects.get(key="worker7").formatted["ama"]
