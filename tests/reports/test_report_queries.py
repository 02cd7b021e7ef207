"""The reports page runs the same number of queries whatever the amount of data."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Article, ReviewAssignment
from tests.articles.test_queries import grow

# session, user, the second factor's device, roles, filter choices, the transaction (savepoint,
# tuning, release), seven reports, one spare
PAGE_QUERIES = 16


def make_lists_grow():
    """Every open assignment overdue and every live article due for re-review, so the
    page's lists grow with the data (the dates are test fixtures, not workflow steps)."""
    now = timezone.now()
    ReviewAssignment.objects.filter(review_round__outcome="open").update(due_at=now - timedelta(days=3))
    Article.objects.filter(published_version__isnull=False).update(public_reviewed_at=now - timedelta(days=340))


def test_the_reports_page_runs_the_same_number_of_queries_on_small_and_larger_data(
    client, editor, reviewer, reviewer2, publisher, django_assert_max_num_queries
):
    client.force_login(publisher)
    counts, listed = [], []
    for size in (4, 12):
        grow(size, editor, reviewer, reviewer2, publisher)
        make_lists_grow()
        with django_assert_max_num_queries(PAGE_QUERIES) as captured:
            response = client.get("/desk/reports/")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
        listed.append(response.context["data"]["overdue"][0]["total"] + len(response.context["data"]["rereviews"]))
    assert counts[0] == counts[1], f"the reports page ran {counts[0]} then {counts[1]} queries"
    assert listed[1] > listed[0] > 0
    assert b"No approval or publication in this range" not in response.content
