"""gunicorn settings for the web process: `gunicorn -c deploy/gunicorn.conf.py editorial.wsgi`.

Everything comes from the environment, like the app's own settings.
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# A request that takes longer than this is stuck (a public page takes milliseconds):
# its worker is killed and replaced rather than holding a slot for ever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Sync workers close the connection after each response (gunicorn ignores keepalive for
# them): measured per request, a threaded worker that keeps connections open cost more
# CPU than it saved. Kept for a worker class set from the command line.
keepalive = 5
# Recycling workers (GUNICORN_MAX_REQUESTS) guards against a slow leak, but each new
# worker loads the app again and the requests queued on it wait about a second: the
# cached page's p99 went from milliseconds to 700 ms. Off unless asked for.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The app is loaded in each worker after the fork: no database connection, cache
# connection or thread is ever shared between workers.
preload_app = False
