"""Benchmark: the reminder sweep over 100,000 articles with 10,000 overdue reviews.

Run with `make bench` (or `.venv/bin/python bench/reminder_sweep.py`). The data is
generated with SQL in a throwaway PostgreSQL database; the script prints the sweep's
time and SQL query count, then the same for a second run (which must write nothing).
"""

import os
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from harness import person, run_in_throwaway_database

ARTICLES = int(os.environ.get("BENCH_ARTICLES", 100_000))
OVERDUE = int(os.environ.get("BENCH_OVERDUE", 10_000))

GENERATE = [
    """INSERT INTO articles_article (slug, topic, state, review_policy, approvals_required, rereview_months,
           state_changed_at, attention, public_approved, public_reviewers, created_by_id, created_at, audit_head_hash,
           conflicts_forbidden)
       SELECT 'bench-' || g, 'Bench', CASE WHEN g <= %(overdue)s THEN 'under_review' ELSE 'draft' END, 'before', 1, 12,
              now(), '', false, '[]'::jsonb, %(editor)s, now(), '', false
       FROM generate_series(1, %(articles)s) AS g""",
    """INSERT INTO articles_articleversion (article_id, number, title, summary, body, key_points, faq, aliases,
           reference_list, "references", note, public_note, content_hash, created_by_id, created_at)
       SELECT id, 1, 'Bench article ' || id, '', 'Body', '', '[]'::jsonb, '[]'::jsonb, '[]'::jsonb,
           '[]'::jsonb, 'bench', '',
              md5(id::text) || md5(id::text), %(editor)s, now()
       FROM articles_article""",
    """UPDATE articles_article AS a SET working_version_id = v.id
       FROM articles_articleversion AS v WHERE v.article_id = a.id""",
    """INSERT INTO articles_reviewround (article_id, version_id, number, outcome, opened_by_id, opened_at, due_at)
       SELECT id, working_version_id, 1, 'open', %(editor)s, now() - interval '30 days', now() - interval '10 days'
       FROM articles_article WHERE state = 'under_review'""",
    """INSERT INTO articles_reviewassignment (review_round_id, reviewer_id, assigned_by_id, assigned_at, due_at)
       SELECT id, %(reviewer)s, %(publisher)s, opened_at, due_at FROM articles_reviewround""",
    "ANALYZE",
]


def run():
    from accounts.roles import EDITOR, PUBLISHER, REVIEWER
    from articles.reminders import sweep
    from notifications.models import Notification

    people = {
        name: person(f"bench-{name}", role).pk
        for name, role in (("editor", EDITOR), ("reviewer", REVIEWER), ("publisher", PUBLISHER))
    }
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in GENERATE:
            cursor.execute(statement, {"articles": ARTICLES, "overdue": OVERDUE, **people})
    print(f"generated {ARTICLES:,} articles with {OVERDUE:,} overdue reviews in {time.perf_counter() - started:.1f} s")
    for label in ("first sweep", "second sweep"):
        with CaptureQueriesContext(connection) as queries:
            begin = time.perf_counter()
            result = sweep()
            elapsed = time.perf_counter() - begin
        print(
            f"{label}: {elapsed:.2f} s, {len(queries.captured_queries)} SQL queries, "
            f"{result.written:,} notifications written ({result.counts()})"
        )
    print(f"notification rows: {Notification.objects.count():,}")


if __name__ == "__main__":
    run_in_throwaway_database(run)
