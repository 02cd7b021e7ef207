"""Benchmark: the desk's list of articles (/desk/) at 100,000 articles, as a publisher sees
it (with the counts of what needs attention), with search, filters, sorts and a deep page.

Run with `make bench-desk` (or `.venv/bin/python bench/desk_list.py`). The data is
generated with SQL in a throwaway PostgreSQL database: every article has a version and an
approved, signed round a year old; a seventh of them are in each state; those in review have an open round (half of them
overdue), those under review are assigned to one of 20 board members, and a third of
those need two approvals and have one; published ones were last reviewed up to 500 days
ago (some due for re-review). Each address is asked once to warm up and then RUNS times;
the script prints the median beside two references measured in the same run: the page's
own SQL statements run raw (the database's share) and a bare `SELECT 1` round trip. It
exits with status 1 when a median is over the goal (BENCH_GOAL_MS, 100 ms).
"""

import os
import statistics
import sys
import time

from django.db import connection
from django.test import Client

from harness import generate, run_in_throwaway_database

ARTICLES = int(os.environ.get("BENCH_ARTICLES", 100_000))
RUNS = int(os.environ.get("BENCH_RUNS", 7))
GOAL_MS = float(os.environ.get("BENCH_GOAL_MS", 100))
REVIEWERS = 20
STATES = ["draft", "submitted", "under_review", "changes_requested", "approved", "published", "unpublished"]
WORDS = ["asthma", "gout", "migraine", "anaemia", "eczema", "sepsis", "statins", "insulin", "measles", "rickets"]

GENERATE = [
    f"""INSERT INTO articles_article (slug, topic, state, review_policy, approvals_required, rereview_months,
           state_changed_at, attention, public_approved, public_reviewers, created_by_id, created_at, audit_head_hash,
           conflicts_forbidden)
        SELECT 'bench-' || g, 'Topic ' || (g %% 20), (ARRAY{STATES})[1 + g %% 7], 'before',
               CASE WHEN g %% 3 = 0 THEN 2 ELSE 1 END, 12,
               now() - (g %% 5000) * interval '1 hour' - g * interval '1 second', '', false, '[]'::jsonb,
               %(editor)s, now() - interval '3 years', '', false
        FROM generate_series(1, %(articles)s) AS g""",
    f"""INSERT INTO articles_articleversion (article_id, number, title, summary, body, key_points, faq, aliases,
           reference_list, "references", note, content_hash, created_by_id, created_at, public_note)
       SELECT id, 1, 'Bench article ' || id || ' on ' || (ARRAY{WORDS})[1 + id %% 10], '', 'Body', '', '[]'::jsonb,
              '[]'::jsonb, '[]'::jsonb, '[]'::jsonb, 'bench', md5(id::text) || md5(id::text), %(editor)s,
              created_at, ''
       FROM articles_article""",
    """UPDATE articles_article AS a SET working_version_id = v.id,
              published_version_id = CASE WHEN a.state = 'published' THEN v.id END,
              published_at = CASE WHEN a.state = 'published' THEN now() - (a.id %% 500) * interval '1 day' END,
              public_approved = a.state = 'published',
              public_reviewed_at = CASE WHEN a.state = 'published' THEN now() - (a.id %% 500) * interval '1 day' END
       FROM articles_articleversion AS v WHERE v.article_id = a.id""",
    # History: every article went through one approved round, signed, a year ago.
    """INSERT INTO articles_reviewround (article_id, version_id, number, outcome, opened_by_id, opened_at, closed_at)
       SELECT id, working_version_id, 1, 'approved', %(editor)s, now() - interval '400 days',
              now() - interval '390 days' FROM articles_article""",
    """INSERT INTO articles_signature (kind, review_round_id, version_id, signer_id, signer_username, printed_name,
           credentials, meaning, content_hash, signed_at, conflict, conflict_interests, credentials_at_signing)
       SELECT 'approval', r.id, r.version_id, (%(reviewers)s::bigint[])[1 + r.article_id %% 20], 'bench',
              'Bench Reviewer', 'M.D.', 'Approved for medical accuracy', md5(r.article_id::text) ||
              md5(r.article_id::text), r.closed_at, 'none', '', '[]'::jsonb
       FROM articles_reviewround r""",
    """INSERT INTO articles_reviewround (article_id, version_id, number, outcome, opened_by_id, opened_at, due_at)
       SELECT id, working_version_id, 2, 'open', %(editor)s, state_changed_at,
              now() + CASE WHEN id %% 2 = 0 THEN -1 ELSE 1 END * (id %% 30 + 1) * interval '1 day'
       FROM articles_article WHERE state IN ('submitted', 'under_review')""",
    """INSERT INTO articles_reviewassignment (review_round_id, reviewer_id, assigned_by_id, assigned_at, due_at)
       SELECT r.id, (%(reviewers)s::bigint[])[1 + r.article_id %% 20], %(publisher)s, r.opened_at, r.due_at
       FROM articles_reviewround r JOIN articles_article a ON a.id = r.article_id AND a.state = 'under_review'
       WHERE r.outcome = 'open'""",
    """INSERT INTO articles_signature (kind, review_round_id, version_id, signer_id, signer_username, printed_name,
           credentials, meaning, content_hash, signed_at, conflict, conflict_interests, credentials_at_signing)
       SELECT 'approval', r.id, r.version_id, (%(reviewers)s::bigint[])[1 + (r.article_id + 7) %% 20], 'bench',
              'Bench Reviewer', 'M.D.', 'Approved for medical accuracy', md5(r.article_id::text) ||
              md5(r.article_id::text), now(), 'none', '', '[]'::jsonb
       FROM articles_reviewround r JOIN articles_article a ON a.id = r.article_id AND r.outcome = 'open'
       WHERE a.state = 'under_review' AND a.approvals_required = 2""",
]


