"""The desk pages over HTTP: thin views, clear refusals, nothing lost."""

import json
from datetime import timezone

import pytest

from articles.models import Article
from tests.workflow import BODY, claim, refused, submit

NEW = {
    "title": "What is sample fever?",
    "slug": "sample-fever",
    "topic": "Infections",
    "aliases": "Fever X, FX",
    "summary": "Summary",
    "body": "## Causes\n\nTake 5 mg.",
    "key_points": "One\nTwo",
    "faq": "Q: Is it common?\nA: Yes.",
    "note": "First draft",
}


def test_an_editor_creates_an_article_and_it_lands_as_a_draft(client, editor):
    client.force_login(editor)
    response = client.post("/desk/new/", NEW)
    article = Article.objects.get(slug="sample-fever")
    assert response.status_code == 302 and response["Location"] == f"/desk/{article.pk}/"
    version = article.working_version
    assert version.aliases == ["Fever X", "FX"]
    assert version.faq == [{"question": "Is it common?", "answer": "Yes."}]
    page = client.get(f"/desk/{article.pk}/").content.decode()
    assert "Submit for review" in page and '<h2 id="causes">' in page


def test_preview_renders_without_saving(client, editor):
    client.force_login(editor)
    response = client.post("/desk/new/", {**NEW, "preview": "1"})
    assert response.status_code == 200
    assert "Preview: What is sample fever?" in response.content.decode()
    assert not Article.objects.exists()


