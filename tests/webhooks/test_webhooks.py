"""Webhooks: registration, the outbox, signed deliveries to a real local server, retries."""

import hmac
import json
import socket
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from articles import services
from references.services import reference_create, reference_mark_retracted
from tests.references.conftest import reference_fields
from tests.webhooks.receiver import Receiver
from tests.workflow import approve, claim, make_draft, publish, submit
from webhooks import services as webhooks
from webhooks.models import Delivery, Endpoint


@pytest.fixture(autouse=True)
def local_receivers_allowed(settings):
    """The test receivers listen on 127.0.0.1, which production refuses (tested below)."""
    settings.WEBHOOK_ALLOW_LOCAL_TARGETS = True


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def register(publisher, url, events=("published", "unpublished")):
    endpoint, secret = webhooks.endpoint_create(actor=publisher, url=url, events=events)
    return endpoint, secret


def approved_article(editor, reviewer):
    article = make_draft(editor)
    submit(article, editor)
    claim(article, reviewer)
    approve(article, reviewer)
    return article


def verify(secret, headers, body):
    """What a receiver does, as the README says."""
    timestamp = headers["Imprimatur-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, "sha256").hexdigest()
    assert abs(time.time() - int(timestamp)) < 300
    return hmac.compare_digest(headers["Imprimatur-Signature"], f"sha256={expected}")


def test_publishing_posts_a_signed_delivery_to_a_registered_endpoint(
    editor, reviewer, publisher, receiver, django_capture_on_commit_callbacks
):
    endpoint, secret = register(publisher, receiver.url)
    article = approved_article(editor, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        publish(article, publisher)

    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert verify(secret, headers, body)
    assert not verify("whsec_someone-else", headers, body)
    document = json.loads(body)
    assert document["event"] == "published" and headers["Imprimatur-Event"] == "published"
    assert document["data"]["article"]["slug"] == "sample-condition"
    assert document["data"]["article"]["url"].endswith("/articles/sample-condition/")
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status, delivery.last_response) == (
        Delivery.DELIVERED,
        1,
        200,
        "thanks",
    )


def test_a_delivery_row_is_written_with_the_change_and_rolls_back_with_it(editor, reviewer, publisher, receiver):
    register(publisher, receiver.url)
    article = approved_article(editor, reviewer)
    publish(article, publisher)
    assert Delivery.objects.filter(event="published").count() == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        webhooks.announce(event="published", key="rolled-back", payload={}, now=timezone.now())
        raise RuntimeError("the change failed")
    assert not Delivery.objects.filter(key__startswith="rolled-back").exists()


def test_endpoints_get_only_the_events_they_chose_and_paused_ones_get_nothing(publisher, receiver):
    register(publisher, receiver.url, events=("unpublished",))
    paused, _ = register(publisher, receiver.url + "/paused", events=("published",))
    webhooks.endpoint_set_active(endpoint_id=paused.pk, active=False)
    assert webhooks.announce(event="published", key="p1", payload={}, now=timezone.now()) == 0
    assert webhooks.announce(event="unpublished", key="u1", payload={}, now=timezone.now()) == 1
    assert webhooks.announce(event="unpublished", key="u1", payload={}, now=timezone.now()) == 1
    assert Delivery.objects.count() == 1  # the same key twice is one row


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_receiver_that_is_down_gets_the_delivery_later_and_only_once(publisher, settings):
    port = free_port()
    endpoint, secret = register(publisher, f"http://127.0.0.1:{port}/hook")
    now = timezone.now()
    webhooks.announce(event="published", key="e1", payload={"n": 1}, now=now)

    assert webhooks.deliver_due(now=now) == 0  # nobody listens: connection refused
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.PENDING and delivery.attempts == 1
    assert "Connection" in delivery.last_response or "refused" in delivery.last_response
    assert delivery.next_attempt_at == now + timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS)

    receiver = Receiver(port=port)
    try:
        assert webhooks.deliver_due(now=now + timedelta(seconds=10)) == 0  # not due yet
        assert webhooks.deliver_due(now=now + timedelta(minutes=2)) == 1
        assert webhooks.deliver_due(now=now + timedelta(days=1)) == 0
    finally:
        receiver.stop()
    assert len(receiver.received) == 1
    assert verify(secret, *receiver.received[0])
    assert Delivery.objects.get().state == Delivery.DELIVERED


def test_failed_deliveries_back_off_exponentially_then_stop(publisher, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.status = 503
    register(publisher, receiver.url)
    now = timezone.now()
    webhooks.announce(event="published", key="e1", payload={}, now=now)
    waits = []
    for _attempt in range(3):
        webhooks.deliver_due(now=now)
        delivery = Delivery.objects.get()
        waits.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at
    base = timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS)
    assert waits[:2] == [base, 2 * base]
    assert (delivery.state, delivery.attempts, delivery.last_status, delivery.last_response) == (
        Delivery.FAILED,
        3,
        503,
        "not now",
    )
    assert webhooks.deliver_due(now=now + timedelta(days=1)) == 0
    assert len(receiver.received) == 3


def test_a_claimed_delivery_is_not_posted_again_until_its_claim_is_stale(publisher, receiver):
    register(publisher, receiver.url)
    now = timezone.now()
    webhooks.announce(event="published", key="e1", payload={}, now=now)
    assert webhooks._claim(now, 10)  # a worker took it and died before posting
    assert webhooks.deliver_due(now=now + timedelta(minutes=1)) == 0
    assert webhooks.deliver_due(now=now + webhooks.STALE_CLAIM + timedelta(minutes=1)) == 1
    assert len(receiver.received) == 1


