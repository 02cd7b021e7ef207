"""Shared fixtures: the database check and the personas every test speaks of."""

import os

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import EDITOR, PUBLISHER, REVIEWER, install_roles

# Playwright's sync API keeps an event loop running in the test thread; Django's
# ORM refuses to run beside one unless told it is safe (it is: one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PERSONA_PASSWORD = "a-long-test-password-42"


def pytest_configure(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(f"The tests run on PostgreSQL only; DATABASE_URL selects {engine}.", returncode=2)
    import psycopg

    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError as error:
        pytest.exit(
            f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']} ({error}).\n"
            "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
            "or point DATABASE_URL at a running server.",
            returncode=2,
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The trail refuses TRUNCATE unless the session allows a purge; tests that commit
    # are emptied with TRUNCATE, so this test database allows it (new sessions included).
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])}"
                       " SET imprimatur.allow_purge = 'on'")
        cursor.execute("SET imprimatur.allow_purge = 'on'")
    yield
    # Playwright runs test code in its own greenlet, whose Django connection the
    # normal teardown does not see; end such leftovers so the test database drops.
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def roles(db):
    """The role groups, as the data migration creates them (a flush removes them)."""
    install_roles(django_apps)
    return {group.name: group for group in Group.objects.filter(name__in=(EDITOR, REVIEWER, PUBLISHER))}


@pytest.fixture
def make_staff(roles):
    """Factory: make_staff("name", EDITOR, credentials="M.D.") -> a user holding those roles."""

    def make(username, *role_names, credentials="", specialty="", is_staff=False):
        user = get_user_model().objects.create_user(
            username=username,
            password=PERSONA_PASSWORD,
            email=f"{username}@example.org",
            first_name=username.capitalize(),
            last_name="Tester",
            is_staff=is_staff,
        )
        user.groups.set([roles[name] for name in role_names])
        profile = user.profile
        profile.credentials, profile.specialty = credentials, specialty
        profile.save()
        return user

    return make


@pytest.fixture
def editor(make_staff):
    return make_staff("edna", EDITOR)


@pytest.fixture
def reviewer(make_staff):
    return make_staff("rhea", REVIEWER, credentials="M.D., FACP", specialty="Internal medicine")


@pytest.fixture
def reviewer2(make_staff):
    return make_staff("ravi", REVIEWER, credentials="M.D., Ph.D.", specialty="Cardiology")


@pytest.fixture
def publisher(make_staff):
    return make_staff("paula", PUBLISHER, is_staff=True)


@pytest.fixture
def outsider(make_staff):
    """A signed-in account that holds no editorial role."""
    return make_staff("otto")



@pytest.fixture
def draft(editor):
    """An article in Draft, written by the editor persona."""
    from tests.workflow import make_draft

    return make_draft(editor)


@pytest.fixture
def approved(draft, editor, reviewer):
    from tests.workflow import approve, claim, submit

    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def published(approved, publisher):
    from tests.workflow import publish

    publish(approved, publisher)
    approved.refresh_from_db()
    return approved