def test_bad_input_keeps_everything_the_editor_typed(client, editor):
    client.force_login(editor)
    response = client.post("/desk/new/", {**NEW, "faq": "A: answer without question", "slug": "Not a slug!"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "FAQ line 1" in page and "Take 5 mg." in page and "What is sample fever?" in page
    assert not Article.objects.exists()


def test_a_stale_edit_is_refused_with_409_and_the_text_is_shown_again(client, draft, editor):
    client.force_login(editor)
    stale_base = draft.working_version_id
    form = {"title": "T", "body": "First edit", "note": "one", "base_version_id": stale_base}
    assert client.post(f"/desk/{draft.pk}/edit/", form).status_code == 302
    response = client.post(f"/desk/{draft.pk}/edit/", {**form, "body": "My careful second edit"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "newer version" in page and "My careful second edit" in page


def test_an_outsider_gets_403_on_the_desk_and_anonymous_is_sent_to_sign_in(client, outsider, draft):
    assert client.get(f"/desk/{draft.pk}/").status_code == 302
    client.force_login(outsider)
    response = client.get(f"/desk/{draft.pk}/")
    assert response.status_code == 403
    assert "Only editors, reviewers and publishers" in response.content.decode()


def test_unknown_ids_are_404(client, editor):
    client.force_login(editor)
    assert client.get("/desk/999999/").status_code == 404
    assert client.post("/desk/999999/submit/").status_code == 404
    assert client.get("/desk/999999/history/").status_code == 404


def test_an_action_the_role_does_not_allow_is_refused_with_the_reason_and_changes_nothing(client, draft, reviewer):
    client.force_login(reviewer)
    response = client.post(f"/desk/{draft.pk}/submit/", {"version_id": draft.working_version_id})
    assert "Only an editor can submit" in refused(client, response, draft)
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_a_wrong_password_refuses_the_approval_and_keeps_the_page(client, draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    client.force_login(reviewer)
    response = client.post(
        f"/desk/{draft.pk}/approve/", {"password": "nope", "content_hash": draft.working_version.content_hash}
    )
    assert "password was not correct" in refused(client, response, draft)
    draft.refresh_from_db()
    assert draft.state == "under_review"


def test_a_refused_comment_keeps_the_text(client, draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    client.force_login(reviewer)
    response = client.post(f"/desk/{draft.pk}/request-changes/", {"body": "Fix the dose table", "version_id": 0})
    page = refused(client, response, draft)
    assert "newer version" in page and "Fix the dose table</textarea>" in page
    # Kept once: the next visit shows the form empty again.
    assert "Fix the dose table" not in client.get(f"/desk/{draft.pk}/").content.decode()


def test_reviewer_page_shows_the_diff_against_the_last_approved_version(
    client, published, editor, reviewer2, publisher
):
    client.force_login(editor)
    client.post(
        f"/desk/{published.pk}/edit/",
        {
            "title": published.working_version.title,
            "body": BODY.replace("5 mg", "50 mg"),
            "note": "dose",
            "base_version_id": published.working_version_id,
        },
    )
    client.force_login(reviewer2)
    page = client.get(f"/desk/{published.pk}/").content.decode()
    assert "Changed numbers" in page and "50 mg" in page


def test_history_lists_every_version_and_compare_shows_number_changes(client, draft, editor):
    client.force_login(editor)
    client.post(
        f"/desk/{draft.pk}/edit/",
        {
            "title": "What is sample condition?",
            "body": BODY.replace("14 days", "21 days"),
            "note": "longer course",
            "base_version_id": draft.working_version_id,
        },
    )
    history = client.get(f"/desk/{draft.pk}/history/").content.decode()
    assert "longer course" in history and "First draft" in history
    compare = client.get(f"/desk/{draft.pk}/compare/?a=1&b=2").content.decode()
    assert "14 days" in compare and "21 days" in compare
    assert client.get(f"/desk/{draft.pk}/compare/?a=x&b=2").status_code == 400
    assert client.get(f"/desk/{draft.pk}/compare/?a=1&b=9").status_code == 404


def test_publishers_export_the_audit_trail_and_others_cannot(client, approved, publisher, editor):
    client.force_login(editor)
    assert client.get(f"/desk/{approved.pk}/audit.csv").status_code == 403
    client.force_login(publisher)
    csv_response = client.get(f"/desk/{approved.pk}/audit.csv")
    assert csv_response.status_code == 200
    lines = csv_response.content.decode().strip().splitlines()
    assert lines[0].startswith("id,seq,created_at,actor_id,actor_username,actor_name,action")
    assert f",{approved.created_by_id},edna,Edna Tester," in lines[1]
    assert len(lines) == 1 + 4
    data = json.loads(client.get(f"/desk/{approved.pk}/audit.json").content)
    assert [event["action"] for event in data["events"]] == ["create", "submit", "claim", "approve"]
    assert data["events"][-1]["actor_username"] == "rhea" and data["events"][-1]["key_id"] == "1"
    [signature] = data["signatures"]
    assert signature["printed_name"] == "Rhea Tester, M.D., FACP"
    assert signature["signer_username"] == "rhea" and signature["signer_id"] == data["events"][-1]["actor_id"]
    assert signature["meaning"] == "Approved for medical accuracy"
    assert signature["content_hash"] == approved.working_version.content_hash and signature["valid"] is True


def test_the_client_ip_is_recorded_and_a_forwarded_one_only_behind_a_proxy(client, draft, editor, settings):
    from articles.models import Event

    client.force_login(editor)
    client.post(
        f"/desk/{draft.pk}/submit/",
        {"version_id": draft.working_version_id},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert Event.objects.get(article=draft, action="submit").client_ip == "10.1.2.3"
    settings.PROXY_COUNT = 1
    # The client wrote the first entry itself; the proxy appended the address it saw.
    client.post(
        f"/desk/{draft.pk}/comment/",
        {"body": "note"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9",
    )
    assert Event.objects.get(article=draft, action="comment").client_ip == "203.0.113.9"


@pytest.mark.parametrize(
    "hops, forwarded, recorded",
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.1.1.1, 2.2.2.2, 203.0.113.9", "203.0.113.9"),
        (2, "1.1.1.1, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer entries than proxies: only the socket's address is known
        (1, "", "10.0.0.1"),
        (1, "not-an-address, also-not", None),
    ],
)
def test_a_forged_forwarded_for_header_does_not_set_the_recorded_address(
    client,
    draft,
    editor,
    settings,
    hops,
    forwarded,
    recorded,
):
    from articles.models import Event

    settings.PROXY_COUNT = hops
    client.force_login(editor)
    client.post(
        f"/desk/{draft.pk}/submit/",
        {"version_id": draft.working_version_id},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert Event.objects.get(article=draft, action="submit").client_ip == recorded


def test_an_approved_but_unpublished_article_is_404_for_readers(client, approved):
    assert client.get(f"/articles/{approved.slug}/").status_code == 404


def test_a_reader_sees_the_published_version_and_its_reviewer(client, published):
    page = client.get(f"/articles/{published.slug}/").content.decode()
    assert "What is sample condition?" in page
    assert "Reviewed by" in page and "M.D., FACP" in page


def test_a_reader_gets_404_for_a_draft_or_an_unknown_slug(client, draft):
    assert client.get(f"/articles/{draft.slug}/").status_code == 404
    assert client.get("/articles/no-such-thing/").status_code == 404


def test_times_labelled_utc_are_utc_whatever_the_display_time_zone(client, approved, publisher, settings):
    from articles.models import Signature

    settings.TIME_ZONE = "America/New_York"
    signature = Signature.objects.get(version=approved.working_version)
    client.force_login(publisher)
    page = client.get(f"/desk/{approved.pk}/").content.decode()
    utc_text = signature.signed_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    assert f"Signed {utc_text} UTC" in page
    history = client.get(f"/desk/{approved.pk}/history/").content.decode()
    assert approved.working_version.created_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M") + " UTC" in history


def test_an_edit_that_does_not_say_its_version_is_refused_as_stale_and_the_text_is_shown_again(client, draft, editor):
    client.force_login(editor)
    response = client.post(f"/desk/{draft.pk}/edit/", {"title": "T", "body": "Edit without a base", "note": "one"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "newer version" in page and "Edit without a base" in page
    draft.refresh_from_db()
    assert draft.versions.count() == 1


def test_a_submission_that_does_not_say_its_version_is_refused_as_stale(client, draft, editor):
    client.force_login(editor)
    response = client.post(f"/desk/{draft.pk}/submit/")
    assert "newer version" in refused(client, response, draft)
    draft.refresh_from_db()
    assert draft.state == "draft"


@pytest.mark.parametrize("role", ["reviewer", "publisher"])
def test_the_article_form_is_refused_before_typing_to_those_who_do_not_write(client, request, draft, role):
    client.force_login(request.getfixturevalue(role))
    for address in (f"/desk/{draft.pk}/edit/", "/desk/new/"):
        response = client.get(address)
        assert response.status_code == 403
        page = response.content.decode()
        assert "Only editors write and revise articles." in page and 'name="body"' not in page


def test_the_editors_form_names_the_version_it_was_opened_on_for_the_text_the_browser_keeps(client, draft, editor):
    client.force_login(editor)
    page = client.get(f"/desk/{draft.pk}/edit/").content.decode()
    assert f'data-autosave="{editor.pk}.article.{draft.pk}"' in page
    assert 'data-version-number="1"' in page and "data-unsaved" not in page
    assert 'data-citation-search="/desk/references/search.json"' in page
    # Sent back with a refusal, the form shows unsaved text, still on the version it was opened on.
    form = {"title": "", "body": "Typed", "note": "one", "base_version_id": draft.working_version_id}
    page = client.post(f"/desk/{draft.pk}/edit/", form).content.decode()
    assert 'data-unsaved="true"' in page and 'data-version-number="1"' in page
    assert f'data-autosave="{editor.pk}.new-article"' in client.get("/desk/new/").content.decode()


def test_a_successful_save_tells_the_browser_to_forget_the_kept_text(client, draft, editor):
    client.force_login(editor)
    form = {"title": "T", "body": "Saved", "note": "one", "base_version_id": draft.working_version_id}
    page = client.post(f"/desk/{draft.pk}/edit/", form, follow=True).content.decode()
    assert '<li class="message draft-saved success">Saved as a new version.</li>' in page
