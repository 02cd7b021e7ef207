"""The fast-track request and the signer rule on the desk pages: clear refusals,
nothing typed lost, and every role sees where it stands."""

import pytest

from articles import services
from articles.models import FastTrackRequest
from tests.conftest import PERSONA_PASSWORD
from tests.workflow import approve, claim, refused, signing_code, submit

POLICY = {"review_policy": "after", "approvals_required": "2", "rereview_months": "24"}


@pytest.fixture
def publisher2(make_staff):
    return make_staff("pablo", "Publisher")


@pytest.fixture
def asked(draft, publisher):
    return services.article_request_fast_track(article_id=draft.pk, actor=publisher, reason="Outbreak guidance")


def test_asking_for_fast_track_without_a_reason_is_refused_and_keeps_the_form(client, draft, publisher):
    client.force_login(publisher)
    response = client.post(f"/desk/{draft.pk}/policy/", POLICY)
    page = refused(client, response, draft)
    assert "Give a reason" in page
    assert 'value="2"' in page and '<option value="24" selected>' in page and '<option value="after" selected>' in page
    draft.refresh_from_db()
    assert (draft.review_policy, draft.approvals_required) == ("before", 1)


def test_the_policy_form_asks_and_the_page_says_someone_else_must_confirm(client, draft, publisher):
    client.force_login(publisher)
    response = client.post(f"/desk/{draft.pk}/policy/", {**POLICY, "reason": "Outbreak guidance"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.review_policy == "before" and draft.approvals_required == 2
    page = client.get(f"/desk/{draft.pk}/").content.decode()
    assert "Outbreak guidance" in page and "Withdraw the request" in page
    assert "Confirm review after publication" not in page


def test_a_reviewer_sees_the_waiting_request_on_the_desk_page_and_dashboard_and_confirms_it(
    client, draft, reviewer, asked
):
    client.force_login(reviewer)
    assert "Outbreak guidance" in client.get("/dashboard/").content.decode()
    page = client.get(f"/desk/{draft.pk}/").content.decode()
    assert "Confirm review after publication" in page and "Decline" in page and "Withdraw the request" not in page
    response = client.post(
        f"/desk/{draft.pk}/fast-track/confirm/",
        {"request_id": asked.pk, "password": PERSONA_PASSWORD, "code": signing_code(reviewer)},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.review_policy == "after"


def test_the_publisher_dashboard_lists_waiting_requests(client, publisher2, asked):
    client.force_login(publisher2)
    page = client.get("/dashboard/").content.decode()
    assert "Review after publication: waiting for confirmation" in page and "Outbreak guidance" in page


def test_a_wrong_password_at_confirmation_is_refused_and_changes_nothing(client, draft, publisher2, asked):
    client.force_login(publisher2)
    response = client.post(f"/desk/{draft.pk}/fast-track/confirm/", {"request_id": asked.pk, "password": "nope"})
    assert "password was not correct" in refused(client, response, draft)
    asked.refresh_from_db()
    assert asked.status == FastTrackRequest.PENDING


def test_the_asker_posting_a_confirmation_is_refused(client, draft, publisher, asked):
    client.force_login(publisher)
    response = client.post(
        f"/desk/{draft.pk}/fast-track/confirm/", {"request_id": asked.pk, "password": PERSONA_PASSWORD}
    )
    assert "another publisher or a member" in refused(client, response, draft)


def test_a_stale_decline_is_refused_and_keeps_the_note(client, draft, publisher, publisher2, asked):
    services.article_withdraw_fast_track(article_id=draft.pk, actor=publisher, request_id=asked.pk)
    client.force_login(publisher2)
    response = client.post(
        f"/desk/{draft.pk}/fast-track/decline/", {"request_id": asked.pk, "note": "Not urgent at all"}
    )
    page = refused(client, response, draft)
    assert "withdrawn or decided" in page and "Not urgent at all" in page


def test_a_malformed_request_id_is_a_clear_refusal(client, draft, publisher2, asked):
    client.force_login(publisher2)
    response = client.post(f"/desk/{draft.pk}/fast-track/confirm/", {"request_id": "x", "password": PERSONA_PASSWORD})
    assert "withdrawn or decided" in refused(client, response, draft)


def test_a_dual_role_signer_sees_no_publish_button_and_is_told_why(client, draft, editor, make_staff):
    dual = make_staff("dana", "Reviewer", "Publisher")
    submit(draft, editor)
    claim(draft, dual)
    approve(draft, dual)
    client.force_login(dual)
    page = client.get(f"/desk/{draft.pk}/").content.decode()
    assert "Publish version 1" not in page and "another publisher must publish it" in page
    response = client.post(f"/desk/{draft.pk}/publish/", {"version_id": draft.working_version_id})
    assert "another publisher must publish" in refused(client, response, draft)
