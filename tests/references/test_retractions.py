"""The retraction watch against a local HTTP server serving Crossref-shaped answers."""

from articles import services as article_services
from articles.services import Content
from references.models import Reference
from references.retractions import check_cited_references
from references.tasks import check_retractions
from tests.references.conftest import RETRACTED_DOI


def cite_all(draft, editor, keys):
    body = " ".join(f"[@{key}]" for key in keys)
    article_services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        note="cite",
        content=Content(title="T", body=body),
    )


def test_a_retraction_notice_marks_the_reference_and_flags_the_article(
    crossref, draft, editor, add_reference, mailoutbox, django_capture_on_commit_callbacks
):
    add_reference(key="bad", doi=RETRACTED_DOI)
    add_reference(key="good", title="Good one", doi="10.5555/fine")
    add_reference(key="unknown", title="Not at Crossref", doi="10.5555/absent")
    add_reference(key="uncited", title="Nobody cites me", doi="10.5555/uncited")
    cite_all(draft, editor, ["bad", "good", "unknown"])
    with django_capture_on_commit_callbacks(execute=True):
        summary = check_retractions()  # the Celery task, called as a function
    assert summary == {"checked": 3, "retracted": ["bad"], "notices": ["good"], "failed": 0}
    assert sorted(crossref.requests) == sorted([RETRACTED_DOI, "10.5555/fine", "10.5555/absent"])
    assert Reference.objects.get(key="bad").retracted and not Reference.objects.get(key="good").retracted
    assert Reference.objects.get(key="good").notices.get().kind == "correction"
    assert "10.5555/retraction-notice" in Reference.objects.get(key="bad").retraction_notice
    draft.refresh_from_db()
    assert "@bad was retracted" in draft.attention
    assert len(mailoutbox) == 1


def test_checked_references_are_not_asked_again_until_due(crossref, draft, editor, add_reference):
    add_reference(key="good", title="Good one", doi="10.5555/fine")
    cite_all(draft, editor, ["good"])
    check_cited_references()
    check_cited_references()
    assert crossref.requests == ["10.5555/fine"]


def test_an_unavailable_crossref_is_counted_and_retried_next_time(crossref, draft, editor, add_reference):
    add_reference(key="flaky", doi="10.5555/broken")
    cite_all(draft, editor, ["flaky"])
    assert check_cited_references() == {"checked": 0, "retracted": [], "notices": [], "failed": 1}
    assert Reference.objects.get(key="flaky").retraction_checked_at is None
    check_cited_references()
    assert crossref.requests == ["10.5555/broken", "10.5555/broken"]


def test_a_librarian_who_asks_about_one_reference_reads_what_was_found(
    crossref, client, draft, editor, add_reference, django_capture_on_commit_callbacks
):
    bad = add_reference(key="bad", doi=RETRACTED_DOI)
    good = add_reference(key="good", title="Good one", doi="10.5555/fine")
    flaky = add_reference(key="flaky", title="Flaky", doi="10.5555/broken")
    bare = add_reference(key="bare", title="No DOI", doi="")
    cite_all(draft, editor, ["bad"])
    client.force_login(editor)

    def said(reference):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/desk/references/{reference.pk}/check-retraction/", follow=True)
        return [str(message) for message in response.context["messages"]]

    assert said(bad) == [
        "@bad is retracted (retraction notice 10.5555/retraction-notice); 1 article(s) flagged for re-review."
    ]
    assert said(good) == ["@good: correction notice 10.5555/erratum recorded; readers see it beside the reference."]
    assert said(good) == ["@good: no retraction or other notice found."]  # known already
    assert said(flaky)[0].startswith("@flaky was not checked: ")
    assert said(bare) == ["@bare has no DOI or PubMed ID, so it cannot be checked."]
