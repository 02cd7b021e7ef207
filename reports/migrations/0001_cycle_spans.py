"""Cycle spans, derived from the audit trail by a trigger, and filled from the events
already recorded. PostgreSQL only: on SQLite (the first-run default) the table stays
empty and the reports page says it needs PostgreSQL."""

from django.db import migrations, models

TRIGGER = """
CREATE FUNCTION reports_record_cycle_span() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    started timestamptz;
    kind text;
    article_topic text;
BEGIN
    IF NEW.action = 'approve' AND NEW.to_state = 'approved' THEN
        kind := 'submit_to_approval';
        SELECT max(created_at) INTO started FROM articles_event
        WHERE article_id = NEW.article_id AND action = 'submit' AND seq < NEW.seq;
    ELSIF NEW.action IN ('publish', 'publish_due') THEN
        kind := 'approval_to_publication';
        SELECT max(created_at) INTO started FROM articles_event
        WHERE article_id = NEW.article_id AND action = 'approve' AND to_state = 'approved' AND seq < NEW.seq;
    END IF;
    IF started IS NOT NULL THEN
        SELECT topic INTO article_topic FROM articles_article WHERE id = NEW.article_id;
        INSERT INTO reports_cyclespan (event_id, article_id, topic, span, ended_at, days)
        VALUES (NEW.id, NEW.article_id, coalesce(article_topic, ''), kind, NEW.created_at,
                extract(epoch FROM NEW.created_at - started) / 86400);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_cycle_span AFTER INSERT ON articles_event FOR EACH ROW
    WHEN (NEW.article_id IS NOT NULL AND NEW.action IN ('approve', 'publish', 'publish_due'))
    EXECUTE FUNCTION reports_record_cycle_span();
"""

BACKFILL = """
INSERT INTO reports_cyclespan (event_id, article_id, topic, span, ended_at, days)
SELECT marks.id, marks.article_id, a.topic,
       CASE WHEN marks.action = 'approve' THEN 'submit_to_approval' ELSE 'approval_to_publication' END, marks.created_at,
       extract(epoch FROM marks.created_at - CASE WHEN marks.action = 'approve' THEN marks.last_submit
                                                  ELSE marks.last_approval END) / 86400
FROM (
    SELECT e.id, e.article_id, e.action, e.to_state, e.created_at,
           max(e.created_at) FILTER (WHERE e.action = 'submit') OVER earlier AS last_submit,
           max(e.created_at) FILTER (WHERE e.action = 'approve' AND e.to_state = 'approved') OVER earlier AS last_approval
    FROM articles_event e
    WHERE e.article_id IS NOT NULL AND e.action IN ('submit', 'approve', 'publish', 'publish_due')
    WINDOW earlier AS (PARTITION BY e.article_id ORDER BY e.seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
) AS marks JOIN articles_article a ON a.id = marks.article_id
WHERE (marks.action = 'approve' AND marks.to_state = 'approved' AND marks.last_submit IS NOT NULL)
   OR (marks.action IN ('publish', 'publish_due') AND marks.last_approval IS NOT NULL)
"""

UNDO = """
DROP TRIGGER IF EXISTS reports_cycle_span ON articles_event;
DROP FUNCTION IF EXISTS reports_record_cycle_span();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)
        schema_editor.execute(BACKFILL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("articles", "0015_public_changes_outbox"),
    ]

    operations = [
        migrations.CreateModel(
            name="CycleSpan",
            fields=[
                ("event_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("article_id", models.BigIntegerField()),
                ("topic", models.CharField(blank=True, max_length=100)),
                ("span", models.CharField(max_length=30)),
                ("ended_at", models.DateTimeField()),
                ("days", models.FloatField()),
            ],
            options={
                "indexes": [models.Index(fields=["ended_at"], include=["span", "topic", "days"],
                                         name="cycle_span_ended_at")],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
