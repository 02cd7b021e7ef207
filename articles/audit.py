"""The append-only, hash-chained audit trail: writing events and checking the chain."""

import ipaddress

from articles.models import GENESIS_HASH, Event


def clean_ip(raw):
    """A client address as the database stores it, or None when it is not one."""
    try:
        return str(ipaddress.ip_address((raw or "").strip()))
    except ValueError:
        return None


def record_event(*, article, actor, action, from_state, to_state, now, version=None, comment="", ip=None):
    """Append one event to the article's chain. The caller holds the article row lock,
    which is what keeps two writers from chaining onto the same previous event."""
    previous = (
        Event.objects.filter(article_id=article.pk).order_by("-id").values_list("event_hash", flat=True).first()
    )
    event = Event(
        article=article,
        actor=actor,
        actor_name=actor.profile.printed_name if actor else "system",
        created_at=now,
        action=str(action),
        from_state=str(from_state),
        to_state=str(to_state),
        version=version,
        content_hash=version.content_hash if version else "",
        comment=comment,
        client_ip=clean_ip(ip),
        previous_hash=previous or GENESIS_HASH,
    )
    event.event_hash = event.compute_hash()
    event.save(force_insert=True)
    return event


def first_broken_link(events):
    """Walk events (ordered by article, then id) and describe the first break, or None."""
    expected_previous = {}
    for event in events:
        previous = expected_previous.get(event.article_id, GENESIS_HASH)
        if event.previous_hash != previous:
            return f"event {event.pk} (article {event.article_id}): its previous-hash does not match the event before it"
        if event.compute_hash() != event.event_hash:
            return f"event {event.pk} (article {event.article_id}): its content does not match its hash"
        expected_previous[event.article_id] = event.event_hash
    return None
