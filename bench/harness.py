"""Shared start-up for the in-process benchmarks: Django with the test settings, a
throwaway PostgreSQL database made and dropped as the test suite does."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings_test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imprimatur")
# Delivery is queued (in memory, with no worker) rather than run in-process: the
# benchmarks measure their own work, not e-mail sending.
os.environ.setdefault("CELERY_BROKER_URL", "memory://localhost/")
# The benchmarks' people sign in with force_login, which passes no second factor.
os.environ.setdefault("REQUIRE_TWO_FACTOR", "false")

import django  # noqa: E402

django.setup()


def run_in_throwaway_database(run):
    from django.conf import settings
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        run()
    finally:
        runner.teardown_databases(old)


def person(username, role):
    """A user holding one role; the role groups are created first."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import install_roles

    install_roles(apps)
    user = get_user_model().objects.create_user(
        username, password="bench-password-123", email=f"{username}@example.org"
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def generate(statements, reviewers=20, **params):
    """An editor, a publisher and `reviewers` board members, then `statements` (SQL, given
    their ids as %(editor)s, %(publisher)s and %(reviewers)s, and `params`), then what
    autovacuum does soon after a bulk load in production: statistics, and the visibility
    map that lets covering indexes answer without the table. Returns (people, reviewer
    ids, seconds taken)."""
    import time

    from django.db import connection

    from accounts.roles import EDITOR, PUBLISHER, REVIEWER

    people = {name: person(f"bench-{name}", role).pk for name, role in (("editor", EDITOR), ("publisher", PUBLISHER))}
    board = [person(f"bench-reviewer-{n}", REVIEWER).pk for n in range(reviewers)]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, {**params, "reviewers": board, **people})
    connection.set_autocommit(True)  # VACUUM cannot run inside a transaction
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return people, board, time.perf_counter() - started
