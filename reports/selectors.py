"""The reports' reads: one SQL statement each, aggregated by PostgreSQL (percentiles,
grouping sets), so the page runs the same number of queries whatever the amount of
data. Cycle times read the spans a trigger derives from the audit trail as events are
recorded (reports.models.CycleSpan). Durations are in days."""

from datetime import timedelta

from django.db import connection, transaction

from accounts.roles import REVIEWER
from articles.lifecycle import State

OPEN_STATES = (State.SUBMITTED, State.UNDER_REVIEW, State.CHANGES_REQUESTED, State.APPROVED)
AGE_BUCKETS = (("under 7 days", 0, 7), ("7–30 days", 7, 30), ("30–90 days", 30, 90), ("90 days or more", 90, None))
REREVIEW_HORIZON = timedelta(days=90)
LIST_LIMIT = 100
REPORT_WORK_MEM = "64MB"

TOPIC = "(%(topic)s = '' OR a.topic = %(topic)s)"
REVIEWER_IS = "(%(reviewer)s::bigint IS NULL OR {column} = %(reviewer)s::bigint)"


def _topic_join(filters, article_id):
    """The join that filters by topic, only when a topic is chosen: without one, the
    statement need not touch the articles at all (a large part of its cost)."""
    return f"JOIN articles_article a ON a.id = {article_id} AND a.topic = %(topic)s" if filters.topic else ""


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _params(filters, now, **more):
    return {
        "topic": filters.topic,
        "reviewer": filters.reviewer_id,
        "start": filters.start_at,
        "end": filters.end_before,
        "now": now,
        **more,
    }


def filter_choices():
    """Topics in use and the board's members, for the filter form (one query)."""
    rows = _rows(
        """SELECT 'topic' AS kind, NULL::bigint AS id, topic AS label FROM articles_article
           WHERE topic <> '' GROUP BY topic
           UNION ALL
           SELECT 'reviewer', u.id,
               coalesce(nullif(p.display_name, ''), nullif(trim(u.first_name || ' ' || u.last_name), ''),
                  u.username)
           FROM auth_user u JOIN auth_user_groups ug ON ug.user_id = u.id
           JOIN auth_group g ON g.id = ug.group_id AND g.name = %(role)s
           LEFT JOIN accounts_profile p ON p.user_id = u.id
           ORDER BY 1, 3""",
        {"role": REVIEWER},
    )
    topics = [row["label"] for row in rows if row["kind"] == "topic"]
    reviewers = [(row["id"], row["label"]) for row in rows if row["kind"] == "reviewer"]
    return topics, reviewers


def articles_by_state(filters, now):
    counts = {
        row["state"]: row["articles"]
        for row in _rows(
            f"SELECT a.state, count(*) AS articles FROM articles_article a WHERE {TOPIC} GROUP BY a.state",
            _params(filters, now),
        )
    }
    return [{"state": state.label, "articles": counts.get(state.value, 0)} for state in State]


def queue_aging(filters, now):
    """How long the open items have waited in their state: count, median, 90th percentile,
    longest, and how many fall in each age bucket."""
    buckets = ", ".join(
        f"count(*) FILTER (WHERE waited >= {low}{f' AND waited < {high}' if high else ''}) AS bucket{index}"
        for index, (_label, low, high) in enumerate(AGE_BUCKETS)
    )
    rows = {
        row["state"]: row
        for row in _rows(
            f"""SELECT state, count(*) AS items,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY waited) AS median_days,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY waited) AS p90_days,
                   max(waited) AS longest_days, {buckets}
            FROM (SELECT a.state, extract(epoch FROM %(now)s - a.state_changed_at) / 86400 AS waited
                  FROM articles_article a WHERE a.state = ANY(%(open)s) AND {TOPIC}) AS open_items
            GROUP BY state""",
            _params(filters, now, open=[state.value for state in OPEN_STATES]),
        )
    }
    empty = {
        "items": 0,
        "median_days": None,
        "p90_days": None,
        "longest_days": None,
        **{f"bucket{index}": 0 for index in range(len(AGE_BUCKETS))},
    }
    return [{**rows.get(state.value, empty), "state": state.label} for state in OPEN_STATES]


