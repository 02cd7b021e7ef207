"""A refusal for several problems answers with a short summary and each problem once."""

from articles import services
from articles.services import Content


def test_the_api_answers_a_refused_submission_with_the_summary_and_each_problem(api, editor):
    article = services.article_create(
        actor=editor,
        slug="unknown-refs",
        topic="",
        content=Content(title="Unknown references", body="Take 5 mg [@smith2020].\n\nRare [@jones2021]."),
        note="v1",
    )
    response = api(editor).post(
        f"/api/desk/articles/{article.pk}/submit/", {"expected_version_id": article.working_version_id}, format="json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["detail"] == "2 problems block submission."
    assert body["problems"] == ["line 1: unknown reference key @smith2020", "line 3: unknown reference key @jones2021"]
