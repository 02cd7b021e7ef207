"""The append-only, hash-chained audit trail: writing events and checking the chain."""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from articles.lifecycle import SYSTEM, decide, situation
from articles.models import (
    GENESIS_HASH,
    TRAIL_KINDS,
    Article,
    AuditChain,
    Event,
    ReviewComment,
    Signature,
    audit_key_age,
)


def clean_ip(raw):
    """A client address as the database stores it, or None when it is not one."""
    try:
        return str(ipaddress.ip_address((raw or "").strip()))
    except ValueError:
        return None


def _append(event, chain):
    """Give `event` its place after the last event of `chain`, hash it and store it.
    The caller holds the lock that serialises writers of that chain."""
    previous_hash, previous_seq = Event.objects.filter(chain=chain).order_by("-seq").values_list(
        "event_hash", "seq"
    ).first() or (GENESIS_HASH, 0)
    event.chain, event.seq, event.previous_hash, event.key_id = (
        chain,
        previous_seq + 1,
        previous_hash,
        settings.AUDIT_KEY_ID,
    )
    event.event_hash = event.compute_hash()
    event.save(force_insert=True)
    return event


def _actor_fields(actor):
    return {
        "actor": actor,
        "actor_name": actor.profile.printed_name if actor else "system",
        "actor_username": actor.get_username() if actor else "",
    }


def record_event(*, article, actor, action, from_state, to_state, now, version=None, comment="", ip=None, details=None):
    """Append one event to the article's chain. The caller holds the article row lock,
    which is what keeps two writers from chaining onto the same previous event."""
    event = _append(
        Event(
            article=article,
            subject_id=str(article.pk),
            **_actor_fields(actor),
            created_at=now,
            action=str(action),
            from_state=str(from_state),
            to_state=str(to_state),
            version=version,
            content_hash=version.content_hash if version else "",
            comment=comment,
            client_ip=clean_ip(ip),
            details=details or {},
        ),
        f"article:{article.pk}",
    )
    # The article's row carries its chain's head, in the same transaction.
    Article.objects.filter(pk=article.pk).update(audit_head_id=event.pk, audit_head_hash=event.event_hash)
    article.audit_head_id, article.audit_head_hash = event.pk, event.event_hash
    return event


def flag_for_attention(article, reason, *, action, actor, now, version, ip=None):
    """Put `reason` on the article's desk page ("needs attention") and record it in the
    article's chain as `action` (a flag row of the lifecycle's rules: the system raises
    it, on behalf of `actor`'s change when there is one), its state unchanged. The caller
    holds the row lock."""
    decision = decide(action, situation(article.state, {SYSTEM}))
    article.attention, article.attention_since = reason[:500], now
    article.save(update_fields=["attention", "attention_since"])
    return record_decision(article, decision, actor, now, version=version, comment=reason, ip=ip)


def record_decision(article, decision, actor, now, *, version, comment="", ip=None, details=None):
    """The event for a lifecycle Decision, on `version`: how every audited write about an
    article that the rules table allowed is recorded. The caller holds the row lock."""
    return record_event(
        article=article,
        actor=actor,
        action=decision.action,
        from_state=decision.from_state,
        to_state=decision.to_state,
        now=now,
        version=version,
        comment=comment,
        ip=ip,
        details=details,
    )


def record_trail_event(*, kind, action, actor, now, subject_id="", comment="", ip=None, details=None):
    """Append one event about something other than an article (an account, a reference,
    a site page, a sign-in) to the chain of its kind, with the chain's head moved in the
    same transaction. `details` holds what changed, e.g. {"old": {...}, "new": {...}}."""
    if kind not in TRAIL_KINDS:
        raise ValueError(f"unknown kind of audit trail: {kind!r}")
    with transaction.atomic():
        AuditChain.objects.bulk_create([AuditChain(name=kind)], ignore_conflicts=True)
        AuditChain.objects.select_for_update().get(name=kind)  # one writer per chain at a time
        event = _append(
            Event(
                subject_id=str(subject_id),
                **_actor_fields(actor),
                created_at=now,
                action=str(action),
                comment=comment,
                client_ip=clean_ip(ip),
                details=details or {},
            ),
            kind,
        )
        AuditChain.objects.filter(name=kind).update(head_id=event.pk, head_hash=event.event_hash)
    return event


LIVE_CHANGES = ("publish", "unpublish")  # the events that change which version readers see


@dataclass
class TrailCount:
    events: int = 0
    articles: int = 0
    chains: int = 0  # chains other than articles'


def _closing_problem(article, last, live=None):
    """What is wrong at the end of one article's chain, or None. `live` is the version
    the chain says readers are served: that of its last publication, unless unpublished."""
    article_id, slug, state, head_id, head_hash, published_version_id = article
    if last is None:
        return f"article {article_id} ({slug}) has no events: its trail was removed"
    if head_id != last.pk or head_hash != last.event_hash:
        return (
            f"article {article_id} ({slug}): its chain head is event {head_id} but its last event is {last.pk}:"
            " events were removed or written behind the application"
        )
    if last.to_state != state:
        return (
            f"article {article_id} ({slug}) is {state} but its last event (event {last.pk}) leaves it"
            f" {last.to_state}: a change of state was not recorded, or its event was removed"
        )
    if published_version_id != live:
        return (
            f"article {article_id} ({slug}) serves version id {published_version_id} but its trail last"
            f" published version id {live}: what readers see was changed behind the application"
        )
    return None