def test_a_scheduled_unpublication_is_announced(editor, reviewer, publisher, receiver):
    register(publisher, receiver.url)
    article = approved_article(editor, reviewer)
    publish(article, publisher)
    now = timezone.now()
    services.article_schedule_unpublish(
        article_id=article.pk,
        actor=publisher,
        unpublish_at=now + timedelta(hours=1),
        reason="Superseded by new guidance",
    )
    services.publish_due_articles(now=now + timedelta(hours=2))
    assert list(Delivery.objects.order_by("id").values_list("event", flat=True)) == ["published", "unpublished"]


@pytest.mark.parametrize(
    "url", ["ftp://example.org/hook", "file:///etc/passwd", "javascript:alert(1)", "example.org", "http://"]
)
def test_addresses_other_than_http_and_https_are_refused_with_a_clear_message(publisher, url):
    with pytest.raises(webhooks.EndpointRefused, match="http|host"):
        register(publisher, url)
    assert not Endpoint.objects.exists()


def test_an_endpoint_needs_at_least_one_known_event(publisher):
    with pytest.raises(webhooks.EndpointRefused, match="at least one"):
        register(publisher, "https://example.org/hook", events=())
    with pytest.raises(webhooks.EndpointRefused, match="Unknown event"):
        register(publisher, "https://example.org/hook", events=("everything",))


# ---------------------------------------------------------------- the desk page


def test_a_publisher_registers_an_endpoint_and_sees_its_secret_once(client, publisher):
    client.force_login(publisher)
    response = client.post("/desk/webhooks/", {"url": "https://example.org/hook", "events": ["published"]})
    assert response.status_code == 201
    secret = Endpoint.objects.get().secret
    assert secret in response.content.decode()
    page = client.get("/desk/webhooks/").content.decode()
    assert "https://example.org/hook" in page and secret not in page


def test_a_refused_address_gets_a_400_that_says_why_and_keeps_what_was_typed(client, publisher):
    client.force_login(publisher)
    response = client.post("/desk/webhooks/", {"url": "ftp://example.org/x", "events": ["unpublished"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not an http:// or https:// address" in page
    assert 'value="ftp://example.org/x"' in page
    assert 'value="unpublished" checked' in page


def test_deliveries_are_listed_with_their_last_answer(client, publisher, receiver):
    receiver.status = 500
    register(publisher, receiver.url)
    webhooks.announce(event="published", key="e1", payload={}, now=timezone.now())
    webhooks.deliver_due()
    client.force_login(publisher)
    page = client.get("/desk/webhooks/").content.decode()
    assert "HTTP 500 not now" in page


def test_a_publisher_pauses_and_resumes_an_endpoint(client, publisher):
    endpoint, _ = register(publisher, "https://example.org/hook")
    client.force_login(publisher)
    client.post(f"/desk/webhooks/{endpoint.pk}/active/", {"active": "0"})
    assert not Endpoint.objects.get().active
    client.post(f"/desk/webhooks/{endpoint.pk}/active/", {"active": "1"})
    assert Endpoint.objects.get().active


@pytest.mark.parametrize("persona", ["editor", "reviewer", "outsider"])
def test_only_publishers_manage_webhooks(client, request, persona, publisher):
    endpoint, _ = register(publisher, "https://example.org/hook")
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/desk/webhooks/").status_code == 403
    assert client.post("/desk/webhooks/", {"url": "https://evil.example/", "events": ["published"]}).status_code == 403
    assert client.post(f"/desk/webhooks/{endpoint.pk}/active/", {"active": "0"}).status_code == 403
    assert Endpoint.objects.count() == 1 and Endpoint.objects.get().active


def test_unpublishing_by_hand_is_announced(editor, reviewer, publisher, receiver):
    register(publisher, receiver.url)
    article = approved_article(editor, reviewer)
    publish(article, publisher)
    services.article_unpublish(article_id=article.pk, actor=publisher, reason="Checking a dose")
    assert list(Delivery.objects.order_by("id").values_list("event", flat=True)) == ["published", "unpublished"]


def test_a_live_article_falling_due_for_re_review_is_announced(editor, reviewer, publisher, receiver):
    register(publisher, receiver.url, events=("review_due",))
    article = approved_article(editor, reviewer)
    publish(article, publisher)
    services.article_open_rereview(article_id=article.pk, reason="Re-review due since 2027-01-01")
    [delivery] = Delivery.objects.all()
    assert delivery.event == "review_due"
    assert json.loads(delivery.body)["data"]["article"]["slug"] == article.slug


def test_a_retraction_of_a_source_a_live_article_cites_is_announced(editor, reviewer, publisher, receiver):
    register(publisher, receiver.url, events=("source_notice",))
    reference = reference_create(actor=editor, fields=reference_fields(doi="10.5555/cited"), key="cited2020")
    cited = services.article_create(
        actor=editor,
        slug="cites-a-source",
        topic="Cardiology",
        note="First draft",
        content=services.Content(
            title="Cites a source", body="## Dose\n\nTake 5 mg [@cited2020].", reference_list=("cited2020",)
        ),
    )
    submit(cited, editor)
    claim(cited, reviewer)
    approve(cited, reviewer)
    publish(cited, publisher)
    approved_article(editor, reviewer)  # cites nothing, is not live: no notice for it
    reference_mark_retracted(reference_id=reference.pk, notice="Retraction notice 10.5555/r")
    [delivery] = Delivery.objects.all()
    data = json.loads(delivery.body)["data"]
    assert delivery.event == "source_notice" and data["article"]["slug"] == "cites-a-source"
    assert "retracted" in data["notice"]
