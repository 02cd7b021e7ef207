"""An editor uploads a large RIS file; a real Celery worker on Redis previews it while the
job page shows the progress bar and counts moving, then the preview; the import runs the
same way and its report links each new reference. The pages pass axe-core."""

import pytest

from references.models import ImportJob, Reference
from references.tasks import format_pending, run_import_job  # noqa: F401 - registered before the app is closed
from tests.browser.accessibility import serious_violations
from tests.processes import REDIS_URL, flush_test_redis, production_env, start_celery_worker, use_broker

RECORDS = 1500


@pytest.fixture
def start_worker():
    """Jobs go to Redis at once; start_worker() starts the worker that runs them."""
    flush_test_redis()
    use_broker(REDIS_URL)
    started = []
    yield lambda: started.append(start_celery_worker(production_env()))
    use_broker(None)
    for worker in started:
        worker.stop()


def ris_file(path):
    path.write_text(
        "".join(
            f"TY  - JOUR\nID  - journey{n}\nTI  - Journey study {n}\nAU  - Doe, J\nPY  - {1990 + n % 30}\n"
            f"DO  - 10.5555/journey.{n}\nER  - \n\n"
            for n in range(RECORDS)
        )
    )
    return path


def test_editor_watches_a_large_import_run_in_the_background(page, sign_in, editor, start_worker, tmp_path):
    statuses = []
    page.on("response", lambda response: response.url.endswith("/status/") and statuses.append(response.json()))
    sign_in(editor)
    page.goto("/desk/references/import/")
    page.set_input_files("#id_file", str(ris_file(tmp_path / "large.ris")))
    page.get_by_role("button", name="Preview import").click()

    # The job page, queued until a worker takes it: a progress bar, the counts, Cancel.
    assert page.get_by_role("heading", name="Preview of large.ris").is_visible()
    assert page.locator("#job-progress").is_visible() and page.get_by_role("button", name="Cancel").is_visible()
    assert "Waiting for a worker to start" in page.locator("#progress-label").inner_text()
    assert serious_violations(page) == []
    start_worker()
    page.get_by_role("heading", name=f"Preview: {RECORDS} to add, 0 already in the library, 0 rejected").wait_for(
        timeout=120_000
    )
    # The script asked while the job waited (and, if a poll fell within it, while the worker
    # ran: a preview can take less than the poll's second), and the page followed it to the report.
    states = {status["state"] for status in statuses}
    assert "queued" in states and states <= {"queued", "running", "done"}, statuses
    assert not Reference.objects.exists()

    page.get_by_role("button", name=f"Add {RECORDS} references").click()
    assert page.get_by_role("heading", name="Import of large.ris").is_visible()
    page.get_by_role("heading", name=f"Import done: {RECORDS} added, 0 already in the library, 0 rejected").wait_for(
        timeout=120_000
    )
    assert serious_violations(page) == []
    links = page.locator("table.import-report a")
    assert links.count() == RECORDS == Reference.objects.count()
    assert ImportJob.objects.get(mode=ImportJob.IMPORT).state == ImportJob.DONE
    page.get_by_role("link", name="@journey1234", exact=True).click()
    assert page.get_by_role("heading", name="Journey study 1234").is_visible()
