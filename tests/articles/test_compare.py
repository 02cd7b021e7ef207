"""Comparing versions: a bad address is the site's error page with the reason and a way
back, and the compare form puts no token into the address."""

import pytest

from tests.workflow import BODY


def second_version(client, draft):
    client.post(
        f"/desk/{draft.pk}/edit/",
        {
            "title": draft.working_version.title,
            "body": BODY + "\n\nMore.",
            "note": "more",
            "base_version_id": draft.working_version_id,
        },
    )


@pytest.mark.parametrize(
    ("query", "status", "reason"),
    [
        ("a=x&b=2", 400, "Choose two versions to compare: “from” and “to” are version numbers."),
        ("b=2", 400, "Choose two versions to compare"),
        ("a=1&b=9", 404, "This article has no version 9: choose two of its versions in the history."),
    ],
)
def test_a_bad_comparison_is_the_site_s_error_page_with_the_reason_and_a_way_back(
    client, draft, editor, query, status, reason
):
    client.force_login(editor)
    response = client.get(f"/desk/{draft.pk}/compare/?{query}")
    assert response.status_code == status
    page = response.content.decode()
    assert reason in page
    assert f'<a href="/desk/{draft.pk}/history/">Back to the history</a>' in page
    assert '<nav aria-label="Main">' in page  # the site's page, not a line of plain text


def test_the_compare_form_puts_no_token_in_the_address_and_restoring_still_posts_one(client, draft, editor):
    client.force_login(editor)
    second_version(client, draft)
    page = client.get(f"/desk/{draft.pk}/history/").content.decode()
    compare_form = page[page.index('<form method="get"') : page.index("</form>", page.index('<form method="get"'))]
    assert "csrfmiddlewaretoken" not in compare_form and "base_version_id" not in compare_form
    restore_form = page[page.index('<form method="post" id="restore-form">') :]
    assert "csrfmiddlewaretoken" in restore_form[: restore_form.index("</form>")]
    assert 'form="restore-form"' in page


def test_a_single_version_offers_nothing_to_compare(client, draft, editor):
    client.force_login(editor)
    page = client.get(f"/desk/{draft.pk}/history/").content.decode()
    assert "Compare selected" not in page and "nothing to compare it with" in page
