"""The first run's SQLite database keeps the record's guards through every migration.

SQLite drops a table's triggers when a migration rebuilds the table; the guards must
still be there after `migrate`, and the demo's trail must verify."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from articles.sqlite_guards import GUARDS

ROOT = Path(__file__).resolve().parents[2]


def manage(database, *args):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "editorial.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "s" * 50,
        "AUDIT_KEY": "a" * 40,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "STATIC_EXPORT_DIR": "",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "true",
    }  # no static manifest needed
    env.pop("CELERY_BROKER_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_migrated_and_seeded_sqlite_demo_keeps_every_guard_and_verifies(tmp_path):
    database = tmp_path / "demo.sqlite3"
    for command in (("migrate", "--noinput"), ("seed_demo",), ("verify_audit",)):
        result = manage(database, *command)
        assert result.returncode == 0, result.stderr[-2000:]
    assert "intact" in result.stdout
    with sqlite3.connect(database) as db:
        triggers = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert set(GUARDS) <= triggers
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE articles_event SET comment = 'rewritten'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM articles_signature")
