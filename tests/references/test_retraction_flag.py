"""The retraction flag has its own actions: the edit form never changes it, only a
publisher clears it (with a reason, under their name), and the watch asks again."""

import pytest
from reversion.models import Version

from articles.lifecycle import TransitionNotAllowed
from articles.models import Event
from references import services
from references.models import Reference
from tests.references.conftest import RETRACTED_DOI, reference_fields
from tests.references.test_services import cite


@pytest.fixture
def retracted(draft, editor, add_reference):
    """A reference the watch marked retracted, cited by the draft."""
    reference = add_reference(key="bad2020", doi=RETRACTED_DOI)
    cite(draft, editor, "Claim [@bad2020].")
    services.reference_mark_retracted(reference_id=reference.pk, notice="retraction notice 10.5555/retraction-notice")
    reference.refresh_from_db()
    assert reference.retracted
    return reference


def edit_form(reference, **changes):
    form = {
        "key": reference.key,
        "kind": reference.kind,
        "title": reference.title,
        "authors": "Smith, Jo",
        "source": reference.source,
        "year": reference.year,
        "doi": reference.doi,
        "updated_at": reference.updated_at.isoformat(),
        **changes,
    }
    return {name: value for name, value in form.items() if value is not None}


def test_an_editor_saving_the_reference_form_does_not_clear_the_retraction_flag(client, editor, retracted):
    client.force_login(editor)
    response = client.post(f"/desk/references/{retracted.pk}/edit/", edit_form(retracted, pages="2-10"))
    assert response.status_code == 302
    retracted.refresh_from_db()
    assert retracted.retracted and retracted.pages == "2-10"
    assert 'name="retracted"' not in client.get(f"/desk/references/{retracted.pk}/edit/").content.decode()


def test_the_edit_service_ignores_a_retraction_flag_in_its_fields(editor, retracted):
    services.reference_update(
        actor=editor,
        reference_id=retracted.pk,
        key=retracted.key,
        expected_updated_at=None,
        fields=reference_fields(doi=RETRACTED_DOI, retracted=False),
    )
    retracted.refresh_from_db()
    assert retracted.retracted


def test_an_editors_change_to_a_reference_is_audited_under_their_name_not_system(draft, editor, smith):
    cite(draft, editor, "Claim [@smith2020].")
    services.reference_update(
        actor=editor,
        reference_id=smith.pk,
        key="smith2020",
        expected_updated_at=None,
        fields=reference_fields(title="A corrected title", doi="10.5555/smith"),
    )
    flag = Event.objects.get(article=draft, action="flag")
    assert flag.actor == editor and flag.actor_name == editor.profile.printed_name


def test_an_editor_cannot_clear_a_retraction_flag(client, editor, retracted):
    with pytest.raises(TransitionNotAllowed, match="Only a publisher"):
        services.reference_clear_retraction(actor=editor, reference_id=retracted.pk, reason="Wrong paper")
    client.force_login(editor)
    response = client.post(f"/desk/references/{retracted.pk}/clear-retraction/", {"reason": "Wrong paper"})
    assert response.status_code == 403 and "Only a publisher" in response.content.decode()
    page = client.get(f"/desk/references/{retracted.pk}/").content.decode()
    assert "Clear retraction flag" not in page and "a publisher can clear it" in page
    retracted.refresh_from_db()
    assert retracted.retracted


def test_a_publisher_clears_the_flag_with_a_reason_and_the_audit_names_them(draft, publisher, retracted):
    services.reference_clear_retraction(
        actor=publisher, reference_id=retracted.pk, reason="The notice retracts a different article"
    )
    retracted.refresh_from_db()
    assert not retracted.retracted and retracted.retraction_checked_at is None
    event = Event.objects.filter(article=draft, action="flag").latest("id")
    assert event.actor == publisher and event.actor_name == publisher.profile.printed_name
    assert "The notice retracts a different article" in event.comment
    revision = Version.objects.get_for_object(retracted).first().revision
    assert revision.user == publisher and "The notice retracts a different article" in revision.comment


def test_clearing_needs_a_reason_and_keeps_what_was_typed_on_a_stale_page(client, publisher, retracted):
    with pytest.raises(TransitionNotAllowed, match="reason"):
        services.reference_clear_retraction(actor=publisher, reference_id=retracted.pk, reason="  ")
    client.force_login(publisher)
    response = client.post(f"/desk/references/{retracted.pk}/clear-retraction/", {"reason": ""})
    assert response.status_code == 400 and "Give a reason" in response.content.decode()
    response = client.post(
        f"/desk/references/{retracted.pk}/clear-retraction/",
        {"reason": "My careful reason", "updated_at": "2000-01-01T00:00:00+00:00"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed this reference" in page and "My careful reason" in page
    retracted.refresh_from_db()
    assert retracted.retracted
    assert f'value="{retracted.updated_at.isoformat()}"' in page  # the second try is on the current reference


def test_clearing_the_flag_makes_the_watch_ask_the_source_again_at_once(
    crossref, client, publisher, retracted, django_capture_on_commit_callbacks
):
    client.force_login(publisher)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            f"/desk/references/{retracted.pk}/clear-retraction/",
            {"reason": "Looks wrong", "updated_at": retracted.updated_at.isoformat()},
        )
    assert response.status_code == 302 and len(callbacks) >= 1
    assert crossref.requests == [RETRACTED_DOI]
    # Crossref still lists the retraction, so the watch marks it again.
    assert Reference.objects.get(pk=retracted.pk).retracted


def test_a_librarian_marks_a_reference_retracted_by_hand_under_their_name(client, draft, editor, smith):
    cite(draft, editor, "Claim [@smith2020].")
    client.force_login(editor)
    assert client.post(f"/desk/references/{smith.pk}/mark-retracted/", {"notice": ""}).status_code == 400
    response = client.post(f"/desk/references/{smith.pk}/mark-retracted/", {"notice": "doi:10.5555/notice"})
    assert response.status_code == 302
    smith.refresh_from_db()
    assert smith.retracted and smith.retraction_notice == "doi:10.5555/notice"
    assert Event.objects.get(article=draft, action="flag").actor == editor


def test_a_retraction_found_by_a_check_someone_asked_for_is_recorded_under_their_name(
    crossref, client, draft, editor, add_reference
):
    reference = add_reference(key="bad2020", doi=RETRACTED_DOI)
    cite(draft, editor, "Claim [@bad2020].")
    client.force_login(editor)
    assert client.post(f"/desk/references/{reference.pk}/check-retraction/").status_code == 302
    assert Reference.objects.get(pk=reference.pk).retracted
    assert Event.objects.get(article=draft, action="flag").actor == editor
