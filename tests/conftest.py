"""Shared fixtures: the database check and the personas every test speaks of."""

import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import install_roles
from accounts.two_factor import required_for
from core.roles import ACCOUNT_MANAGER, ALL_ROLES, EDITOR, PUBLISHER, REVIEWER
from tests.two_factor import VerifiedClient, enrol

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


def runtime_role():
    """The login the app runs as in the tests: made by grant_runtime_role, owner of nothing."""
    from django.db import connection

    return f"{connection.settings_dict['NAME']}_app"[:63]


def app_database_url():
    """DATABASE_URL for a process the tests start (gunicorn, a Celery worker): the test
    database, as the runtime role, exactly as production runs the app."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{runtime_role()}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _act_as_runtime_role(sender, connection, **kwargs):
    if connection.vendor == "postgresql" and connection.settings_dict["NAME"].startswith("test_"):
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {connection.ops.quote_name(runtime_role())}")


@contextmanager
def as_owner():
    """Act as the tables' owner (the login the tests connect with) until the block ends,
    for what only an owner or a superuser may do: migrating, or switching triggers off to
    play an attacker who holds that login. Inside a transaction it lasts until the block
    ends or the transaction does; outside one, until the block ends."""
    from django.db import connection

    scope = "LOCAL " if connection.in_atomic_block else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SET {scope}ROLE NONE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET {scope}ROLE {connection.ops.quote_name(runtime_role())}")


def migrate_as_owner(*targets):
    """Migrate the test database to `targets` (default: the latest) as its owner, then
    grant the runtime role what it needs on the tables as they now are, as `manage.py
    migrate` does in production; returns the apps of the state reached."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    with as_owner():
        executor = MigrationExecutor(connection)
        targets = list(targets) or executor.loader.graph.leaf_nodes()
        executor.migrate(targets)
        call_command("grant_runtime_role", runtime_role(), verbosity=0)
    return executor.loader.project_state(targets).apps


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, made and migrated by the owner login; the tests then act as
    the runtime role, which owns nothing and may not change the record."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.backends.signals import connection_created
    from django.test import TransactionTestCase

    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            # The trail refuses TRUNCATE unless the session allows a purge; tests that
            # commit are emptied with TRUNCATE (by the owner, below).
            cursor.execute(
                f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])}"
                " SET imprimatur.allow_purge = 'on'"
            )
            cursor.execute("SET imprimatur.allow_purge = 'on'")
        call_command("grant_runtime_role", runtime_role(), verbosity=0)
        connection_created.connect(_act_as_runtime_role)
        _act_as_runtime_role(None, connection)
    emptied_by_app = TransactionTestCase._fixture_teardown

    def emptied_by_owner(test_case):
        # Emptying the database between tests that commit is the owner's TRUNCATE.
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
        try:
            emptied_by_app(test_case)
        finally:
            _act_as_runtime_role(None, connection)

    TransactionTestCase._fixture_teardown = emptied_by_owner
    yield
    TransactionTestCase._fixture_teardown = emptied_by_app
    connection_created.disconnect(_act_as_runtime_role)
    # Playwright runs test code in its own greenlet, whose Django connection the
    # normal teardown does not see; end such leftovers so the test database drops.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        cursor.execute(f"DROP OWNED BY {connection.ops.quote_name(runtime_role())}")
        cursor.execute(f"DROP ROLE {connection.ops.quote_name(runtime_role())}")


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic's output, as the release step makes it, for processes started by tests."""
    from tests.processes import collect_static

    root = tmp_path_factory.mktemp("staticfiles")
    collect_static(root)
    return root


@pytest.fixture
def client():
    """Django's test client, whose force_login also passes the second factor."""
    return VerifiedClient()


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's administrator, enrolled in two-factor as administrators must be."""
    user = django_user_model.objects.create_superuser("admin", "admin@example.com", PERSONA_PASSWORD)
    enrol(user)
    return user


@pytest.fixture
def admin_client(admin_user):
    client = VerifiedClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def roles(db):
    """The role groups, as the data migration creates them (a flush removes them)."""
    install_roles(django_apps)
    return {group.name: group for group in Group.objects.filter(name__in=ALL_ROLES)}


@pytest.fixture
def make_staff(roles):
    """Factory: make_staff("name", EDITOR, credentials="M.D.") -> a user holding those roles."""

    def make(username, *role_names, credentials="", specialty="", is_staff=False, enrolled=None, standing=True):
        """`enrolled`: give the person an authenticator; by default those who must have one.
        `standing`: a board member gets a verified licence and a declaration, to sign."""
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
        if enrolled or (enrolled is None and required_for(user)):
            enrol(user)
        if standing and REVIEWER in role_names:
            give_standing(user)
        return user

    return make


def unverified_licence(member):
    """A licence the member entered and no publisher has verified yet."""
    from django.utils import timezone

    from registry.models import Credential

    now = timezone.now()
    return Credential.objects.create(
        member=member,
        kind=Credential.LICENCE,
        title="Medical licence",
        issuer="Ohio Board",
        valid_until=(now + timedelta(days=400)).date(),
        added_by=member,
        added_at=now,
    )


def give_standing(member, *, valid_until=None, declared_at=None):
    """What a board member needs to sign: a licence verified by a registrar (an account
    of its own, with no role, so it is in nobody's list of publishers) and a declaration
    of no interests. Written directly: a fixture, not the journey under test."""
    from django.utils import timezone

    from registry.models import Credential, Declaration

    now = timezone.now()
    registrar, _ = get_user_model().objects.get_or_create(
        username="registrar", defaults={"first_name": "Rita", "last_name": "Registrar", "is_active": False}
    )
    Credential.objects.create(
        member=member,
        kind=Credential.LICENCE,
        title="Medical licence",
        issuer="State Medical Board",
        number=f"T-{member.pk}",
        region="Ohio",
        valid_until=valid_until or (now + timedelta(days=3 * 365)).date(),
        added_by=registrar,
        added_at=now,
        verified_by=registrar,
        verified_at=now,
        verification_note="Test fixture",
    )
    Declaration.objects.create(member=member, declared_at=declared_at or now, no_interests=True)


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
def account_manager(make_staff):
    """Invites people, grants roles, deactivates accounts (and holds no editorial role)."""
    return make_staff("amos", ACCOUNT_MANAGER)


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
def changes_requested(draft, editor, reviewer):
    """The reviewer asked for a change in the draft's Dosage section."""
    from articles import services
    from tests.workflow import claim, submit

    submit(draft, editor)
    claim(draft, reviewer)
    services.article_request_changes(
        article_id=draft.pk,
        actor=reviewer,
        body="Say how long the course lasts.",
        section="Dosage",
        expected_version_id=draft.working_version_id,
    )
    draft.refresh_from_db()
    return draft


@pytest.fixture
def published(approved, publisher):
    from tests.workflow import publish

    publish(approved, publisher)
    approved.refresh_from_db()
    return approved
