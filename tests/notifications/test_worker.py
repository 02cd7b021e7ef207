"""Delivery through a real Celery worker process and a real Redis broker.

The worker is a separate process reading the committed test database, so these tests
use real transactions; e-mails go to files so this process can read what it sent.
"""

import time

import pytest
import redis

from editorial.celery import app
from notifications.models import Notification
from notifications.tasks import deliver_pending  # at import: a closed app registers no task imported later
from tests.processes import REDIS_URL, production_env, start_celery_worker
from tests.workflow import submit

pytestmark = pytest.mark.django_db(transaction=True)
BROKER = REDIS_URL  # the Redis database the started processes use as broker
DEAD_BROKER = "redis://127.0.0.1:1/0"


def use_broker(url):
    """Point this process's Celery app at a broker (tests otherwise run tasks eagerly)."""
    app.close()  # drop pooled connections to the previous broker
    # close() leaves the producer pool alone when no connection pool was made (eager runs
    # build one on kombu's default URL): drop it too so the next send uses `url`.
    app.amqp._producer_pool = None
    # Once the app's configuration is finalised, the read/write URLs no longer follow broker_url.
    app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = url or "memory://localhost/"
    app.conf.task_always_eager = url is None


@pytest.fixture
def mail_dir(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def worker(mail_dir):
    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not running at 127.0.0.1:6379 (start it: see .ci/run)")
    # The production settings, as the runtime role, with e-mail written to files.
    env = production_env(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(mail_dir)
    )
    started = start_celery_worker(env)
    yield started.process
    started.stop()
    use_broker(None)


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def sent_messages(mail_dir):
    if not mail_dir.exists():
        return []
    return [
        line for path in mail_dir.iterdir() for line in path.read_text().splitlines() if line.startswith("Subject:")
    ]


def test_a_real_worker_delivers_a_notification_queued_by_a_transition(worker, mail_dir, draft, editor, reviewer):
    use_broker(BROKER)
    submit(draft, editor)  # commits; on commit the delivery task goes to Redis
    assert wait_for(lambda: Notification.objects.filter(email_state=Notification.SENT).exists()), "not delivered"
    assert sent_messages(mail_dir) == ["Subject: [Imprimatur] Submitted for review: What is sample condition?"]


def test_with_the_broker_down_the_transition_succeeds_and_nothing_is_lost(worker, mail_dir, draft, editor, reviewer):
    use_broker(DEAD_BROKER)
    started = time.monotonic()
    submit(draft, editor)
    assert time.monotonic() - started < 10, "a dead broker held up the transition"
    draft.refresh_from_db()
    assert draft.state == "submitted"
    assert Notification.objects.get().email_state == Notification.PENDING
    # The broker is back: beat's periodic sweep queues a delivery run, twice even.
    use_broker(BROKER)

    deliver_pending.delay()
    deliver_pending.delay()
    assert wait_for(lambda: Notification.objects.get().email_state == Notification.SENT)
    time.sleep(1)  # let the second run finish
    assert len(sent_messages(mail_dir)) == 1