CYCLE_TIMES = """
SELECT span, to_char(month, 'YYYY-MM') AS month, topic, GROUPING(month) = 0 AS by_month, count(*) AS articles,
       percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY days) AS percentiles
FROM (SELECT s.span, date_trunc('month', s.ended_at) AS month, s.topic, s.days
      FROM reports_cyclespan s
      WHERE s.ended_at >= %(start)s AND s.ended_at < %(end)s AND (%(topic)s = '' OR s.topic = %(topic)s)) AS spans
GROUP BY GROUPING SETS ((span, month), (span, topic))
ORDER BY span DESC, month, topic
"""

SPANS = {"submit_to_approval": "Submission to approval", "approval_to_publication": "Approval to publication"}


def cycle_times(filters, now):
    """Submission to approval and approval to publication, for spans ending in the range:
    median and 90th percentile per month and per topic. Returns (per_month, per_topic)."""
    per_month, per_topic = [], []
    for row in _rows(CYCLE_TIMES, _params(filters, now)):
        row["span"] = SPANS[row["span"]]
        row["median_days"], row["p90_days"] = row.pop("percentiles")
        if row.pop("by_month"):
            row.pop("topic")
            per_month.append(row)
        else:
            row.pop("month")
            row["topic"] = row["topic"] or "(no topic)"
            per_topic.append(row)
    return per_month, per_topic


def overdue_reviews(filters, now, limit=LIST_LIMIT):
    """Assignments on open rounds past their due date, most overdue first, with the total.
    The titles and names are joined to the rows shown only, not to every overdue one."""
    return _rows(
        f"""SELECT late.article_id, v.title, a.topic, u.username AS reviewer, late.due_at,
                   extract(epoch FROM %(now)s - late.due_at) / 86400 AS overdue_days, late.total
            FROM (SELECT r.article_id, ra.reviewer_id, coalesce(ra.due_at, r.due_at) AS due_at,
                         count(*) OVER () AS total
                  FROM articles_reviewassignment ra
                  JOIN articles_reviewround r ON r.id = ra.review_round_id AND r.outcome = 'open'
                  {_topic_join(filters, "r.article_id")}
                  WHERE coalesce(ra.due_at, r.due_at) < %(now)s AND {REVIEWER_IS.format(column="ra.reviewer_id")}
                  ORDER BY 3, r.article_id, ra.reviewer_id LIMIT %(limit)s) AS late
            JOIN articles_article a ON a.id = late.article_id
            JOIN articles_articleversion v ON v.id = a.working_version_id
            JOIN auth_user u ON u.id = late.reviewer_id
            ORDER BY late.due_at, late.article_id, late.reviewer_id""",
        _params(filters, now, limit=limit),
    )


def rereviews_due(filters, now, limit=LIST_LIMIT):
    """Live articles whose re-review falls due within 90 days (or already has), soonest first."""
    return _rows(
        f"""SELECT a.id AS article_id, v.title, a.topic, a.public_reviewed_at AS last_reviewed_at,
                   a.public_reviewed_at + make_interval(months => a.rereview_months) AS due_at,
                   count(*) OVER () AS total
            FROM articles_article a JOIN articles_articleversion v ON v.id = a.published_version_id
            WHERE a.public_reviewed_at IS NOT NULL
              AND a.public_reviewed_at + make_interval(months => a.rereview_months) < %(horizon)s AND {TOPIC}
            ORDER BY 5, a.id LIMIT %(limit)s""",
        _params(filters, now, limit=limit, horizon=now + REREVIEW_HORIZON),
    )


