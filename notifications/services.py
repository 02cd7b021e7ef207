"""Writing and delivering notifications.

`notify()` writes outbox rows inside the caller's transaction and asks, after commit,
for a delivery task. Delivery claims rows with a locked conditional update, so two
workers (or a retried task) never send the same e-mail twice. When the broker is down
the rows wait, and the periodic `deliver_pending` sweep sends them once it is back.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from notifications import wording
from notifications.models import DIGEST, EMAIL, IN_APP, KIND_LABELS, Notification, NotificationPreference

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
STALE_CLAIM = timedelta(minutes=15)
INITIAL_STATE = {EMAIL: Notification.PENDING, IN_APP: Notification.SKIPPED, DIGEST: Notification.DIGEST_PENDING}


BATCH = 2000


@dataclass(frozen=True)
class Outgoing:
    """One notification to write: `key` is unique per recipient. `facts` fill the kind's
    templates (notifications.wording); items that share one facts dictionary are worded once."""

    key: str
    kind: str
    recipient_id: int
    facts: dict
    url: str = ""
    article_id: int = None


def existing_keys(keys):
    """The keys among `keys` already written: one query per batch."""
    keys, found = list(keys), set()
    for start in range(0, len(keys), BATCH):
        found.update(Notification.objects.filter(key__in=keys[start : start + BATCH]).values_list("key", flat=True))
    return found


def write(outgoing, now):
    """Write notifications in bulk, skipping keys already written, and queue delivery
    after commit. A fixed number of queries per batch; returns how many were new."""

    outgoing = list({item.key: item for item in outgoing}.values())
    already = existing_keys(item.key for item in outgoing)
    fresh = [item for item in outgoing if item.key not in already]
    if not fresh:
        return 0
    user_ids = {item.recipient_id for item in fresh}
    users = dict(get_user_model().objects.filter(pk__in=user_ids, is_active=True).values_list("pk", "email"))
    modes = {
        (user_id, kind): mode
        for user_id, kind, mode in NotificationPreference.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "kind", "mode"
        )
    }
    worded = {}
    for item in fresh:
        if (item.kind, id(item.facts)) not in worded:
            worded[item.kind, id(item.facts)] = wording.render(item.kind, item.facts)
    rows = [
        Notification(
            key=item.key[:200],
            recipient_id=item.recipient_id,
            kind=item.kind,
            article_id=item.article_id,
            subject=worded[item.kind, id(item.facts)].subject[:300],
            message=worded[item.kind, id(item.facts)].text,
            html=worded[item.kind, id(item.facts)].html,
            url=item.url,
            created_at=now,
            email_state=INITIAL_STATE[modes.get((item.recipient_id, item.kind), EMAIL)]
            if users[item.recipient_id]
            else Notification.SKIPPED,
        )
        for item in fresh
        if item.recipient_id in users
    ]
    for start in range(0, len(rows), BATCH):
        # ignore_conflicts: a concurrent sweep that wrote the same key wins, once.
        Notification.objects.bulk_create(rows[start : start + BATCH], ignore_conflicts=True)
    transaction.on_commit(queue_delivery)
    return len(rows)


def notify(*, kind, recipients, facts, key, now, article=None, url=""):
    """Tell each recipient once, in the words of `kind`'s templates filled with `facts`:
    the row key is `key` plus the recipient."""
    return write(
        [
            Outgoing(
                key=f"{key}:{user.pk}",
                kind=kind,
                recipient_id=user.pk,
                facts=facts,
                url=url,
                article_id=article.pk if article else None,
            )
            for user in recipients
            if user
        ],
        now,
    )


def queue_delivery():
    """Ask a worker to deliver now. A broker that is down is not an error here: the
    rows are committed and the periodic sweep will deliver them."""
    from notifications.tasks import deliver_pending  # noqa: PLC0415 - tasks import these services: deferred Celery

    try:
        deliver_pending.delay()
    except Exception as error:  # kombu raises several kinds when the broker is unreachable
        log.warning("notification delivery not queued (%s); the sweep will deliver it", error)


def _claim(filter_q, now, limit):
    """Lock and mark up to `limit` rows as being sent; returns their ids."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(filter_q)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        Notification.objects.filter(id__in=ids).update(
            email_state=Notification.SENDING, email_claimed_at=now, email_attempts=F("email_attempts") + 1
        )
    return ids


def _email(subject, template_context, recipient):
    text = render_to_string("emails/notification-body.txt", template_context)
    html = render_to_string("emails/notification-body.html", template_context)
    email = EmailMultiAlternatives(subject=f"[Imprimatur] {subject}", body=text, to=[recipient.email])
    email.attach_alternative(html, "text/html")
    email.send()


def deliver_pending(*, now=None, limit=200):
    """Send the e-mails of pending notifications (and of claims abandoned by a worker
    that died). Returns how many were sent."""
    now = now or timezone.now()
    due = Q(email_state=Notification.PENDING) | Q(
        email_state=Notification.SENDING, email_claimed_at__lt=now - STALE_CLAIM
    )
    sent = 0
    for notification in Notification.objects.filter(id__in=_claim(due, now, limit)).select_related(
        "recipient", "article"
    ):
        try:
            _email(
                notification.subject,
                {
                    "notification": notification,
                    "site_url": settings.SITE_URL,
                    "kind_label": KIND_LABELS.get(notification.kind, ""),
                },
                notification.recipient,
            )
        except Exception as error:  # SMTP and template errors alike: keep the row, record why
            state = Notification.FAILED if notification.email_attempts >= MAX_ATTEMPTS else Notification.PENDING
            Notification.objects.filter(pk=notification.pk).update(email_state=state, email_error=str(error)[:500])
            log.warning("notification %s not sent: %s", notification.pk, error)
            continue
        Notification.objects.filter(pk=notification.pk, email_state=Notification.SENDING).update(
            email_state=Notification.SENT, email_sent_at=timezone.now(), email_error=""
        )
        sent += 1
    return sent


def send_digests(*, now=None):
    """One e-mail per user gathering their digest notifications; returns how many were sent."""
    now = now or timezone.now()
    claimed = _claim(Q(email_state=Notification.DIGEST_PENDING), now, 10_000)
    by_user = {}
    for notification in Notification.objects.filter(id__in=claimed).select_related("recipient").order_by("created_at"):
        by_user.setdefault(notification.recipient, []).append(notification)
    for user, items in by_user.items():
        context = {"items": items, "site_url": settings.SITE_URL, "user": user}
        text = render_to_string("emails/digest-body.txt", context)
        html = render_to_string("emails/digest-body.html", context)
        email = EmailMultiAlternatives(f"[Imprimatur] Your daily digest: {len(items)} update(s)", text, to=[user.email])
        email.attach_alternative(html, "text/html")
        try:
            email.send()
        except Exception as error:
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                email_state=Notification.DIGEST_PENDING, email_error=str(error)[:500]
            )
            continue
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(
            email_state=Notification.SENT, email_sent_at=now
        )
    return len(by_user)


def mark_read(*, user, notification_ids=None, now=None):
    """Mark the user's notifications (all, or the given ones) read; returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=now or timezone.now())


def set_preferences(*, user, modes):
    """Save the user's choice per kind: {kind: mode}."""
    for kind, mode in modes.items():
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"mode": mode})
