"""WSGI entry point: Django alone, so every answer passes its middleware (host check,
HTTPS redirect, security headers)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")

application = get_wsgi_application()
