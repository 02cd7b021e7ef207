"""Make the audit trail append-only in the database itself, not only in Python."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION articles_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on articles_event is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER articles_event_append_only
    BEFORE UPDATE OR DELETE ON articles_event
    FOR EACH ROW EXECUTE FUNCTION articles_event_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS articles_event_append_only ON articles_event;
DROP FUNCTION IF EXISTS articles_event_refuse_change();
"""
SQLITE_UP = [
    """CREATE TRIGGER articles_event_no_update BEFORE UPDATE ON articles_event
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on articles_event is refused'); END;""",
    """CREATE TRIGGER articles_event_no_delete BEFORE DELETE ON articles_event
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on articles_event is refused'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS articles_event_no_update;", "DROP TRIGGER IF EXISTS articles_event_no_delete;"]


def _run(schema_editor, statements):
    # No parameters: PL/pgSQL's own % placeholders must reach the server untouched.
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(apps, schema_editor):
    statements = [POSTGRES_UP] if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    _run(schema_editor, statements)


def remove(apps, schema_editor):
    statements = [POSTGRES_DOWN] if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    _run(schema_editor, statements)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_articles_and_review")]
    operations = [migrations.RunPython(install, remove)]
