"""Django's PostgreSQL backend with two round trips fewer on a reader's request.

- The health check (CONN_HEALTH_CHECKS) asks the server with `SELECT 1` before each
  request's first query. Here it first looks at the socket: a server that ends an idle
  connection (restart, idle timeout, pg_terminate_backend) says so before it closes it,
  so an idle connection with nothing to read is alive, and one with something to read
  gets the full check.
- prepared_cursor() runs its statements as prepared statements, planned once per
  connection: for the few hot queries that take longer to plan than to run (the public
  article page's). Django's own cursors bind parameters on the client and are never
  prepared, as before. DATABASE_PREPARED_STATEMENTS=false turns it off, for PgBouncer
  before 1.21 in transaction mode, which cannot keep prepared statements.
"""

import select

from django.conf import settings
from django.db.backends.postgresql import base
from psycopg import pq

# psycopg prepares nothing while its threshold is None (Django's default), not even a
# statement that asks to be; with this one, only those that ask are.
ONLY_WHEN_ASKED = 2**31 - 1


class PreparedCursor(base.ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if params["prepare_threshold"] is None and settings.DATABASE_PREPARED_STATEMENTS:
            params["prepare_threshold"] = ONLY_WHEN_ASKED
        return params

    def prepared_cursor(self):
        """A cursor like cursor() (its queries are logged and counted the same way)
        whose statements are prepared on the server the first time they run."""
        if not settings.DATABASE_PREPARED_STATEMENTS:
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(PreparedCursor(self.connection))

    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        if self.connection.info.transaction_status == pq.TransactionStatus.IDLE:
            socket = select.poll()
            socket.register(self.connection.fileno(), select.POLLIN)
            if not socket.poll(0):
                return True  # nothing from the server since its last answer: it has not hung up
        return super().is_usable()  # ask it
