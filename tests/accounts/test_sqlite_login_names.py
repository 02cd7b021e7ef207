"""On the first run's SQLite database the login-name guards hold too, through every migration."""

import sqlite3

import pytest

from tests.articles.test_sqlite_demo import manage


def test_a_sqlite_demo_records_login_names_and_refuses_reuse_and_renaming_who_acted(tmp_path):
    database = tmp_path / "demo.sqlite3"
    for command in (("migrate", "--noinput"), ("seed_demo",), ("verify_audit",)):
        result = manage(database, *command)
        assert result.returncode == 0, result.stderr[-2000:]
    with sqlite3.connect(database) as db:
        used = {name for (name,) in db.execute("SELECT username FROM accounts_usedusername")}
        assert {"admin", "editor", "reviewer", "reviewer2", "publisher"} <= used
        with pytest.raises(sqlite3.DatabaseError, match="is in the record"):
            db.execute("UPDATE auth_user SET username = 'someone-else' WHERE username = 'reviewer'")
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(
                "INSERT INTO auth_user (username, password, is_superuser, first_name, last_name, email,"
                " is_staff, is_active, date_joined) VALUES ('Reviewer', '', 0, '', '', '', 0, 1, '2026-01-01')"
            )
        with pytest.raises(sqlite3.DatabaseError, match="login names once used are kept"):
            db.execute("DELETE FROM accounts_usedusername")