def reviewer_workload(filters, now):
    """Per board member: open assignments (and how many overdue), signatures in the range
    and the median time from assignment (or the round's opening) to signature."""
    return _rows(
        f"""WITH board AS (
                SELECT u.id, u.username FROM auth_user u
                JOIN auth_user_groups ug ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id AND
                    g.name = %(role)s
                WHERE {REVIEWER_IS.format(column="u.id")}
            ), open_work AS (
                SELECT ra.reviewer_id, count(*) AS open_assignments,
                       count(*) FILTER (WHERE coalesce(ra.due_at, r.due_at) < %(now)s) AS overdue
                FROM articles_reviewassignment ra
                JOIN articles_reviewround r ON r.id = ra.review_round_id AND r.outcome = 'open'
                {_topic_join(filters, "r.article_id")}
                GROUP BY ra.reviewer_id
            ), signed AS (
                SELECT s.signer_id, count(*) AS signatures,
                       percentile_cont(0.5) WITHIN GROUP (
                           ORDER BY extract(epoch FROM s.signed_at - coalesce(ra.assigned_at, r.opened_at)) / 86400
                       ) AS median_days_to_sign
                FROM articles_signature s
                JOIN articles_reviewround r ON r.id = s.review_round_id
                {_topic_join(filters, "r.article_id")}
                LEFT JOIN articles_reviewassignment ra ON ra.review_round_id = r.id AND ra.reviewer_id = s.signer_id
                WHERE s.signed_at >= %(start)s AND s.signed_at < %(end)s GROUP BY s.signer_id
            )
            SELECT board.username AS reviewer, coalesce(o.open_assignments, 0) AS open_assignments,
                   coalesce(o.overdue, 0) AS overdue, coalesce(s.signatures, 0) AS signatures, s.median_days_to_sign
            FROM board LEFT JOIN open_work o ON o.reviewer_id = board.id LEFT JOIN signed s ON s.signer_id = board.id
            ORDER BY 2 DESC, 4 DESC, 1""",
        _params(filters, now, role=REVIEWER),
    )


def signatures_per_month(filters, now):
    return _rows(
        f"""SELECT to_char(date_trunc('month', s.signed_at), 'YYYY-MM') AS month, count(*) AS signatures
            FROM articles_signature s
            {_topic_join(filters, "(SELECT v.article_id FROM articles_articleversion v WHERE v.id = s.version_id)")}
            WHERE s.signed_at >= %(start)s AND s.signed_at < %(end)s AND {REVIEWER_IS.format(column="s.signer_id")}
            GROUP BY 1 ORDER BY 1""",
        _params(filters, now),
    )


TABLES = {
    "states": articles_by_state,
    "aging": queue_aging,
    "cycle-month": lambda filters, now: cycle_times(filters, now)[0],
    "cycle-topic": lambda filters, now: cycle_times(filters, now)[1],
    "overdue": lambda filters, now: overdue_reviews(filters, now, limit=None),
    "rereviews": lambda filters, now: rereviews_due(filters, now, limit=None),
    "workload": reviewer_workload,
    "signatures": signatures_per_month,
}


def tune_for_reports():
    """For the rest of the transaction: sort in memory rather than on disk, and skip JIT
    compilation, which costs more than it saves on queries this size (see bench/reports.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)", [REPORT_WORK_MEM])


def all_reports(filters, now):
    """Every table of the page: a fixed number of queries (eight), in one transaction."""
    with transaction.atomic():
        tune_for_reports()
        return _all_reports(filters, now)


def _all_reports(filters, now):
    per_month, per_topic = cycle_times(filters, now)
    return {
        "states": articles_by_state(filters, now),
        "aging": queue_aging(filters, now),
        "cycle_month": per_month,
        "cycle_topic": per_topic,
        "overdue": overdue_reviews(filters, now),
        "rereviews": rereviews_due(filters, now),
        "workload": reviewer_workload(filters, now),
        "signatures": signatures_per_month(filters, now),
    }
