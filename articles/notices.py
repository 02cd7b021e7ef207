"""Who is told about each transition, and what. Called by the services inside
their transaction: the rows commit (or roll back) with the change itself."""

from datetime import timezone

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


def _send(kind, recipients, article, event, subject, message):
    url = reverse("articles:article", args=[article.pk])
    notify(
        kind=kind,
        recipients=recipients,
        article=article,
        subject=subject,
        message=message,
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
        f"Submitted for review: {_title(article)}",
        f"{actor.profile.printed_name} submitted version {article.working_version.number} for medical review.",
    )


def assigned(article, event, actor, reviewer, due_at):
    """`actor` None: the system opened the round (re-review, a retracted source)."""
    due = f" It is due {due_at:%Y-%m-%d}." if due_at else ""
    who = actor.profile.printed_name if actor else "Imprimatur"
    _send(
        "assigned",
        [reviewer],
        article,
        event,
        f"Review assigned to you: {_title(article)}",
        f"{who} asked you to review “{_title(article)}”.{due}",
    )


def changes_requested(article, event, actor, body):
    _send(
        "changes_requested",
        _editors_of(article, exclude=actor),
        article,
        event,
        f"Changes requested: {_title(article)}",
        f"{actor.profile.printed_name} asked for changes:\n\n{body}",
    )


def _remark(actor, remark):
    """What a signer wrote beside their signature, quoted for the mail."""
    return f"\n\n{actor.profile.printed_name} wrote:\n\n{remark}" if remark else ""


def approved(article, event, actor, remark=""):
    recipients = _editors_of(article, exclude=actor) + _people_in(PUBLISHER, exclude=actor)
    _send(
        "approved",
        recipients,
        article,
        event,
        f"Approved: {_title(article)}",
        f"Version {article.working_version.number} has the approvals it needs "
        f"(last signed by {actor.profile.printed_name}).{_remark(actor, remark)}",
    )


def signed_with_comment(article, event, actor, remark):
    """An approval that the article's quorum still waits on, signed with a comment: the
    editors read the comment now, not when the last signature comes."""
    _send(
        "comment",
        _editors_of(article, exclude=actor),
        article,
        event,
        f"Approval signed with a comment: {_title(article)}",
        f"{actor.profile.printed_name} signed an approval of version {article.working_version.number}; "
        f"it needs more approvals before it can be published.{_remark(actor, remark)}",
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
    who = actor.profile.printed_name if actor else "The schedule"
    _send(
        "published",
        _editors_of(article, exclude=actor),
        article,
        event,
        f"Published: {_title(article)}",
        f"{who} published version {article.published_version.number}.",
    )


def commented(article, event, actor, body):
    recipients = [p for p in _editors_of(article) + _reviewers_on(article) if p != actor]
    _send(
        "comment",
        recipients,
        article,
        event,
        f"New review comment: {_title(article)}",
        f"{actor.profile.printed_name} wrote:\n\n{body}",
    )


def answered(article, event, actor, thread, body):
    """An answer in a review thread: the thread's people and the editors hear of it."""
    people = [thread.author, *(reply.author for reply in thread.replies.select_related("author"))]
    recipients = [p for p in dict.fromkeys([*people, *_editors_of(article)]) if p != actor]
    section = f" on “{thread.section}”" if thread.section else ""
    _send(
        "comment",
        recipients,
        article,
        event,
        f"Answer to a review comment: {_title(article)}",
        f"{actor.profile.printed_name} answered {thread.author.profile.printed_name}'s comment{section}:\n\n{body}",
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
            subject=f"Needs review: {_title(article)}",
            message=reason,
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
        subject=f"Notice on a cited source: {_title(article)}",
        message=f"{reason} Readers see the notice beside the reference on the live page.",
        url=reverse("articles:article", args=[article.pk]),
        key=f"source_notice:{key}:{article.pk}",
        now=now,
    )


SCHEDULE_SUBJECTS = {
    "done": "Scheduled {what} done",
    "refused": "Scheduled {what} not carried out",
    "cancelled": "Scheduled {what} cancelled",
}


def unpublished(article, event, actor):
    """An article left the public site (`event` is its unpublication)."""
    _announce("unpublished", article, event, event.version)


def schedule_closed(article, schedule, event, actor=None):
    """Tell the publisher who set a schedule what became of it (unless they closed it themselves)."""
    if actor is not None and actor.pk == schedule.created_by_id:
        return
    what = "publication" if schedule.kind == "publish" else "unpublication"
    subject = SCHEDULE_SUBJECTS[schedule.outcome].format(what=what)
    due = schedule.due_at.astimezone(timezone.utc)
    notify(
        kind="schedule",
        recipients=[schedule.created_by],
        article=article,
        subject=f"{subject}: {_title(article)}",
        message=f"The {what} of version {schedule.version.number} set for {due:%Y-%m-%d %H:%M} UTC: "
        f"{schedule.outcome_note}",
        url=reverse("articles:article", args=[article.pk]),
        key=f"schedule{schedule.pk}:{schedule.outcome}",
        now=event.created_at,
    )