def _link_problem(event, last):
    """What is wrong with `event` given the event before it in its chain, or None."""
    where = f"event {event.pk} ({f'article {event.article_id}' if event.article_id else event.chain})"
    if event.article_id and event.chain != f"article:{event.article_id}":
        return f"{where}: it stands in chain {event.chain!r}, not its article's"
    expected_seq = last.seq + 1 if last else 1
    if event.seq != expected_seq:
        return f"{where}: it is number {event.seq} in its chain where number {expected_seq} belongs: events are missing"
    if event.previous_hash != (last.event_hash if last else GENESIS_HASH):
        return f"{where}: its previous-hash does not match the event before it"
    try:
        digest = event.compute_hash()
    except LookupError as error:
        return f"{where}: {error}"
    if digest != event.event_hash:
        return f"{where}: its content does not match its hash"
    if last is not None and audit_key_age(event.key_id) > audit_key_age(last.key_id):
        # A retired key may have leaked: nothing made with it counts after a newer key was in use.
        return f"{where}: it was made with key {event.key_id!r}, older than the key of the event before it"
    return None


def trail_problems(events, articles, count=None):
    """Walk every article's chain and yield each problem found, as a sentence.

    `events` are ordered by article and place in the chain, `articles` are (id, slug,
    state, head id, head hash) rows ordered by id: both are streamed, so memory stays
    flat however long the trail."""
    count = count if count is not None else TrailCount()
    articles = iter(articles)
    current, last, live = None, None, None
    for event in events:
        while current is None or current[0] < event.article_id:
            if current is not None:
                problem = _closing_problem(current, last, live)
                if problem:
                    yield problem
            current, last, live = next(articles), None, None
            count.articles += 1
        count.events += 1
        problem = _link_problem(event, last)
        if problem:
            yield problem
        if event.action in LIVE_CHANGES:
            live = event.version_id if event.action == "publish" else None
        last = event
    if current is not None:
        problem = _closing_problem(current, last, live)
        if problem:
            yield problem
    for article in articles:
        count.articles += 1
        yield _closing_problem(article, None)


def other_chain_problems(events, heads, count=None):
    """Like trail_problems, for the chains that are not an article's: `events` ordered by
    chain and place, `heads` a {chain name: (head id, head hash)} of every AuditChain row."""
    heads = dict(heads)
    count = count if count is not None else TrailCount()
    chain, last = None, None

    def closing(name, last):
        head = heads.pop(name, None)
        if head is None:
            return f"chain {name!r} has events but no recorded head: its head row was removed"
        if head != (last.pk, last.event_hash):
            return (
                f"chain {name!r}: its head is event {head[0]} but its last event is {last.pk}:"
                " events were removed or written behind the application"
            )
        return None

    for event in events:
        if event.chain != chain:
            if chain is not None and (problem := closing(chain, last)):
                yield problem
            chain, last = event.chain, None
            count.chains += 1
        count.events += 1
        if problem := _link_problem(event, last):
            yield problem
        last = event
    if chain is not None and (problem := closing(chain, last)):
        yield problem
    for name, (head_id, _) in sorted(heads.items()):
        if head_id is not None:
            yield f"chain {name!r} has no events although its head is event {head_id}: its trail was removed"


def public_facts_problem(articles, signatures):
    """What readers are told of a live version's review ("Reviewed by", approved) must be
    what its signatures say. `articles`: (id, slug, approvals required, approved, reviewers)
    of every published article by id; `signatures`: (article id, signer id, printed name,
    conflict declared) of the valid approvals of each one's published version, by article
    id. Both streamed. A conflict declared at signing must be shown beside its signer."""
    signatures = iter(signatures)
    pending = next(signatures, None)
    for article_id, slug, required, approved, reviewers in articles:
        signers, declared = set(), []  # declared: (printed name, conflict) per approval
        while pending is not None and pending[0] <= article_id:
            if pending[0] == article_id:
                signers.add(pending[1])
                declared.append((pending[2], pending[3]))
            pending = next(signatures, None)
        signed = len(signers) >= required
        names = sorted(name for name, _ in declared)
        shown = sorted(reviewer["printed_name"] for reviewer in reviewers) if approved else []
        if bool(approved) != signed or shown != (names if signed else []):
            return (
                f"article {article_id} ({slug}) tells readers it was "
                f"{'approved by ' + ', '.join(shown) if approved else 'not approved'}, but its live version's"
                f" signatures say {'approved by ' + ', '.join(names) if signed else 'not approved'}"
            )
        # Past the check above, `signed` means the page says approved too.
        if signed and sorted(declared) != sorted((r["printed_name"], r.get("conflict", "")) for r in reviewers):
            return f"article {article_id} ({slug}) does not show readers the conflicts of interest its signers declared"
    return None


def unrecorded_signature():
    """The first approval signature with no approval event by its signer on its version."""
    recorded = Event.objects.filter(version_id=OuterRef("version_id"), actor_id=OuterRef("signer_id"), action="approve")
    return Signature.objects.filter(kind=Signature.APPROVAL).exclude(Exists(recorded)).order_by("pk").first()


THREAD_MARKS = ("resolve_thread", "reopen_thread")


def thread_out_of_step():
    """The first review thread marked resolved (or open) otherwise than its last resolve or
    reopen event left it: its state was changed behind the application."""
    marks = (
        Event.objects.annotate(thread=KeyTextTransform("thread", "details"))
        .filter(
            article_id=OuterRef("review_round__article_id"),
            action__in=THREAD_MARKS,
            thread=Cast(OuterRef("pk"), CharField()),
        )
        .order_by("-seq")
    )
    return (
        ReviewComment.objects.filter(thread__isnull=True)
        .annotate(last_mark=Coalesce(Subquery(marks.values("action")[:1]), Value("")))
        .filter(
            Q(resolved_at__isnull=False) & ~Q(last_mark="resolve_thread")
            | Q(resolved_at__isnull=True, last_mark="resolve_thread")
        )
        .order_by("pk")
        .first()
    )
