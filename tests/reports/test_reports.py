"""The reports page: who sees it, what it counts, its filters, CSV and query count."""

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest

from articles import services
from articles.services import Content
from reports import selectors
from reports.filters import FilterError, ReportFilters, parse_filters
from tests.conftest import PERSONA_PASSWORD
from tests.workflow import BODY, signing_code

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def take_through(
    editor, reviewer, publisher, *, slug, topic, title="What is it?", submit_after=1, approve_after=3, publish_after=2
):
    """An article submitted, approved and published at known times after T0."""
    article = services.article_create(
        actor=editor, slug=slug, topic=topic, content=Content(title=title, body=BODY), note="v1", now=T0
    )
    submitted = T0 + submit_after * DAY
    services.article_submit(
        article_id=article.pk, actor=editor, expected_version_id=article.working_version_id, now=submitted
    )
    services.article_claim(article_id=article.pk, actor=reviewer, now=submitted + timedelta(hours=1))
    approved = submitted + approve_after * DAY
    article.refresh_from_db()
    services.article_approve(
        article_id=article.pk,
        actor=reviewer,
        password=PERSONA_PASSWORD,
        code=signing_code(reviewer),
        expected_hash=article.working_version.content_hash,
        conflict="none",
        now=approved,
    )
    if publish_after is not None:
        services.article_publish(
            article_id=article.pk,
            actor=publisher,
            expected_version_id=article.working_version_id,
            now=approved + publish_after * DAY,
        )
    return article


def march(**extra):
    return ReportFilters(start=date(2026, 3, 1), end=date(2026, 3, 31), **extra)


def test_cycle_times_give_median_and_90th_percentile_per_month_and_per_topic(editor, reviewer, publisher):
    take_through(editor, reviewer, publisher, slug="a", topic="Cardiology", approve_after=2, publish_after=1)
    take_through(editor, reviewer, publisher, slug="b", topic="Cardiology", approve_after=4, publish_after=3)
    take_through(editor, reviewer, publisher, slug="c", topic="Oncology", approve_after=6, publish_after=None)

    per_month, per_topic = selectors.cycle_times(march(), T0 + 30 * DAY)

    by_span = {row["span"]: row for row in per_month}
    assert by_span["Submission to approval"]["month"] == "2026-03"
    assert by_span["Submission to approval"]["articles"] == 3
    assert by_span["Submission to approval"]["median_days"] == pytest.approx(4)
    assert by_span["Submission to approval"]["p90_days"] == pytest.approx(5.6)
    assert by_span["Approval to publication"]["articles"] == 2
    assert by_span["Approval to publication"]["median_days"] == pytest.approx(2)
    topics = {(row["span"], row["topic"]): row for row in per_topic}
    assert topics[("Submission to approval", "Cardiology")]["median_days"] == pytest.approx(3)
    assert topics[("Submission to approval", "Oncology")]["median_days"] == pytest.approx(6)
    assert ("Approval to publication", "Oncology") not in topics


def test_cycle_times_count_only_spans_ending_in_the_range_and_topic(editor, reviewer, publisher):
    take_through(editor, reviewer, publisher, slug="a", topic="Cardiology")
    take_through(editor, reviewer, publisher, slug="b", topic="Oncology", publish_after=40)  # published in April

    april = ReportFilters(start=date(2026, 4, 1), end=date(2026, 4, 30))
    per_month, _ = selectors.cycle_times(april, T0 + 60 * DAY)
    assert [(row["span"], row["month"], row["articles"]) for row in per_month] == [
        ("Approval to publication", "2026-04", 1)
    ]
    may = ReportFilters(start=date(2026, 5, 1), end=date(2026, 5, 31))
    assert selectors.cycle_times(may, T0 + 90 * DAY) == ([], [])
    per_month, _ = selectors.cycle_times(march(topic="Oncology"), T0 + 30 * DAY)
    assert {row["articles"] for row in per_month} == {1}


