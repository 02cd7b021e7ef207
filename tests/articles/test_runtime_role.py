"""The runtime database login cannot rewrite or remove the record, nor switch the
append-only triggers off: it owns no table and holds no UPDATE, DELETE or TRUNCATE there."""

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.conftest import as_owner, runtime_role


@pytest.fixture
def runtime_login(transactional_db):
    """A login of its own as the runtime role the suite runs as (grant_runtime_role made it)."""
    db = connection.settings_dict
    runtime = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=runtime_role(), dbname=db["NAME"], autocommit=True
    )
    yield runtime
    runtime.close()


def test_the_suite_itself_acts_as_the_runtime_role(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (runtime_role(),)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE articles_event SET comment = 'rewritten'",
        "DELETE FROM articles_event",
        "TRUNCATE articles_event",
        "ALTER TABLE articles_event DISABLE TRIGGER articles_event_append_only",
        "UPDATE articles_signature SET printed_name = 'Someone Else'",
        "DELETE FROM articles_signature",
        "TRUNCATE articles_article CASCADE",
        "UPDATE accounts_usedusername SET username = 'someone-else'",
        "DELETE FROM accounts_usedusername",
    ],
)
def test_the_runtime_login_cannot_rewrite_or_remove_the_record(runtime_login, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        runtime_login.execute(statement)


def test_the_runtime_login_reads_and_writes_the_working_tables(runtime_login):
    assert runtime_login.execute("SELECT count(*) FROM articles_event").fetchone() == (0,)
    runtime_login.execute("UPDATE articles_article SET topic = topic")
    owned = runtime_login.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user").fetchone()
    assert owned == (0,)


def test_grant_runtime_role_refuses_the_owner_and_bad_names(transactional_db):
    with as_owner(), pytest.raises(CommandError, match="the owner"):
        call_command("grant_runtime_role", connection.settings_dict["USER"])
    with pytest.raises(CommandError, match="lower-case"):
        call_command("grant_runtime_role", "Robert'); DROP TABLE x;--")


def test_migrate_runs_as_the_owner_and_grants_the_runtime_role(transactional_db, tmp_path):
    """The production start: DATABASE_URL names the runtime role, MIGRATE_DATABASE_URL the
    owner; one `manage.py migrate` builds the schema as the owner and grants the role."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    db = connection.settings_dict
    server = dict(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"])
    fresh = f"{db['NAME']}_fresh"[:63]
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    base = f"postgres://{{user}}@{server['host']}:{server['port']}/{fresh}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "editorial.settings",
        "SECRET_KEY": "t" * 50,
        "DATABASE_URL": base.format(user=runtime_role()),
    }
    env.pop("MIGRATE_DATABASE_URL", None)
    root = Path(__file__).resolve().parents[2]
    try:
        alone = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert alone.returncode != 0 and "permission denied" in alone.stderr
        env["MIGRATE_DATABASE_URL"] = base.format(user=server["user"])
        done = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert f"{runtime_role()} may use {fresh}" in done.stdout
        with psycopg.connect(**server, dbname=fresh) as owner:
            (owners,) = owner.execute(
                "SELECT array_agg(DISTINCT tableowner) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()
            assert owners == [server["user"]]
            grants = owner.execute(
                "SELECT has_table_privilege(%(r)s, 'articles_event', 'INSERT'),"
                " has_table_privilege(%(r)s, 'articles_event', 'UPDATE'),"
                " has_table_privilege(%(r)s, 'articles_article', 'UPDATE')",
                {"r": runtime_role()},
            ).fetchone()
            assert grants == (True, False, True)
    finally:
        with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def test_the_runtime_login_cannot_hide_a_table_behind_a_temporary_one(runtime_login):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        runtime_login.execute("CREATE TEMP TABLE accounts_usedusername (username text)")


def test_every_trigger_function_reads_its_tables_from_public_only(db):
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, p.proconfig FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace"
            " WHERE n.nspname = 'public' AND p.prorettype = 'trigger'::regtype"
        )
        functions = cursor.fetchall()
    assert len(functions) >= 8
    for name, config in functions:
        assert config == ["search_path=pg_catalog, public, pg_temp"], name
