"""The PostgreSQL backend (editorial/postgresql): its health check and prepared
statements, on real connections to the test database."""

import time

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def _from_another_connection(sql, params):
    """The first row of `sql` run on a second connection: the one under test stays as it is."""
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    finally:
        other.close()


def _last_query_of(pid):
    row = _from_another_connection("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
    return row[0] if row else None


def _end_from_outside(pid):
    _from_another_connection("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def persistent_connection():
    """The default connection kept across requests, as in production (CONN_MAX_AGE)."""
    connection.close()
    before = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    yield connection
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = before


def test_an_idle_connection_passes_the_health_check_without_asking_the_server(persistent_connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last thing asked'")
    pid = connection.connection.info.backend_pid
    assert connection.is_usable()
    assert _last_query_of(pid) == "SELECT 'the last thing asked'"


def test_a_connection_the_server_ended_fails_the_health_check(persistent_connection):
    connection.ensure_connection()
    _end_from_outside(connection.connection.info.backend_pid)
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's goodbye takes a moment to arrive
    assert not connection.is_usable()


def _wsgi_get(path):
    """A request the way a WSGI server makes it: Django's test client leaves out the
    connection checks that run when a request starts and ends."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.client import RequestFactory

    statuses = []
    body = WSGIHandler()(RequestFactory()._base_environ(PATH_INFO=path), lambda status, headers: statuses.append(status))
    try:
        return statuses[0], b"".join(body)
    finally:
        body.close()


def test_a_request_after_the_server_ended_the_connection_is_answered(persistent_connection):
    assert _wsgi_get("/healthz")[0] == "200 OK"
    old_pid = connection.connection.info.backend_pid
    _end_from_outside(old_pid)
    time.sleep(0.3)
    status, body = _wsgi_get("/healthz")
    assert status == "200 OK", body
    assert connection.connection.info.backend_pid != old_pid


def test_prepared_cursor_prepares_its_statement_once_and_is_counted(persistent_connection, django_assert_num_queries):
    with django_assert_num_queries(2):
        for _ in range(2):
            with connection.prepared_cursor() as cursor:
                cursor.execute("SELECT %s::int + 1", [41])
                assert cursor.fetchone() == (42,)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert len([text for text in prepared if "+ 1" in text]) == 1


def _prepared_statement_count():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


def test_djangos_own_queries_are_never_prepared(persistent_connection):
    from django.contrib.auth import get_user_model

    for _ in range(10):
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::int + 3", [39])
        list(get_user_model().objects.filter(pk=1))
        list(get_user_model().objects.filter(pk=1).iterator())  # a server-side cursor
    assert connection.connection.prepare_threshold is not None  # prepared_cursor() could prepare here
    assert _prepared_statement_count() == 0


def test_a_switched_off_prepared_cursor_prepares_nothing(persistent_connection, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    for _ in range(10):
        with connection.prepared_cursor() as cursor:
            cursor.execute("SELECT %s::int + 2", [40])
    assert _prepared_statement_count() == 0
