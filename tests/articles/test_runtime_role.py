"""The runtime database login cannot rewrite or remove the record, nor switch the
append-only triggers off: it owns no table and holds no UPDATE, DELETE or TRUNCATE there."""

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection


@pytest.fixture
def runtime_login(transactional_db, django_db_blocker):
    """A connection as the runtime role that grant_runtime_role makes, on the test database."""
    database = connection.settings_dict["NAME"]
    role = f"{database}_runtime"[:63]
    call_command("grant_runtime_role", role)
    settings_dict = connection.settings_dict
    runtime = psycopg.connect(host=settings_dict["HOST"] or "127.0.0.1", port=settings_dict["PORT"] or 5432,
                              user=role, dbname=database, autocommit=True)
    yield runtime
    runtime.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {connection.ops.quote_name(role)}")
        cursor.execute(f"DROP ROLE {connection.ops.quote_name(role)}")


@pytest.mark.parametrize("statement", [
    "UPDATE articles_event SET comment = 'rewritten'",
    "DELETE FROM articles_event",
    "TRUNCATE articles_event",
    "ALTER TABLE articles_event DISABLE TRIGGER articles_event_append_only",
    "UPDATE articles_signature SET printed_name = 'Someone Else'",
    "DELETE FROM articles_signature",
    "TRUNCATE articles_article CASCADE",
])
def test_the_runtime_login_cannot_rewrite_or_remove_the_record(runtime_login, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        runtime_login.execute(statement)


def test_the_runtime_login_reads_and_writes_the_working_tables(runtime_login):
    assert runtime_login.execute("SELECT count(*) FROM articles_event").fetchone() == (0,)
    runtime_login.execute("UPDATE articles_article SET topic = topic")
    owned = runtime_login.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user").fetchone()
    assert owned == (0,)


def test_grant_runtime_role_refuses_the_owner_and_bad_names(transactional_db):
    with pytest.raises(CommandError, match="the owner"):
        call_command("grant_runtime_role", connection.settings_dict["USER"])
    with pytest.raises(CommandError, match="lower-case"):
        call_command("grant_runtime_role", "Robert'); DROP TABLE x;--")
