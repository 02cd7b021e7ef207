"""Settings for the test suite: the real settings, on PostgreSQL.

Tests never fall back to SQLite: DATABASE_URL defaults to the local PostgreSQL
server, and tests/conftest.py stops the run at once if it cannot be reached.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imprimatur")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("AUDIT_KEY", "test-only-audit-key-not-used-anywhere-else-0123456789")

from editorial.settings import *  # noqa: E402,F403

# Fast hashing: tests create many users; production keeps the default hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic manifest in tests; the live server serves files from their apps.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# Each live-server thread closes its connection, so the test database can be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tests that check the static export choose their own folder.
STATIC_EXPORT_DIR = ""
# Figures and photos are served by the app in tests, from whatever MEDIA_ROOT a test chose.
SERVE_MEDIA = True
