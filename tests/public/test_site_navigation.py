"""Every public page carries the site's navigation and icon, and a sentence ending with
credentials that end in a full stop gets no second one."""

import pytest
from django.core.cache import cache

from core.roles import EDITOR
from core.text import full_stop_after, sentence
from tests.public.test_site import publish_article

PUBLIC_NAVIGATION = ('<a href="/articles/">Articles</a>', '<a href="/editorial-policy/">Editorial policy</a>')


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def live(make_staff, reviewer2, publisher):
    writer = make_staff("wanda", EDITOR, credentials="R.N., Ph.D.")
    return publish_article(
        "statins", "Statins and the heart", "Statins lower cholesterol.", writer, reviewer2, publisher
    )


def test_the_index_profile_and_policy_pages_have_the_article_page_s_navigation(client, live, reviewer2):
    profile = f"/reviewers/{reviewer2.profile.slug}/"
    for url in ("/articles/statins/", "/articles/", "/articles/?q=statins", profile, "/editorial-policy/"):
        page = client.get(url).content.decode()
        for link in PUBLIC_NAVIGATION:
            assert link in page, (url, link)
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page, url


def test_a_publisher_editing_the_policy_is_told_it_was_saved_on_the_public_page(client, publisher):
    client.force_login(publisher)
    response = client.post("/desk/pages/editorial-policy/", {"title": "Editorial policy", "body": "We review."})
    page = client.get(response["Location"]).content.decode()
    assert "Page saved." in page and PUBLIC_NAVIGATION[1] in page


def test_credentials_ending_in_a_full_stop_end_the_review_and_writer_lines_once(client, live):
    page = client.get("/articles/statins/").content.decode()
    assert "Ph.D..</" not in page and "Ph.D.</a>." not in page and "Ph.D.." not in page
    assert "Ph.D.</a>\n" in page  # the review line ends with the signer's credentials
    assert '<p class="written-by">Written by Wanda Tester, R.N., Ph.D.</p>' in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jane Roe, M.D., Ph.D.", "Jane Roe, M.D., Ph.D."),
        ("Jane Roe, MD", "Jane Roe, MD."),
        ("Jane Roe", "Jane Roe."),
        ("Cancelled by Jo Doe, M.D.", "Cancelled by Jo Doe, M.D."),
    ],
)
def test_a_sentence_ends_with_one_full_stop(text, expected):
    assert sentence(text) == expected
    assert full_stop_after(text) == expected[len(text) :]
