"""Versions freeze the figures they show, and the figures are protected like the rest of
the signed content: the database refuses a change to a version's `figures`.

PostgreSQL adds the column in place (no row is updated, so the trigger does not fire)
and the trigger function is replaced by one that also compares `figures`. SQLite
rebuilds the table, so its guards are dropped first and put back after `migrate`; its
own guard for the new column is a trigger of its own (sqlite_guards lists it).
"""

from django.db import migrations, models

from articles.sqlite_guards import drop_guards

PROTECTED_COLUMNS = ("article_id", "number", "title", "summary", "body", "key_points", "faq", "aliases",
                     "reference_list", '"references"', "figures", "content_hash")
EARLIER_COLUMNS = tuple(column for column in PROTECTED_COLUMNS if column != "figures")


def _function(columns):
    new = ", ".join(f"NEW.{column}" for column in columns)
    old = ", ".join(f"OLD.{column}" for column in columns)
    return f"""
CREATE OR REPLACE FUNCTION articles_version_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM articles_signature WHERE version_id = OLD.id) THEN
            RAISE EXCEPTION 'signed content is immutable: DELETE of signed version % on articles_articleversion is refused', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF ({new}) IS DISTINCT FROM ({old}) THEN
        RAISE EXCEPTION 'signed content is immutable: UPDATE of the content of version % on articles_articleversion is refused', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


SQLITE_UP = [
    """CREATE TRIGGER articles_version_no_figures_update BEFORE UPDATE ON articles_articleversion
       WHEN NEW.figures IS NOT OLD.figures
       BEGIN SELECT RAISE(ABORT, 'signed content is immutable: UPDATE of a version''s figures is refused'); END;""",
]


def _run(schema_editor, statements):
    # No parameters: PL/pgSQL's own % placeholders must reach the server untouched.
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop_sqlite_guards(apps, schema_editor):
    drop_guards(schema_editor.connection)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, [_function(PROTECTED_COLUMNS)])
    # SQLite: the guards, this one included, are put back after migrate (sqlite_guards).


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, [_function(EARLIER_COLUMNS)])
    else:
        _run(schema_editor, ["DROP TRIGGER IF EXISTS articles_version_no_figures_update;"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0020_desk_list_indexes")]

    operations = [
        migrations.RunPython(drop_sqlite_guards, migrations.RunPython.noop),
        migrations.AddField(
            model_name="articleversion",
            name="figures",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(install, remove),
    ]
