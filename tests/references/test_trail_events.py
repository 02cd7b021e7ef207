"""Every change to the reference library is an event in the trail's "reference" chain:
what was added, edited or imported, and retraction flags set and cleared."""

import pytest
from django.core.management import call_command

from articles.models import Event
from references import services
from references.models import Reference
from tests.references.conftest import SAMPLES, reference_fields
from tests.references.import_pages import confirm, upload


def reference_events(action=None):
    events = Event.objects.filter(chain="reference").order_by("seq")
    return events.filter(action=action) if action else events


def assert_trail_intact(capsys):
    call_command("verify_audit")  # exits 1 on any problem
    assert "intact" in capsys.readouterr().out


def test_a_reference_added_by_hand_is_an_event_with_its_values(client, editor, capsys):
    client.force_login(editor)
    response = client.post(
        "/desk/references/new/",
        {
            "kind": "guideline",
            "title": "Hypertension guideline",
            "organisation": "NICE",
            "year": "2023",
            "key": "nice2023",
        },
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302, response.content.decode()
    reference = Reference.objects.get(key="nice2023")
    [event] = reference_events("create")
    assert (event.subject_id, event.actor, event.actor_username, event.client_ip) == (
        str(reference.pk),
        editor,
        "edna",
        "192.0.2.44",
    )
    assert event.details["old"] == {}
    assert event.details["new"]["title"] == "Hypertension guideline"
    assert event.details["new"]["organisation"] == "NICE" and event.details["new"]["key"] == "nice2023"
    assert_trail_intact(capsys)


def test_an_edit_records_only_the_changed_fields_old_and_new(editor, smith, capsys):
    services.reference_update(
        actor=editor,
        reference_id=smith.pk,
        key="smith2020",
        expected_updated_at=None,
        fields=reference_fields(doi="10.5555/smith", year=2021, volume="7"),
    )
    [event] = reference_events("edit")
    assert event.details == {"old": {"year": 2020, "volume": "1"}, "new": {"year": 2021, "volume": "7"}}
    assert event.actor == editor and event.subject_id == str(smith.pk)
    assert_trail_intact(capsys)


def test_an_edit_that_changes_nothing_writes_no_event(editor, smith):
    services.reference_update(
        actor=editor,
        reference_id=smith.pk,
        key="smith2020",
        expected_updated_at=None,
        fields=reference_fields(doi="10.5555/smith"),
    )
    assert not reference_events("edit").exists()


def test_marking_and_clearing_a_retraction_are_events_on_the_reference(editor, publisher, smith, capsys):
    services.reference_mark_retracted(reference_id=smith.pk, notice="Retraction notice 10.5555/r", actor=editor)
    services.reference_mark_retracted(reference_id=smith.pk, notice="again", actor=editor)  # already marked: nothing
    services.reference_clear_retraction(actor=publisher, reference_id=smith.pk, reason="Notice was for another paper")
    marked, cleared = reference_events().exclude(action="create")
    assert (marked.action, marked.actor, marked.subject_id) == ("mark_retracted", editor, str(smith.pk))
    assert marked.details == {
        "old": {"retracted": False, "retraction_notice": ""},
        "new": {"retracted": True, "retraction_notice": "Retraction notice 10.5555/r"},
    }
    assert (cleared.action, cleared.actor) == ("clear_retraction", publisher)
    assert "Notice was for another paper" in cleared.comment
    assert cleared.details["new"] == {"retracted": False, "retraction_notice": ""}
    assert_trail_intact(capsys)


def test_the_retraction_watch_marking_a_reference_is_an_event_by_nobody(smith):
    services.reference_mark_retracted(reference_id=smith.pk, notice="Crossref: retraction 10.5555/r")
    event = reference_events("mark_retracted").get()
    assert event.actor is None and event.actor_name == "system"


def test_a_confirmed_upload_is_one_event_with_the_files_name_and_the_counts(client, editor, smith, capsys):
    client.force_login(editor)
    preview = upload(client, (SAMPLES / "references.ris").read_bytes(), "board-refs.ris").content.decode()
    assert not reference_events("import").exists()  # a preview stores nothing
    done = confirm(client, preview, REMOTE_ADDR="192.0.2.9")
    assert done.status_code == 200
    [event] = reference_events("import")
    added = Reference.objects.exclude(pk=smith.pk).count()
    assert event.details["file"] == "board-refs.ris" and event.details["format"] == "ris"
    assert (event.details["added"], event.details["rejected"]) == (added, 0)
    assert event.details["added"] + event.details["duplicates"] == 3
    assert sorted(event.details["added_keys"]) == sorted(
        Reference.objects.exclude(pk=smith.pk).values_list("key", flat=True)
    )
    assert (event.actor, event.client_ip) == (editor, "192.0.2.9")
    assert "board-refs.ris" in event.comment
    # One event for the import, none per reference it added.
    assert not reference_events("create").exclude(subject_id=str(smith.pk)).exists()
    assert_trail_intact(capsys)


def test_the_import_command_writes_one_event_and_a_dry_run_none(editor):
    call_command("import_references", str(SAMPLES / "references.bib"), "--user", editor.username, "--dry-run")
    assert not reference_events("import").exists()
    call_command("import_references", str(SAMPLES / "references.bib"), "--user", editor.username)
    event = reference_events("import").get()
    assert event.details["file"] == "references.bib" and event.details["added"] == Reference.objects.count()


def test_a_refused_duplicate_writes_no_event(editor, smith):
    with pytest.raises(services.DuplicateReference):
        services.reference_create(actor=editor, fields=reference_fields(doi="10.5555/smith", title="Other"))
    assert list(reference_events().values_list("action", flat=True)) == ["create"]
