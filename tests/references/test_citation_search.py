"""The citation picker's search: a short JSON list of the library for people who cite."""

import pytest
from django.test import Client

from references.models import Reference
from references.views import PICKER_LIMIT
from tests.conftest import PERSONA_PASSWORD

SEARCH = "/desk/references/search.json"


@pytest.fixture
def signed_in_editor(client, editor):
    client.force_login(editor)
    return client


def test_the_picker_finds_by_key_author_and_title_with_key_matches_first(signed_in_editor, add_reference):
    add_reference(key="smith2020", title="Statins for the elderly", family="Smith")
    add_reference(key="okafor2021", title="Smith's sign revisited", family="Okafor", year=2021)
    add_reference(key="jones2019", title="Mobilising early", family="Jones", year=2019)

    answer = signed_in_editor.get(SEARCH, {"q": "smith"}).json()
    assert [row["key"] for row in answer["results"]] == ["smith2020", "okafor2021"]
    assert answer["results"][0] == {
        "key": "smith2020",
        "authors": "Smith",
        "year": 2020,
        "title": "Statins for the elderly",
        "retracted": False,
    }
    assert answer["more"] is False
    assert [row["key"] for row in signed_in_editor.get(SEARCH, {"q": "Jones"}).json()["results"]] == ["jones2019"]
    assert [row["key"] for row in signed_in_editor.get(SEARCH, {"q": "early"}).json()["results"]] == ["jones2019"]


def test_the_picker_names_three_authors_then_et_al_or_the_organisation(signed_in_editor, editor, add_reference):
    many = add_reference(key="many2020", title="A trial by many")
    many.authors = [{"family": name, "given": "A"} for name in ("Ode", "Ma", "Li", "Wu")]
    many.save()
    body = add_reference(key="who2022", title="A guideline", year=2022)
    body.authors, body.organisation = [], "World Health Organization"
    body.save()

    rows = {row["key"]: row["authors"] for row in signed_in_editor.get(SEARCH, {"q": "a"}).json()["results"]}
    assert rows == {"many2020": "Ode, Ma, Li et al.", "who2022": "World Health Organization"}


def test_a_retracted_reference_is_marked(signed_in_editor, add_reference):
    add_reference(key="gone2018", title="A retracted trial", year=2018, retracted=True)
    [row] = signed_in_editor.get(SEARCH, {"q": "gone"}).json()["results"]
    assert row["retracted"] is True


def test_the_picker_answers_a_few_results_in_a_constant_number_of_queries(
    signed_in_editor, add_reference, django_assert_max_num_queries
):
    counts = []
    for size in (5, 40):
        for n in range(Reference.objects.count(), size):
            add_reference(key=f"study{n:03}", title=f"Study number {n}", year=2000 + n % 20, family=f"Author{n}")
        with django_assert_max_num_queries(8) as captured:
            answer = signed_in_editor.get(SEARCH, {"q": "study"}).json()
        counts.append(len(captured.captured_queries))
        assert len(answer["results"]) == min(size, PICKER_LIMIT)
        assert answer["more"] is (size > PICKER_LIMIT)
    assert counts[0] == counts[1]


@pytest.mark.parametrize("query", ["", '"quoted', "a' OR 1=1 --", "x" * 5000, "%_%", "\\", "10.5555/", "a\x00b"])
def test_odd_input_answers_a_list(signed_in_editor, add_reference, query):
    add_reference(key="smith2020")
    response = signed_in_editor.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_the_answer_is_not_kept_by_caches(signed_in_editor):
    assert "no-store" in signed_in_editor.get(SEARCH, {"q": "x"})["Cache-Control"]


def test_signing_in_is_required(client, add_reference):
    add_reference(key="smith2020")
    response = client.get(SEARCH, {"q": "smith"})
    assert response.status_code == 401
    assert response.json() == {"error": "Sign in to search the library."}


@pytest.mark.parametrize("role", ["reviewer", "outsider"])
def test_people_who_do_not_cite_are_refused(client, request, add_reference, role):
    add_reference(key="smith2020")
    client.force_login(request.getfixturevalue(role))
    response = client.get(SEARCH, {"q": "smith"})
    assert response.status_code == 403
    assert "smith2020" not in response.content.decode()


def test_publishers_may_search_too(client, publisher, add_reference):
    add_reference(key="smith2020")
    client.force_login(publisher)
    assert client.get(SEARCH, {"q": "smith"}).json()["results"][0]["key"] == "smith2020"


def test_only_reads_are_answered(signed_in_editor):
    assert signed_in_editor.post(SEARCH, {"q": "x"}).status_code == 405


def test_a_password_alone_is_not_enough_for_a_publisher_with_two_factor(add_reference, publisher):
    """The second factor still guards the answer: the two-factor middleware asks for it first."""
    add_reference(key="smith2020")
    client = Client()
    client.post("/accounts/login/", {"username": publisher.username, "password": PERSONA_PASSWORD})
    response = client.get(SEARCH, {"q": "smith"})
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]
