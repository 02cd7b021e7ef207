"""The reports page runs the same number of queries whatever the amount of data."""

from tests.articles.test_queries import grow

# session, user, roles, filter choices, the transaction (savepoint, tuning, release), seven reports, one spare
PAGE_QUERIES = 15


def test_the_reports_page_runs_the_same_number_of_queries_on_small_and_larger_data(
    client, editor, reviewer, reviewer2, publisher, django_assert_max_num_queries
):
    client.force_login(publisher)
    counts = []
    for size in (4, 12):
        grow(size, editor, reviewer, reviewer2, publisher)
        with django_assert_max_num_queries(PAGE_QUERIES) as captured:
            response = client.get("/desk/reports/")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], f"the reports page ran {counts[0]} then {counts[1]} queries"
    assert b"No approval or publication in this range" not in response.content
