"""Who may do what through the API: each role against each write, as on the desk."""

import pytest

from articles.lifecycle import State
from articles.models import Article, Event, ReviewComment
from tests.workflow import submit

pytestmark = pytest.mark.django_db
PERSONAS = ("editor", "reviewer", "publisher", "outsider", "anonymous")


def _content(**extra):
    return {"title": "Is it safe?", "body": "Yes, mostly.", "note": "via the API", **extra}


# write -> (state the article must be in, who may do it, request for an article)
WRITES = {
    "create": (
        None,
        {"editor"},
        lambda a: ("post", "/api/desk/articles/", _content(slug="new-one", topic="Cardiology")),
    ),
    "save_version": (
        "draft",
        {"editor"},
        lambda a: ("put", f"/api/desk/articles/{a.pk}/", _content(base_version_id=a.working_version_id)),
    ),
    "submit": (
        "draft",
        {"editor"},
        lambda a: ("post", f"/api/desk/articles/{a.pk}/submit/", {"expected_version_id": a.working_version_id}),
    ),
    "comment": (
        "submitted",
        {"editor", "reviewer"},
        lambda a: ("post", f"/api/desk/articles/{a.pk}/comments/", {"body": "Check the dose.", "section": "Dosage"}),
    ),
    "assign": (
        "submitted",
        {"publisher"},
        lambda a: ("post", f"/api/desk/articles/{a.pk}/assignments/", {"reviewer_id": a.board_member_id}),
    ),
    "publish": (
        "approved",
        {"publisher"},
        lambda a: ("post", f"/api/desk/articles/{a.pk}/publish/", {"expected_version_id": a.working_version_id}),
    ),
    "unpublish": (
        "published",
        {"publisher"},
        lambda a: ("post", f"/api/desk/articles/{a.pk}/unpublish/", {"reason": "Outdated dosing"}),
    ),
}


@pytest.fixture
def article_in(request, editor, reviewer):
    def make(state):
        if state is None:
            return None
        article = request.getfixturevalue("draft" if state == "submitted" else state)
        if state == "submitted":
            submit(article, editor)
        article.refresh_from_db()
        article.board_member_id = reviewer.pk
        return article

    return make


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("write", list(WRITES))
def test_each_role_may_do_exactly_the_writes_the_lifecycle_allows(write, persona, request, api, article_in):
    state, allowed, build = WRITES[write]
    article = article_in(state)
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = api(user)
    article_events = Event.objects.filter(chain__startswith="article:")
    events_before = article_events.count()
    method, url, body = build(article)
    response = getattr(client, method)(url, body, format="json")
    if persona == "anonymous":
        assert response.status_code == 401
    elif persona in allowed:
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code == 403, response.content
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"]
    assert (article_events.count() > events_before) == (persona in allowed)


def test_the_lifecycles_reason_for_a_refusal_reaches_the_client(draft, reviewer, api):
    response = api(reviewer).post(
        f"/api/desk/articles/{draft.pk}/submit/", {"expected_version_id": draft.working_version_id}, format="json"
    )
    assert response.status_code == 403
    assert "editor" in response.json()["detail"].lower()


def test_a_stale_version_is_a_409_and_nothing_changes(draft, editor, api):
    client = api(editor)
    old = draft.working_version_id
    saved = client.put(f"/api/desk/articles/{draft.pk}/", _content(base_version_id=old), format="json")
    assert saved.status_code == 200
    response = client.post(f"/api/desk/articles/{draft.pk}/submit/", {"expected_version_id": old}, format="json")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert Article.objects.get(pk=draft.pk).state == State.DRAFT


def test_a_write_through_the_api_is_recorded_under_the_tokens_holder(draft, editor, api):
    api(editor).post(
        f"/api/desk/articles/{draft.pk}/submit/",
        {"expected_version_id": draft.working_version_id},
        format="json",
        REMOTE_ADDR="203.0.113.9",
    )
    event = Event.objects.filter(article=draft).order_by("-id").first()
    assert (event.action, event.actor, event.client_ip) == ("submit", editor, "203.0.113.9")


def test_signing_is_not_offered_through_the_api(draft, reviewer, api):
    response = api(reviewer).post(f"/api/desk/articles/{draft.pk}/approve/", {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_comment_is_stored_on_the_round(draft, editor, reviewer, api):
    submit(draft, editor)
    response = api(reviewer).post(
        f"/api/desk/articles/{draft.pk}/comments/", {"body": "Check the dose."}, format="json"
    )
    assert response.status_code == 201
    assert ReviewComment.objects.get(pk=response.json()["id"]).author == reviewer


def test_a_slug_already_taken_is_a_409(draft, editor, api):
    response = api(editor).post("/api/desk/articles/", _content(slug=draft.slug), format="json")
    assert response.status_code == 409


def test_a_number_where_text_belongs_is_a_400(editor, api):
    response = api(editor).post("/api/desk/articles/", _content(slug="x", title=0), format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/title"


def test_the_article_says_which_actions_its_reader_may_take(draft, editor, publisher, api):
    assert api(editor).get(f"/api/desk/articles/{draft.pk}/").json()["actions"] == ["edit", "submit"]
    assert api(publisher).get(f"/api/desk/articles/{draft.pk}/").json()["actions"] == []
