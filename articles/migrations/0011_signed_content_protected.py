"""Versions and signatures are protected in the database itself, as events are.

What a signature covers (every column the content hash covers, the hash, the version's
number and article) cannot be changed, a signed version cannot be deleted, and a
signature can be neither changed nor deleted. Row triggers do not fire on TRUNCATE,
which the test suite needs.
"""

from django.db import migrations

# The columns the content hash covers, plus the hash and the version's identity.
PROTECTED_COLUMNS = ("article_id", "number", "title", "summary", "body", "key_points", "faq", "aliases",
                     "reference_list", '"references"', "content_hash")


def _row(prefix):
    return ", ".join(f"{prefix}.{column}" for column in PROTECTED_COLUMNS)


POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION articles_version_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM articles_signature WHERE version_id = OLD.id) THEN
            RAISE EXCEPTION 'signed content is immutable: DELETE of signed version % on articles_articleversion is refused', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF ({_row("NEW")}) IS DISTINCT FROM ({_row("OLD")}) THEN
        RAISE EXCEPTION 'signed content is immutable: UPDATE of the content of version % on articles_articleversion is refused', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER articles_version_immutable
    BEFORE UPDATE OR DELETE ON articles_articleversion
    FOR EACH ROW EXECUTE FUNCTION articles_version_refuse_change();

CREATE OR REPLACE FUNCTION articles_signature_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'signatures are append-only: % on articles_signature is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER articles_signature_append_only
    BEFORE UPDATE OR DELETE ON articles_signature
    FOR EACH ROW EXECUTE FUNCTION articles_signature_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS articles_version_immutable ON articles_articleversion;
DROP FUNCTION IF EXISTS articles_version_refuse_change();
DROP TRIGGER IF EXISTS articles_signature_append_only ON articles_signature;
DROP FUNCTION IF EXISTS articles_signature_refuse_change();
"""
_CHANGED = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in PROTECTED_COLUMNS)
SQLITE_UP = [
    f"""CREATE TRIGGER articles_version_no_content_update BEFORE UPDATE ON articles_articleversion
       WHEN {_CHANGED}
       BEGIN SELECT RAISE(ABORT, 'signed content is immutable: UPDATE of a version''s content is refused'); END;""",
    """CREATE TRIGGER articles_version_no_signed_delete BEFORE DELETE ON articles_articleversion
       WHEN EXISTS (SELECT 1 FROM articles_signature WHERE version_id = OLD.id)
       BEGIN SELECT RAISE(ABORT, 'signed content is immutable: DELETE of a signed version is refused'); END;""",
    """CREATE TRIGGER articles_signature_no_update BEFORE UPDATE ON articles_signature
       BEGIN SELECT RAISE(ABORT, 'signatures are append-only: UPDATE on articles_signature is refused'); END;""",
    """CREATE TRIGGER articles_signature_no_delete BEFORE DELETE ON articles_signature
       BEGIN SELECT RAISE(ABORT, 'signatures are append-only: DELETE on articles_signature is refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS articles_version_no_content_update;",
    "DROP TRIGGER IF EXISTS articles_version_no_signed_delete;",
    "DROP TRIGGER IF EXISTS articles_signature_no_update;",
    "DROP TRIGGER IF EXISTS articles_signature_no_delete;",
]


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
    dependencies = [("articles", "0010_fast_track_requests")]
    operations = [migrations.RunPython(install, remove)]
