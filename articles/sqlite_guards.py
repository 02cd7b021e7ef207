"""The database guards of the record on SQLite, the embedded database of a first run.

SQLite drops a table's triggers when a migration rebuilds the table, and refuses to
rebuild a table that another table's trigger reads. So a migration that rebuilds a
guarded table calls drop_guards() first, and after every `migrate` the guards are put
back (restore_guards, on post_migrate). PostgreSQL alters tables in place and keeps
its triggers; nothing here runs there.
"""

import importlib

from django.db import connections

# The migrations that made each guard hold their exact SQL, with the table each needs
# (a guard is put back only once its migration made that table).
_SOURCES = (
    ("articles.migrations.0002_event_append_only", "articles_event"),
    ("articles.migrations.0011_signed_content_protected", "articles_signature"),
    ("articles.migrations.0021_version_figures", "articles_articleversion"),
    ("accounts.migrations.0004_login_names_and_kept_profiles", "accounts_usedusername"),
)
GUARDS = (
    "articles_event_no_update",
    "articles_event_no_delete",
    "articles_version_no_content_update",
    "articles_version_no_signed_delete",
    "articles_version_no_figures_update",
    "articles_signature_no_update",
    "articles_signature_no_delete",
    # Login names: recorded on creation, not changed once in the record (reads the trail), kept.
    "accounts_login_name_on_insert",
    "accounts_login_name_on_rename",
    "accounts_usedusername_no_update",
    "accounts_usedusername_no_delete",
)


def drop_guards(connection):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in GUARDS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def restore_guards(connection):
    if connection.vendor != "sqlite":
        return
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for source, table in _SOURCES:
            if table not in tables:
                continue
            for statement in importlib.import_module(source).SQLITE_UP:
                cursor.execute(statement.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))


def restore_after_migrate(sender, using="default", **kwargs):

    restore_guards(connections[using])
