"""Create or update the PostgreSQL login the app and its workers run as.

Run it as the database owner (the login that runs `migrate`), after each `migrate`.
The runtime role may read and write the working tables but only SELECT and INSERT on
the audit trail and on signatures, holds no TRUNCATE anywhere, and owns no table, so
it cannot switch the append-only triggers off either.
"""

import os
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

# Rows that are written once and never changed or removed by the application.
APPEND_ONLY_TABLES = ("articles_event", "articles_signature", "accounts_usedusername", "registry_declaration")
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
PIN_TRIGGER_SEARCH_PATH = """
DO $$
DECLARE trigger_function regprocedure;
BEGIN
    FOR trigger_function IN
        SELECT p.oid::regprocedure FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.prorettype = 'trigger'::regtype
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', trigger_function);
    END LOOP;
END
$$"""


def grant_statements(role, database, append_only_tables):
    q, db = connection.ops.quote_name(role), connection.ops.quote_name(database)
    append_only = ", ".join(append_only_tables)
    return [
        f"ALTER ROLE {q} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
        # No temporary tables: one named like a real table would come first in a trigger's
        # lookups. PUBLIC holds TEMPORARY by default, so it is taken from PUBLIC.
        f"REVOKE TEMPORARY ON DATABASE {db} FROM PUBLIC",
        f"REVOKE TEMPORARY ON DATABASE {db} FROM {q}",
        f"GRANT CONNECT ON DATABASE {db} TO {q}",
        # Every trigger function reads its tables from pg_catalog and public only.
        PIN_TRIGGER_SEARCH_PATH,
        f"GRANT USAGE ON SCHEMA public TO {q}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {q}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {q}",
        *([f"REVOKE UPDATE, DELETE ON {append_only} FROM {q}"] if append_only_tables else []),
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q}",
        # Tables that later migrations create (as the owner) are granted alike; re-run this
        # command after migrating so that new append-only tables lose UPDATE and DELETE.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {q}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {q}",
    ]


class Command(BaseCommand):
    help = "Create or update the runtime database role: no ownership, no TRUNCATE, append-only audit tables."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the login name the app will use in DATABASE_URL")
        parser.add_argument(
            "--password-env", metavar="VARIABLE", help="set the role's password from this environment variable"
        )

    def handle(self, *args, role, password_env=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only; SQLite has no logins to separate.")
        if not ROLE_NAME.match(role):
            raise CommandError("The role name must be lower-case letters, digits and _, starting with a letter or _.")
        password = os.environ.get(password_env) if password_env else None
        if password_env and not password:
            raise CommandError(f"{password_env} is not set.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
            if role == owner:
                raise CommandError(f"{role} is the login running this command (the owner); name another role.")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE ROLE {connection.ops.quote_name(role)}")
            cursor.execute("SELECT string_agg(tablename, ', ') FROM pg_tables WHERE tableowner = %s", [role])
            owned = cursor.fetchone()[0]
            if owned:
                raise CommandError(f"{role} owns tables ({owned}); the runtime role must own none.")
            # A database migrated to an older state may not have every table yet.
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY(%s)",
                [list(APPEND_ONLY_TABLES)],
            )
            present = sorted(name for (name,) in cursor.fetchall())
            for statement in grant_statements(role, database, present):
                cursor.execute(statement)
            if password:
                cursor.execute(f"ALTER ROLE {connection.ops.quote_name(role)} PASSWORD %s", [password])
        self.stdout.write(
            self.style.SUCCESS(
                f"{role} may use {database}: append-only on {', '.join(APPEND_ONLY_TABLES)}, no TRUNCATE, owns nothing."
            )
        )