def test_queue_aging_and_articles_by_state_count_open_items_by_how_long_they_waited(editor, reviewer, publisher):
    take_through(editor, reviewer, publisher, slug="live", topic="Cardiology")
    waiting = services.article_create(
        actor=editor, slug="waiting", topic="Cardiology", content=Content(title="Waiting", body=BODY), note="v1", now=T0
    )
    services.article_submit(
        article_id=waiting.pk, actor=editor, expected_version_id=waiting.working_version_id, now=T0 + DAY
    )

    now = T0 + 41 * DAY
    states = {row["state"]: row["articles"] for row in selectors.articles_by_state(march(), now)}
    assert states["Published"] == 1 and states["Submitted"] == 1 and states["Draft"] == 0
    aging = {row["state"]: row for row in selectors.queue_aging(march(), now)}
    assert aging["Submitted"]["items"] == 1
    assert aging["Submitted"]["median_days"] == pytest.approx(40)
    assert aging["Submitted"]["bucket2"] == 1  # 30 to 90 days
    assert aging["Under review"]["items"] == 0


def test_overdue_reviews_rereviews_and_workload_follow_the_reviewer_filter(editor, reviewer, reviewer2, publisher):
    article = services.article_create(
        actor=editor, slug="late", topic="Cardiology", content=Content(title="Late one", body=BODY), note="v1", now=T0
    )
    services.article_submit(article_id=article.pk, actor=editor, expected_version_id=article.working_version_id, now=T0)
    services.article_assign(
        article_id=article.pk, actor=publisher, reviewer_id=reviewer2.pk, due_at=T0 + 5 * DAY, now=T0
    )
    take_through(editor, reviewer, publisher, slug="signed", topic="Oncology")
    now = T0 + 10 * DAY

    overdue = selectors.overdue_reviews(march(), now)
    assert [(row["title"], row["reviewer"], row["total"]) for row in overdue] == [("Late one", "ravi", 1)]
    assert overdue[0]["overdue_days"] == pytest.approx(5)
    assert selectors.overdue_reviews(march(reviewer_id=reviewer.pk), now) == []
    workload = {row["reviewer"]: row for row in selectors.reviewer_workload(march(), now)}
    assert (workload["ravi"]["open_assignments"], workload["ravi"]["overdue"], workload["ravi"]["signatures"]) == (
        1,
        1,
        0,
    )
    assert workload["rhea"]["signatures"] == 1
    assert workload["rhea"]["median_days_to_sign"] == pytest.approx(3 - 1 / 24)
    assert selectors.signatures_per_month(march(reviewer_id=reviewer2.pk), now) == []
    assert selectors.signatures_per_month(march(), now) == [{"month": "2026-03", "signatures": 1}]
    assert selectors.signatures_per_month(march(topic="Oncology"), now) == [{"month": "2026-03", "signatures": 1}]
    assert selectors.signatures_per_month(march(topic="Cardiology"), now) == []
    by_topic = {row["reviewer"]: row for row in selectors.reviewer_workload(march(topic="Oncology"), now)}
    assert (by_topic["ravi"]["open_assignments"], by_topic["rhea"]["signatures"]) == (0, 1)
    # Reviewed in March with a 12-month interval: due next March, within 90 days of 2027-01-15.
    assert selectors.rereviews_due(march(), T0 + 200 * DAY) == []
    assert [row["title"] for row in selectors.rereviews_due(march(), datetime(2027, 1, 15, tzinfo=timezone.utc))] == [
        "What is it?"
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-01"}, "is not a date"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "starts"),
        ({"from": "2010-01-01", "to": "2026-01-01"}, "five years"),
        ({"topic": "Astrology"}, "No article has the topic"),
        ({"reviewer": "abc"}, "is not a member of the board"),
        ({"reviewer": "999"}, "is not a member of the board"),
    ],
)
def test_bad_filters_are_refused_with_the_reason(params, message):
    with pytest.raises(FilterError, match=message):
        parse_filters(params, today=date(2026, 3, 31), topics={"Cardiology"}, reviewer_ids={1})


