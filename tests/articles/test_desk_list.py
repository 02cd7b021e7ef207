"""The desk's list of articles: search, filters, sort, pages, overdue reviews and the
publisher's counts, with a query count that does not grow with the number of articles."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.lifecycle import State
from articles.models import Article, ReviewRound
from tests.articles.desk_rows import build_articles
from tests.workflow import approve, claim, submit


def titles(response):
    return re.findall(r'<td><a href="/desk/\d+/">([^<]+)</a></td>', response.content.decode())


def overdue_review(draft, editor, reviewer, publisher, days=4):
    """The draft submitted and assigned to the reviewer, due `days` days ago."""
    submit(draft, editor)
    services.article_assign(
        article_id=draft.pk, actor=publisher, reviewer_id=reviewer.pk, due_at=timezone.now() + timedelta(days=30)
    )
    ReviewRound.objects.filter(article=draft, outcome=ReviewRound.OPEN).update(
        due_at=timezone.now() - timedelta(days=days)
    )


def test_a_review_past_its_due_date_is_marked_overdue_on_the_desk_list_and_the_review_queue(
    client, draft, editor, reviewer, publisher
):
    overdue_review(draft, editor, reviewer, publisher)
    client.force_login(reviewer)
    for url in ("/desk/", "/desk/review/", "/desk/review/?mine=1"):
        page = client.get(url).content.decode()
        assert '<strong class="overdue">overdue</strong>' in page, url
    ReviewRound.objects.filter(article=draft).update(due_at=timezone.now() + timedelta(days=1))
    assert "overdue</strong>" not in client.get("/desk/review/").content.decode()


def test_the_list_is_searched_by_title_and_filtered_by_state_topic_and_assignee(
    client, editor, reviewer, reviewer2, publisher
):
    build_articles(21, editor=editor, reviewers=[reviewer, reviewer2])
    client.force_login(editor)
    assert titles(client.get("/desk/?title=ARTICLE+1")) == [
        f"Bulk article {n}" for n in (1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)
    ]
    assert titles(client.get("/desk/?state=approved")) == ["Bulk article 4", "Bulk article 11", "Bulk article 18"]
    assert titles(client.get("/desk/?topic=Topic+2&state=draft")) == ["Bulk article 7"]
    assert titles(client.get("/desk/?topic=Topic+2")) == [f"Bulk article {n}" for n in (2, 7, 12, 17)]
    # Under review: 2, 9, 16, assigned in turn to rhea, ravi, rhea.
    assert titles(client.get(f"/desk/?assignee={reviewer2.pk}")) == ["Bulk article 9"]
    assert titles(client.get(f"/desk/?assignee={reviewer.pk}&sort=title")) == ["Bulk article 16", "Bulk article 2"]
    assert titles(client.get("/desk/?state=draft&sort=changed_oldest")) == [
        "Bulk article 14",
        "Bulk article 7",
        "Bulk article 0",
    ]


def test_the_list_sorts_by_due_date_with_overdue_reviews_first(client, editor, reviewer, reviewer2):
    build_articles(21, editor=editor, reviewers=[reviewer, reviewer2])
    client.force_login(editor)
    response = client.get("/desk/?sort=due")
    # In review: 1, 8, 15 submitted (due in 20 days) and 2, 9, 16 under review (due 4 days
    # ago); equal due dates go most recently changed first, then the rest.
    assert titles(response)[:7] == [f"Bulk article {n}" for n in (2, 9, 16, 1, 8, 15, 0)]
    assert response.content.decode().count('<strong class="overdue">') == 3


def test_publishers_see_what_needs_them_counted_and_each_count_links_to_its_list(
    client, draft, editor, reviewer, reviewer2, publisher, make_staff
):
    overdue_review(draft, editor, reviewer, publisher)
    second = services.article_create(
        actor=editor,
        slug="two-signatures",
        topic="T",
        content=services.Content(title="Two", body="## H\n\n5 mg"),
        note="v1",
    )
    services.article_set_policy(
        article_id=second.pk, actor=publisher, review_policy="before", approvals_required=2, rereview_months=12
    )
    submit(second, editor)
    claim(second, reviewer2)
    approve(second, reviewer2)
    client.force_login(publisher)
    counts = client.get("/desk/").content.decode()
    assert "<strong>1</strong> overdue" in counts
    assert "<strong>1</strong> waiting for a second signature" in counts
    assert "<strong>0</strong> approved, not published" in counts
    assert titles(client.get("/desk/?attention=overdue")) == ["What is sample condition?"]
    assert titles(client.get("/desk/?attention=second_signature")) == ["Two"]
    assert titles(client.get("/desk/?attention=rereview")) == []

    client.force_login(editor)
    assert "waiting for a second signature" not in client.get("/desk/").content.decode()


def test_a_live_page_past_its_re_review_interval_is_counted_as_re_review_due(client, published, publisher):
    client.force_login(publisher)
    assert "<strong>0</strong> re-review due" in client.get("/desk/").content.decode()
    Article.objects.filter(pk=published.pk).update(public_reviewed_at=timezone.now() - timedelta(days=400))
    assert "<strong>1</strong> re-review due" in client.get("/desk/").content.decode()
    assert titles(client.get("/desk/?attention=rereview")) == ["What is sample condition?"]


def test_a_filter_that_cannot_be_used_is_a_400_that_says_why_and_keeps_what_was_typed(client, editor, draft):
    client.force_login(editor)
    response = client.get("/desk/?title=sample&state=lost&sort=sideways")
    assert response.status_code == 400
    page = response.content.decode()
    assert "“lost” is not one of the choices for “State”." in page
    assert "“sideways” is not one of the choices for “Sort by”." in page
    assert 'value="sample"' in page
    assert "No articles yet." not in page and "Correct the filter above" in page
    assert client.get("/desk/?assignee=abc").status_code == 400


def test_the_pager_keeps_the_search_and_filters(client, editor, reviewer):
    build_articles(120, editor=editor, reviewers=[reviewer])
    client.force_login(editor)
    page = client.get("/desk/?title=bulk&sort=title").content.decode()
    assert "120 articles match." in page
    assert 'href="?title=bulk&amp;sort=title&amp;page=2"' in page
    second = client.get("/desk/?title=bulk&sort=title&page=3").content.decode()
    assert "Page 3 of 3" in second


@pytest.mark.parametrize("persona", ["editor", "publisher"])
def test_the_desk_list_runs_the_same_queries_at_1000_and_10000_articles(
    client, request, editor, reviewer, reviewer2, persona, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    urls = [
        "/desk/",
        "/desk/?title=article+12&state=under_review",
        "/desk/?attention=overdue&sort=due",
        "/desk/?attention=second_signature",
        f"/desk/?assignee={reviewer.pk}&topic=Topic+1&sort=title&page=2",
        "/desk/review/",
    ]
    counts = {}
    for size, label in ((1_000, "small"), (9_000, "large")):  # 1,000 then 10,000 articles in all
        build_articles(size, editor=editor, reviewers=[reviewer, reviewer2], label=label)
        # A first request after building the rows: a session last seen a while ago is
        # written again then, which is about time, not data.
        assert client.get("/desk/").status_code == 200
        for url in urls:
            with django_assert_max_num_queries(16) as captured:
                assert client.get(url).status_code == 200
            counts.setdefault(url, []).append(len(captured.captured_queries))
    assert Article.objects.count() == 10_000
    assert Article.objects.filter(state=State.UNDER_REVIEW).count() > 1_000
    for url, (small, large) in counts.items():
        assert small == large, f"{url} ran {small} then {large} queries"
