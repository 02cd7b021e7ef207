"""Every event has its place in its chain, once; and the trail cannot be truncated.

TRUNCATE fires no row trigger, so the append-only trigger never saw it: a statement
trigger refuses it, even for the table's owner. An operator who must empty a test
database sets `imprimatur.allow_purge` to `on` in that session first (the test suite
sets it on its own database); the runtime login has no TRUNCATE privilege at all.
"""

from django.db import migrations, models

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION articles_event_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('imprimatur.allow_purge', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail cannot be truncated (set imprimatur.allow_purge to on to purge a test database)'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER articles_event_no_truncate
    BEFORE TRUNCATE ON articles_event
    FOR EACH STATEMENT EXECUTE FUNCTION articles_event_refuse_truncate();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS articles_event_no_truncate ON articles_event;
DROP FUNCTION IF EXISTS articles_event_refuse_truncate();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(POSTGRES_UP)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_audit_chain_numbers")]

    operations = [
        migrations.AlterField(model_name="event", name="seq", field=models.PositiveIntegerField()),
        migrations.AlterField(model_name="event", name="chain", field=models.CharField(max_length=40)),
        migrations.AlterField(model_name="event", name="key_id", field=models.CharField(max_length=20)),
        migrations.AlterModelOptions(name="event", options={"ordering": ["chain", "seq"]}),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="one_place_per_event_in_chain"),
        ),
        migrations.AddIndex(model_name="event", index=models.Index(fields=["created_at"], name="event_created_at")),
        migrations.RunPython(install, remove),
    ]
