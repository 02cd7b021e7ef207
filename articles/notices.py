"""Who is told about each transition, and what. Called by the services inside
their transaction: the rows commit (or roll back) with the change itself."""

from django.conf import settings
from django.urls import reverse

from accounts.roles import EDITOR, PUBLISHER, REVIEWER, active_members
from articles.models import Article
from notifications.services import notify
from webhooks.services import announce


def _people_in(role, exclude=None):
    return list(active_members(role).exclude(pk=getattr(exclude, "pk", None)))


def _editors_of(article, exclude=None):
    """The editors who submitted the current round or saved the working version."""
    people = {article.working_version.created_by}
    latest = article.rounds.order_by("-number").select_related("opened_by").first()
    if latest:
        people.add(latest.opened_by)
    return [person for person in people if person != exclude]


def _reviewers_on(article):
    latest = article.rounds.order_by("-number").first()
    if latest is None:
        return []
    return [assignment.reviewer for assignment in latest.assignments.select_related("reviewer")]


def _title(article):
    return article.working_version.title


def _name(actor):
    """How a person is named in a notification; None for the system (each kind says what then)."""
    return actor.profile.printed_name if actor else None


def _send(kind, recipients, article, event, **facts):
    """Tell `recipients` of `event` on `article`, in the words of `kind` (the article's
    working title is among the facts)."""
    url = reverse("articles:article", args=[article.pk])
    notify(
        kind=kind,
        recipients=recipients,
        article=article,
        facts={"title": _title(article), **facts},
        url=url,
        key=f"{kind}:event{event.pk}",
        now=event.created_at,
    )


def submitted(article, event, actor):
    assigned = _reviewers_on(article)
    recipients = assigned or _people_in(REVIEWER, exclude=actor)
    _send(
        "submitted",
        recipients,
        article,
        event,
        actor=_name(actor),
        version=article.working_version.number,
    )


def assigned(article, event, actor, reviewer, due_at):
    """`actor` None: the system opened the round (re-review, a retracted source)."""
    _send("assigned", [reviewer], article, event, actor=_name(actor), due_at=due_at)


def changes_requested(article, event, actor, body):
    _send(
        "changes_requested",
        _editors_of(article, exclude=actor),
        article,
        event,
        actor=_name(actor),
        body=body,
    )


def approved(article, event, actor, remark=""):
    recipients = _editors_of(article, exclude=actor) + _people_in(PUBLISHER, exclude=actor)
    _send(
        "approved",
        recipients,
        article,
        event,
        actor=_name(actor),
        version=article.working_version.number,
        remark=remark,
    )


def signed_with_comment(article, event, actor, remark):
    """An approval that the article's quorum still waits on, signed with a comment: the
    editors read the comment now, not when the last signature comes."""
    _send(
        "comment",
        _editors_of(article, exclude=actor),
        article,
        event,
        what="signed",
        actor=_name(actor),
        version=article.working_version.number,
        body=remark,
    )


def _public_facts(article, version):
    return {
        "article": {
            "id": article.pk,
            "slug": article.slug,
            "topic": article.topic,
            "title": version.title,
            "version": version.number,
            "content_hash": version.content_hash,
            "url": settings.SITE_URL.rstrip("/") + article.get_public_url(),
        }
    }


def _announce(kind, article, event, version):
    """Tell other systems (webhooks), in the same transaction: what they get is public facts only."""
    announce(event=kind, key=f"{kind}:event{event.pk}", now=event.created_at, payload=_public_facts(article, version))


def review_due(article, event):
    """A live article's re-review interval has passed (`event` flagged it or reopened review)."""
    if article.published_version_id:
        _announce("review_due", article, event, article.published_version)


def published(article, event, actor):
    _announce("published", article, event, article.published_version)
    _send(
        "published",
        _editors_of(article, exclude=actor),
        article,
        event,
        actor=_name(actor),
        version=article.published_version.number,
    )


def commented(article, event, actor, body):
    recipients = [p for p in _editors_of(article) + _reviewers_on(article) if p != actor]
    _send(
        "comment",
        recipients,
        article,
        event,
        actor=_name(actor),
        body=body,
    )


def answered(article, event, actor, thread, body):
    """An answer in a review thread: the thread's people and the editors hear of it."""
    people = [thread.author, *(reply.author for reply in thread.replies.select_related("author"))]
    recipients = [p for p in dict.fromkeys([*people, *_editors_of(article)]) if p != actor]
    _send(
        "comment",
        recipients,
        article,
        event,
        what="answer",
        actor=_name(actor),
        thread_author=thread.author.profile.printed_name,
        section=thread.section,
        body=body,
    )


def reference_flagged(article_ids, reason, now, event_key):

    for article in Article.objects.filter(pk__in=article_ids).select_related("working_version", "published_version"):
        if article.published_version_id:  # other systems hear of notices on what readers can see
            announce(
                event="source_notice",
                key=f"source_notice:{event_key}:{article.pk}",
                now=now,
                payload={
                    **_public_facts(article, article.published_version),
                    "notice": reason,
                },
            )
        notify(
            kind="reference_flag",
            recipients=_editors_of(article) or _people_in(EDITOR),
            article=article,
            facts={"title": _title(article), "reason": reason, "on_live_page": False},
            url=reverse("articles:article", args=[article.pk]),
            key=f"reference_flag:{event_key}:{article.pk}",
            now=now,
        )


def source_notice(article, live, reason, now, key, *, reopens_review):
    """A notice on a source the live version cites: its signers are told, and for a
    correction or expression of concern the editors too (and other systems). A retraction
    or withdrawal reached the editors and webhooks already as a flagged reference."""
    signers = [
        signature.signer
        for signature in live.signatures.select_related("signer").order_by("signed_at")
        if signature.signer.is_active
    ]
    recipients = signers
    if not reopens_review:
        recipients = list(dict.fromkeys([*signers, *(_editors_of(article) or _people_in(EDITOR))]))
        announce(
            event="source_notice",
            key=f"source_notice:{key}:{article.pk}",
            now=now,
            payload={**_public_facts(article, live), "notice": reason},
        )
    notify(
        kind="reference_flag",
        recipients=recipients,
        article=article,
        facts={"title": _title(article), "reason": reason, "on_live_page": True},
        url=reverse("articles:article", args=[article.pk]),
        key=f"source_notice:{key}:{article.pk}",
        now=now,
    )


def unpublished(article, event, actor):
    """An article left the public site (`event` is its unpublication)."""
    _announce("unpublished", article, event, event.version)


def schedule_closed(article, schedule, event, actor=None):
    """Tell the publisher who set a schedule what became of it (unless they closed it themselves)."""
    if actor is not None and actor.pk == schedule.created_by_id:
        return
    notify(
        kind="schedule",
        recipients=[schedule.created_by],
        article=article,
        facts={
            "title": _title(article),
            "what": "publication" if schedule.kind == "publish" else "unpublication",
            "outcome": schedule.outcome,
            "version": schedule.version.number,
            "due_at": schedule.due_at,
            "note": schedule.outcome_note,
        },
        url=reverse("articles:article", args=[article.pk]),
        key=f"schedule{schedule.pk}:{schedule.outcome}",
        now=event.created_at,
    )