def test_missing_filters_default_to_the_last_year():
    filters = parse_filters({}, today=date(2026, 3, 31), topics=set(), reviewer_ids=set())
    assert (filters.start, filters.end, filters.topic, filters.reviewer_id) == (
        date(2025, 3, 31),
        date(2026, 3, 31),
        "",
        None,
    )


# ---------------------------------------------------------------- the page


@pytest.mark.parametrize("persona", ["editor", "publisher"])
def test_editors_and_publishers_see_the_reports_page_with_charts_and_tables(
    client, request, persona, editor, reviewer, publisher
):
    take_through(editor, reviewer, publisher, slug="a", topic="Cardiology")
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/desk/reports/", {"from": "2026-01-01", "to": "2026-12-31"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<svg class="chart" role="img"') >= 5
    assert '<title id="chart-states-title">Articles by state</title>' in page
    assert "<script" not in page.split("</head>", 1)[1]  # the charts are drawn without script
    assert "Submission to approval" in page and "<caption>Per topic" in page
    assert 'href="/desk/reports/"' in page  # the navigation link


@pytest.mark.parametrize("persona", ["reviewer", "outsider"])
def test_reviewers_alone_and_people_without_a_role_are_refused_the_reports(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/desk/reports/").status_code == 403
    assert client.get("/desk/reports/states.csv").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/desk/reports/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bad_filter_input_gets_a_400_page_that_says_why_and_keeps_what_was_typed(client, editor):
    client.force_login(editor)
    response = client.get("/desk/reports/", {"from": "31/01/2026", "to": "2026-02-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“31/01/2026” is not a date for “from”" in page
    assert 'value="31/01/2026"' in page


def test_each_table_downloads_as_csv_with_formula_cells_neutralised(client, editor, reviewer2, publisher):
    article = services.article_create(
        actor=editor,
        slug="f",
        topic="=cmd|' /C calc'!A0",
        content=Content(title="@SUM(A1:A2)", body=BODY),
        note="v1",
        now=T0,
    )
    services.article_submit(article_id=article.pk, actor=editor, expected_version_id=article.working_version_id, now=T0)
    services.article_assign(article_id=article.pk, actor=publisher, reviewer_id=reviewer2.pk, due_at=T0 + DAY, now=T0)
    client.force_login(publisher)

    response = client.get("/desk/reports/overdue.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["title"] == "'@SUM(A1:A2)"
    assert rows[0]["topic"] == "'=cmd|' /C calc'!A0"
    for table in selectors.TABLES:
        assert client.get(f"/desk/reports/{table}.csv").status_code == 200
    assert client.get("/desk/reports/nothing.csv").status_code == 404


def test_csv_downloads_keep_the_filters_and_refuse_bad_ones(client, editor):
    client.force_login(editor)
    assert client.get("/desk/reports/states.csv", {"to": "yesterday"}).status_code == 400


def test_the_migration_backfill_derives_the_same_spans_as_the_trigger(editor, reviewer, publisher):
    import importlib

    from django.db import connection

    from reports.models import CycleSpan

    take_through(editor, reviewer, publisher, slug="a", topic="Cardiology", approve_after=2, publish_after=1)
    take_through(editor, reviewer, publisher, slug="b", topic="Oncology", approve_after=5, publish_after=None)
    from_trigger = sorted(CycleSpan.objects.values_list("event_id", "article_id", "topic", "span", "ended_at", "days"))
    assert len(from_trigger) == 3
    migration = importlib.import_module("reports.migrations.0001_cycle_spans")
    CycleSpan.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    assert (
        sorted(CycleSpan.objects.values_list("event_id", "article_id", "topic", "span", "ended_at", "days"))
        == from_trigger
    )
