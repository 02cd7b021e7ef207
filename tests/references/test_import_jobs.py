"""Previews and imports run as jobs: a page with progress, then the report; batches keep
the queries per thousand records constant; a cancel, a failure or a silent worker
leaves nothing half-stored and says so on the job page; a job is its starter's alone."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Event
from core.roles import EDITOR
from references import importing, jobs
from references.models import ImportJob, ImportUpload, Reference
from tests.references.import_pages import confirm, confirm_url, upload
from tests.two_factor import VerifiedClient


def ris(count, start=0, doi_every=0):
    """`count` RIS records with their own keys, DOIs and PubMed IDs."""
    return "".join(
        f"TY  - JOUR\nID  - study{n}\nTI  - Outcome of treatment number {n}\nAU  - Family{n % 7}, A.\n"
        f"PY  - {1990 + n % 30}\nDO  - 10.5555/job.{n}\nAN  - {30_000_000 + n}\nER  - \n\n"
        for n in range(start, start + count)
    ).encode()


@pytest.fixture
def signed_in_editor(client, editor):
    client.force_login(editor)
    return client


# ---------------------------------------------------------------- batches


def test_an_imports_queries_grow_with_its_batches_not_its_records(editor, django_assert_max_num_queries):
    counts = {}
    for size in (1000, 2000, 3000):
        with django_assert_max_num_queries(60) as captured:
            report = importing.import_references(
                actor=editor, data=ris(size, start=size * 10), filename=f"{size}.ris", commit=True
            )
        assert report.committed and len(report.created) == size
        counts[size] = len(captured)
    per_batch = counts[2000] - counts[1000]
    assert per_batch == counts[3000] - counts[2000]
    assert per_batch <= 15 and counts[1000] <= 20
    assert Reference.objects.count() == 6000


def test_duplicates_and_keys_are_found_across_batches(editor, add_reference):
    add_reference(key="study5", title="Stored", doi="10.5555/job.3")
    data = ris(6) + ris(2, start=1)  # records 1 and 2 again, in the next batches
    report = importing.import_references(actor=editor, data=data, filename="b.ris", commit=True, batch_size=3)
    # study5 is taken in the library: the record gets a key made from its author and year.
    assert [new.key for new in report.created] == ["study0", "study1", "study2", "study4", "family51995"]
    assert [why for *_, why in report.duplicates] == [
        "same DOI",
        "repeats record 2 (line 10) in this file",
        "repeats record 3 (line 19) in this file",
    ]
    assert report.duplicates[0][2].key == "study5"


def test_an_import_is_one_trail_event_per_batch_with_the_values_it_added(editor):
    importing.import_references(actor=editor, data=ris(5), filename="five.ris", commit=True, batch_size=2)
    events = list(Event.objects.filter(chain="reference", action="import").order_by("seq"))
    assert [event.details["added_keys"] for event in events] == [["study0", "study1"], ["study2", "study3"], ["study4"]]
    assert [(event.details["part"], event.details["parts"]) for event in events] == [(1, 3), (2, 3), (3, 3)]
    assert all(event.actor == editor and event.details["added"] == 5 for event in events)
    values = events[0].details["values"]["study1"]
    assert values["title"] == "Outcome of treatment number 1" and values["doi"] == "10.5555/job.1"


def test_imported_references_get_their_citation_entries_from_the_background_task(editor):
    from references.services import format_pending_references

    importing.import_references(actor=editor, data=ris(3), filename="three.ris", commit=True)
    assert all(entries == {} for entries in Reference.objects.values_list("formatted", flat=True))
    assert format_pending_references() == 3
    assert all(
        "Outcome of treatment" in entry["ama"] for entry in Reference.objects.values_list("formatted", flat=True)
    )
    assert format_pending_references() == 0


# ---------------------------------------------------------------- cancelling


def test_a_cancel_between_stored_batches_leaves_nothing_stored(editor):
    def cancel_after_the_first_batch(stage, done, total):
        if stage == importing.STORING:
            raise importing.ImportCancelled()

    with pytest.raises(importing.ImportCancelled):
        importing.import_references(
            actor=editor,
            data=ris(5),
            filename="c.ris",
            commit=True,
            batch_size=2,
            progress=cancel_after_the_first_batch,
        )
    assert not Reference.objects.exists()
    assert not Event.objects.filter(chain="reference", action="import").exists()


def cancel_from_another_connection(actor, token):
    """The person's Cancel, as the web process commits it while the worker's transaction is open."""

    def cancel():
        try:
            jobs.import_job_cancel(actor=actor, token=token)
        finally:
            connection.close()

    thread = threading.Thread(target=cancel)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the cancel waited on the import's transaction"


@pytest.mark.django_db(transaction=True)
def test_a_job_cancelled_while_it_stores_rolls_back_and_says_so(signed_in_editor, editor, monkeypatch):
    page = upload(signed_in_editor, ris(5)).content.decode()
    real_progress = jobs._progress

    def progress_with_a_cancel(job_id):
        check = real_progress(job_id)

        def progress(stage, done, total):
            if stage == importing.STORING and done == 2:  # two stored, three to go: Cancel is clicked
                cancel_from_another_connection(editor, ImportJob.objects.get(pk=job_id).token)
            check(stage, done, total)

        return progress

    monkeypatch.setattr(jobs, "_progress", progress_with_a_cancel)
    monkeypatch.setattr(jobs, "BATCH", 2)
    done = confirm(signed_in_editor, page)
    job = ImportJob.objects.get(mode=ImportJob.IMPORT)
    assert job.state == ImportJob.CANCELLED and not Reference.objects.exists()
    assert not Event.objects.filter(chain="reference", action="import").exists()
    assert "was cancelled. Nothing from the file was stored." in done.content.decode()
    assert ImportUpload.objects.exists()  # kept: the preview can still be confirmed


def test_a_job_cancelled_before_a_worker_takes_it_never_runs(editor):
    job = jobs.import_job_start_preview(actor=editor, data=ris(2), filename="q.ris")
    jobs.import_job_cancel(actor=editor, token=job.token)
    assert jobs.run_import_job(job.pk) is None
    job.refresh_from_db()
    assert job.state == ImportJob.CANCELLED and job.report == {}


def test_cancelling_a_finished_import_is_refused_and_keeps_what_it_stored(signed_in_editor):
    confirm(signed_in_editor, upload(signed_in_editor, ris(2)).content.decode())
    token = ImportJob.objects.get(mode=ImportJob.IMPORT).token
    response = signed_in_editor.post(f"/desk/references/import/jobs/{token}/cancel/")
    assert response.status_code == 409 and "finished already" in response.content.decode()
    assert Reference.objects.count() == 2


# ---------------------------------------------------------------- failures


def test_a_file_unreadable_past_its_first_bytes_fails_the_job_with_the_reason(signed_in_editor):
    page = upload(signed_in_editor, b'[{"title": "Unclosed', name="broken.json").content.decode()
    job = ImportJob.objects.get()
    assert job.state == ImportJob.FAILED and "Nothing was stored." in job.error
    assert job.error in page.replace("&#x27;", "'").replace("&quot;", '"') and 'role="alert"' in page


def test_an_unexpected_error_fails_the_job_with_a_message_not_a_traceback(editor):
    job = jobs.import_job_start_preview(actor=editor, data=ris(2), filename="x.ris")
    ImportJob.objects.filter(pk=job.pk).update(keys={"not a record number": "k"})  # what no page can post
    job = jobs.run_import_job(job.pk)
    assert job.state == ImportJob.FAILED
    assert job.error.startswith("The job stopped on an unexpected error, and nothing was stored.")
    assert str(job.token) in job.error and "Traceback" not in job.error


def test_a_job_whose_worker_fell_silent_is_shown_as_failed_and_a_late_worker_leaves_it(signed_in_editor, editor):
    job = jobs.import_job_start_preview(actor=editor, data=ris(2), filename="s.ris")  # queued: no worker took it
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    page = signed_in_editor.get(job.get_absolute_url()).content.decode()
    assert "The job was never started for 10 minutes" in page and "Nothing was stored" in page
    assert 'http-equiv="refresh"' not in page
    assert jobs.run_import_job(job.pk) is None  # the worker comes back: the job stays failed
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.RUNNING)
    running = jobs.import_job_for(editor, job.token, now=timezone.now() + timedelta(minutes=11))
    assert running.state == ImportJob.FAILED and "stopped answering" in running.error


def test_a_broker_that_does_not_answer_fails_the_job_at_once(editor, settings):
    from tests.processes import use_broker

    use_broker("redis://127.0.0.1:1/0")
    try:
        job = jobs.import_job_start_preview(actor=editor, data=ris(2), filename="d.ris")
        jobs._queue(job.pk)  # what the commit runs
    finally:
        use_broker(None)
    job.refresh_from_db()
    assert job.state == ImportJob.FAILED and "task queue is not answering" in job.error


# ---------------------------------------------------------------- the page


def test_a_running_job_shows_its_progress_refreshes_without_script_and_offers_cancel(signed_in_editor, editor):
    job = jobs.import_job_start_preview(actor=editor, data=ris(3), filename="p.ris")
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.RUNNING, stage="Checking records against the library", processed=1000, total=4000
    )
    page = signed_in_editor.get(job.get_absolute_url()).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'value="25"' in page and "1000 of 4000 records" in page and "Checking records" in page
    assert f'action="/desk/references/import/jobs/{job.token}/cancel/"' in page
    status = signed_in_editor.get(f"/desk/references/import/jobs/{job.token}/status/").json()
    assert status == {
        "state": "running",
        "label": "Running",
        "stage": "Checking records against the library",
        "processed": 1000,
        "total": 4000,
        "percent": 25,
        "finished": False,
    }


def test_the_job_page_asks_the_library_in_the_same_queries_for_10_records_as_for_300(
    signed_in_editor, django_assert_max_num_queries
):
    counts = []
    for size, start in ((10, 0), (300, 100)):
        confirm(signed_in_editor, upload(signed_in_editor, ris(size, start=start)).content.decode())
        url = ImportJob.objects.filter(mode=ImportJob.IMPORT).first().get_absolute_url()
        with django_assert_max_num_queries(20) as captured:
            assert signed_in_editor.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_job_is_seen_and_cancelled_only_by_who_started_it(signed_in_editor, editor, make_staff, reviewer):
    job = jobs.import_job_start_preview(actor=editor, data=ris(2), filename="mine.ris")
    other_editor = VerifiedClient()
    other_editor.force_login(make_staff("edwin", EDITOR))
    base = f"/desk/references/import/jobs/{job.token}/"
    for client, status in ((other_editor, 404), (_signed_in(reviewer), 403)):
        assert client.get(base).status_code == status
        assert client.get(base + "status/").status_code == status
        assert client.post(base + "cancel/").status_code == status
        assert client.post(base + "confirm/").status_code == status
    assert VerifiedClient().get(base).status_code == 302  # signed out: to the sign-in page
    job.refresh_from_db()
    assert job.state == ImportJob.QUEUED
    assert signed_in_editor.get("/desk/references/import/jobs/not-a-uuid/").status_code == 404


def _signed_in(user):
    client = VerifiedClient()
    client.force_login(user)
    return client


def test_a_preview_whose_file_was_imported_offers_no_second_import(signed_in_editor):
    page = upload(signed_in_editor, ris(2)).content.decode()
    confirm(signed_in_editor, page)
    again = signed_in_editor.get(confirm_url(page).removesuffix("confirm/")).content.decode()
    assert "was imported already" in again and "confirm-import" not in again
