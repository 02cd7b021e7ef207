"""The Celery application, configured from the CELERY_* Django settings.

Without CELERY_BROKER_URL the settings make every task run in-process (eager),
so a first run needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")

app = Celery("editorial")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
