"""WSGI entry point. Cached public article pages are answered before Django runs
(see articles/public_cache.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")

django_application = get_wsgi_application()

from articles.public_cache import FastPublicPages  # noqa: E402  (needs Django set up)

application = FastPublicPages(django_application)
