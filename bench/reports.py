"""Benchmark: the reports page over 100,000 articles and 2,000,000 audit events.

Run with `make bench` (or `.venv/bin/python bench/reports.py`). The data is generated
with SQL in a throwaway PostgreSQL database: every article has a version, a closed
review round with a signature and 20 events (the reports' trigger derives the cycle spans
as they are inserted) (submit, claim, comment, approve, publish,
four times over three years); a seventh of them are under review with an open round
assigned to one of 20 board members, some overdue. The script prints the time of each
report's query, then of the whole page (three runs) and its SQL query count.
"""

import os
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from harness import generate, run_in_throwaway_database

ARTICLES = int(os.environ.get("BENCH_ARTICLES", 100_000))
EVENTS_PER_ARTICLE = int(os.environ.get("BENCH_EVENTS_PER_ARTICLE", 20))
REVIEWERS = 20
STATES = ["draft", "submitted", "under_review", "changes_requested", "approved", "published", "unpublished"]

GENERATE = [
    f"""INSERT INTO articles_article (slug, topic, state, review_policy, approvals_required, rereview_months,
           state_changed_at, attention, public_approved, public_reviewers, created_by_id, created_at, audit_head_hash,
           conflicts_forbidden)
        SELECT 'bench-' || g, 'Topic ' || (g %% 20), (ARRAY{STATES})[1 + g %% 7], 'before', 1, 12,
               now() - (g %% 200) * interval '1 day', '', false, '[]'::jsonb, %(editor)s, now() - interval '3 years',
               '', false
        FROM generate_series(1, %(articles)s) AS g""",
    """INSERT INTO articles_articleversion (article_id, number, title, summary, body, key_points, faq, aliases,
           reference_list, "references", note, content_hash, created_by_id, created_at, public_note)
       SELECT id, 1, 'Bench article ' || id, '', 'Body', '', '[]'::jsonb, '[]'::jsonb, '[]'::jsonb,
           '[]'::jsonb, 'bench',
              md5(id::text) || md5(id::text), %(editor)s, created_at, ''
       FROM articles_article""",
    """UPDATE articles_article AS a SET working_version_id = v.id,
              published_version_id = CASE WHEN a.state = 'published' THEN v.id END,
              public_reviewed_at = CASE WHEN a.state = 'published' THEN now() - (a.id %% 400) * interval '1 day' END
       FROM articles_articleversion AS v WHERE v.article_id = a.id""",
    """INSERT INTO articles_reviewround (article_id, version_id, number, outcome, opened_by_id, opened_at, closed_at)
       SELECT id, working_version_id, 1, 'approved', %(editor)s, now() - (id %% 700) * interval '1 day',
              now() - (id %% 700) * interval '1 day' + (id %% 9) * interval '1 day' FROM articles_article""",
    """INSERT INTO articles_signature (kind, review_round_id, version_id, signer_id, signer_username, printed_name,
           credentials, meaning, content_hash, signed_at, conflict, conflict_interests, credentials_at_signing)
       SELECT 'approval', r.id, r.version_id, (%(reviewers)s::bigint[])[1 + r.article_id %% 20], 'bench',
           'Bench Reviewer',
              'M.D.', 'Approved for medical accuracy', md5(r.article_id::text) || md5(r.article_id::text), r.closed_at,
              'none', '', '[]'::jsonb
       FROM articles_reviewround r""",
    """INSERT INTO articles_reviewassignment (review_round_id, reviewer_id, assigned_by_id, assigned_at, due_at)
       SELECT id, (%(reviewers)s::bigint[])[1 + article_id %% 20], %(publisher)s, opened_at, NULL FROM
           articles_reviewround""",
    """INSERT INTO articles_reviewround (article_id, version_id, number, outcome, opened_by_id, opened_at, due_at)
       SELECT id, working_version_id, 2, 'open', %(editor)s, state_changed_at, state_changed_at + interval '30 days'
       FROM articles_article WHERE state = 'under_review'""",
    """INSERT INTO articles_reviewassignment (review_round_id, reviewer_id, assigned_by_id, assigned_at, due_at)
       SELECT id, (%(reviewers)s::bigint[])[1 + (article_id * 7) %% 20], %(publisher)s, opened_at, due_at
       FROM articles_reviewround WHERE outcome = 'open'""",
    # Events: per article, cycles of submit, claim, comment, approve, publish over three years.
    """INSERT INTO articles_event (article_id, chain, subject_id, seq, actor_id, actor_name, actor_username, created_at,
           action, from_state, to_state, content_hash, comment, details, key_id, previous_hash, event_hash)
       SELECT a.id, 'article:' || a.id, '', s, %(editor)s, 'Bench', 'bench',
              now() - interval '3 years' + (a.id %% 97) * interval '1 day' + s * interval '45 days'
                  + (a.id %% 13) * (s %% 5) * interval '1 day',
              (ARRAY['publish', 'submit', 'claim', 'comment', 'approve'])[1 + s %% 5], '', 'approved', '', '',
                  '{}'::jsonb,
              '1', '', md5(a.id || ':' || s) || md5(s || ':' || a.id)
       FROM articles_article a CROSS JOIN generate_series(1, %(events)s) AS s""",
]


def run():
    from django.utils import timezone

    from reports import selectors
    from reports.filters import parse_filters

    people, reviewers, seconds = generate(GENERATE, REVIEWERS, articles=ARTICLES, events=EVENTS_PER_ARTICLE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_event")
        events = cursor.fetchone()[0]
    print(f"generated {ARTICLES:,} articles and {events:,} events in {seconds:.1f} s")

    now = timezone.now()
    topics, board = selectors.filter_choices()
    filters = parse_filters({}, today=now.date(), topics=set(topics), reviewer_ids={pk for pk, _ in board})
    from django.db import transaction

    transaction.set_autocommit(False)
    selectors.tune_for_reports()
    for name, report in (
        ("articles by state", selectors.articles_by_state),
        ("queue aging", selectors.queue_aging),
        ("cycle times", selectors.cycle_times),
        ("overdue reviews", selectors.overdue_reviews),
        ("re-reviews due", selectors.rereviews_due),
        ("workload", selectors.reviewer_workload),
        ("signatures per month", selectors.signatures_per_month),
    ):
        begin = time.perf_counter()
        report(filters, now)
        print(f"  {name}: {(time.perf_counter() - begin) * 1000:.0f} ms")
    transaction.rollback()
    transaction.set_autocommit(True)

    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(pk=people["publisher"]))
    for label, params in (
        ("page, last year", {}),
        ("page, last year", {}),
        ("page, last year", {}),
        ("page, one topic and reviewer", {"topic": "Topic 3", "reviewer": str(reviewers[3])}),
    ):
        with CaptureQueriesContext(connection) as queries:
            begin = time.perf_counter()
            response = client.get("/desk/reports/", params)
            elapsed = time.perf_counter() - begin
        assert response.status_code == 200, response.status_code
        print(f"{label}: {elapsed:.2f} s, {len(queries.captured_queries)} SQL queries, {len(response.content):,} bytes")


if __name__ == "__main__":
    run_in_throwaway_database(run)
