import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_names_each_part_and_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "in-process",
        "worker": "in-process",
        "beat": "in-process",
    }


@pytest.mark.django_db
def test_healthz_answers_503_naming_an_unreachable_broker(client, settings):
    settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER = "redis://127.0.0.1:1/0", False
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.mark.django_db
def test_healthz_reports_ok_for_a_running_redis_broker_and_a_recent_heartbeat(client, settings):
    from accounts.tasks import heartbeat

    settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER = REDIS_URL, False
    heartbeat()  # what the worker does when beat sends it
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok" and response.json()["worker"] == "ok" and response.json()["beat"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_worker_and_beat_when_the_heartbeat_is_late(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Heartbeat

    settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER = REDIS_URL, False
    assert client.get("/healthz").json()["worker"] == "error: no heartbeat yet"
    Heartbeat.objects.create(
        name="celery", ran_at=timezone.now() - timedelta(seconds=2 * settings.HEARTBEAT_SECONDS + 1)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"].startswith("error: no heartbeat since")
    assert response.json()["beat"].startswith("error: no heartbeat since")


def test_beat_sends_the_heartbeat_every_interval(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["heartbeat"]
    assert entry == {"task": "accounts.tasks.heartbeat", "schedule": float(settings.HEARTBEAT_SECONDS)}


def test_healthz_answers_503_naming_an_unreachable_database():
    # A separate process, so the unreachable database is real and not a mock.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "editorial.settings",
        "DEBUG": "false",
        "SECRET_KEY": "test-only-secret-key-not-used-anywhere-else-0123456789",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = (
        "import django, json; django.setup();"
        "from django.test import Client; r = Client().get('/healthz');"
        "print(r.status_code); print(r.content.decode())"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    status, body = result.stdout.strip().split("\n", 1)
    assert status == "503", result.stderr
    report = json.loads(body)
    assert report["database"].startswith("error")
    assert report["broker"] == "in-process" and report["worker"] == "in-process"