def addresses(reviewer_id):
    return [
        ("default: last changed first", "/desk/"),
        ("title contains a word", "/desk/?title=migraine"),
        ("title contains an exact title", "/desk/?title=Bench+article+51234+on"),
        ("one state, due soonest", "/desk/?state=under_review&sort=due"),
        ("overdue reviews", "/desk/?attention=overdue"),
        ("waiting for a second signature", "/desk/?attention=second_signature"),
        ("re-review due", "/desk/?attention=rereview"),
        ("topic and assignee, by title", f"/desk/?topic=Topic+3&assignee={reviewer_id}&sort=title"),
        ("by title, page 40", "/desk/?sort=title&page=40"),
        ("everything by due date", "/desk/?sort=due"),
        ("oldest first, page 1000", "/desk/?sort=changed_oldest&page=1000"),
    ]


def median_ms(call):
    call()
    times = []
    for _ in range(RUNS):
        begin = time.perf_counter()
        call()
        times.append((time.perf_counter() - begin) * 1000)
    return statistics.median(times)


def with_queries(call):
    """What `call` returns and the SQL it ran. (The log is read directly: a request starts
    by emptying it, which CaptureQueriesContext does not expect outside a test.)"""
    connection.force_debug_cursor = True
    connection.queries_log.clear()
    try:
        return call(), list(connection.queries_log)
    finally:
        connection.force_debug_cursor = False


def raw_sql_ms(queries):
    """The page's own reads, run again straight through the cursor (the session's writes
    and transaction statements are left out)."""
    reads = [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]

    def run():
        with connection.cursor() as cursor:
            for sql in reads:
                cursor.execute(sql)
                cursor.fetchall()

    return median_ms(run)


def run():
    from django.contrib.auth import get_user_model

    people, reviewers, seconds = generate(GENERATE, REVIEWERS, articles=ARTICLES)
    print(f"generated {ARTICLES:,} articles in {seconds:.1f} s")

    client = Client()
    client.force_login(get_user_model().objects.get(pk=people["publisher"]))
    select_one = median_ms(lambda: connection.cursor().execute("SELECT 1"))
    print(f"reference: SELECT 1 round trip {select_one:.2f} ms; goal {GOAL_MS:.0f} ms per page (median of {RUNS})")
    print(f"{'address':<34} {'page':>9} {'its SQL raw':>12} {'queries':>8}")
    slowest = 0.0
    for label, url in addresses(reviewers[3]):
        response, queries = with_queries(lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        page = median_ms(lambda url=url: client.get(url))
        raw = raw_sql_ms(queries)
        slowest = max(slowest, page)
        print(f"{label:<34} {page:>6.1f} ms {raw:>9.1f} ms {len(queries):>8}")
    verdict = "under" if slowest < GOAL_MS else "OVER"
    print(f"slowest page {slowest:.1f} ms: {verdict} the {GOAL_MS:.0f} ms goal at {ARTICLES:,} articles")
    return slowest < GOAL_MS


if __name__ == "__main__":
    outcome = []
    run_in_throwaway_database(lambda: outcome.append(run()))
    sys.exit(0 if outcome and outcome[0] else 1)
