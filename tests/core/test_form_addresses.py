"""Every address a desk form posts to answers a GET (a reload after a refusal, a bookmark,
an address typed in) with the page the form is on, never with a 405 or a blank page."""

import re

import pytest
from django.urls import URLResolver, get_resolver, reverse

from accounts.roles import EDITOR, PUBLISHER, REVIEWER

# Staff addresses: the desk, and the notifications (which any signed-in person has).
STAFF = re.compile(r"^(desk|notifications)/")


def named_patterns(resolver=None, prefix="", namespace=""):
    """(route, name, pattern) of every named URL, its namespace included in the name."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern, route, inner)
        elif pattern.name:
            yield route, namespace + pattern.name, pattern


def sample_address(name, pattern, ids):
    """The address of `name` with the pattern's arguments filled in: the ids given, or 1."""
    arguments = list(pattern.pattern.regex.groupindex)
    samples = {
        "fmt": "json",
        "decision": "accept",
        "key": "editorial-policy",
        "token": "00000000-0000-4000-8000-000000000000",
    }
    return reverse(name, kwargs={arg: samples.get(arg, ids.get(arg, 1)) for arg in arguments})


def form_addresses():
    return [
        (route, name, pattern)
        for route, name, pattern in named_patterns()
        if STAFF.match(route) and hasattr(pattern.callback, "form_page")
    ]


def test_the_form_addresses_are_found():
    names = {name for _, name, _ in form_addresses()}
    assert {"articles:approve", "articles:submit", "articles:join", "articles:policy", "articles:restore"} <= names
    assert {"registry:verify", "references:mark_retracted", "people:roles", "notifications:read"} <= names


@pytest.fixture
def everyone(make_staff):
    return make_staff("ada", EDITOR, REVIEWER, PUBLISHER, is_staff=True)


def test_no_staff_address_answers_a_get_with_405(client, everyone, draft):
    client.force_login(everyone)
    ids = {"article_id": draft.pk, "version_id": draft.working_version_id, "user_id": everyone.pk}
    for route, name, pattern in named_patterns():
        if STAFF.match(route):
            address = sample_address(name, pattern, ids)
            assert client.get(address).status_code != 405, address


def test_a_get_of_an_article_form_address_is_sent_to_the_article_page(client, everyone, draft):
    client.force_login(everyone)
    ids = {"article_id": draft.pk, "version_id": draft.working_version_id}
    article_forms = [(name, pattern) for _, name, pattern in form_addresses() if name.startswith("articles:")]
    assert len(article_forms) >= 17
    for name, pattern in article_forms:
        if "report_id" in pattern.pattern.regex.groupindex:
            continue
        address = sample_address(name, pattern, ids)
        response = client.get(address, follow=True)
        assert response.redirect_chain == [(f"/desk/{draft.pk}/", 302)], address
        assert response.status_code == 200 and draft.working_version.title in response.content.decode()
        assert client.head(address).status_code == 302


def test_other_methods_than_get_head_and_post_are_405(client, everyone, draft):
    client.force_login(everyone)
    response = client.put(f"/desk/{draft.pk}/approve/")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD, POST"
