"""Every write to articles: one function per action.

Each one locks the article row, gathers the facts, asks the lifecycle, saves
inside a django-reversion revision (user and comment set) and writes an event.
Views, admin, commands and tasks all call these; none of them decide who may act.
"""

import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from datetime import timezone as dt_timezone

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts import lockout, two_factor
from accounts.roles import REVIEWER, roles_of
from articles import citing, figuring, notices, reader_reports
from articles.audit import flag_for_attention, record_decision, record_event, record_trail_event
from articles.integrity import verify_version_content
from articles.lifecycle import (
    SYSTEM,
    Action,
    Policy,
    State,
    TransitionNotAllowed,
    decide,
    is_allowed,
    may_edit_site_pages,
    signing_blocker,
    situation,
)
from articles.models import (
    Article,
    ArticleVersion,
    Citation,
    FastTrackRequest,
    ReviewAssignment,
    ReviewComment,
    ReviewRound,
    Schedule,
    Signature,
    SitePage,
    canonical_content,
    content_hash,
    hashed_reference,
    kept_aliases,
    unix_newlines,
)
from core.errors import DomainError
from core.text import sentence
from figures import markup as figure_markup
from public import changes as public_changes
from public import pages
from registry.selectors import signing_standing, specialists_among

log = logging.getLogger(__name__)


class StaleVersion(DomainError):
    """The page was opened on a version that is no longer the working one."""

    default_message = "Someone saved a newer version since you opened this page."


class ForeignImages(TransitionNotAllowed):
    """A body shows images that are not the article's figures (bad input, not a refusal of the person)."""


class ContentMismatch(TransitionNotAllowed):
    """A version's stored content no longer hashes to its recorded hash."""


@dataclass(frozen=True)
class Content:
    """What an editor writes: everything a version holds and its hash covers."""

    title: str
    summary: str = ""
    body: str = ""
    key_points: str = ""
    faq: tuple = ()
    aliases: tuple = ()
    reference_list: tuple = ()  # keys listed for the article, cited or not

    def fields(self):
        return {
            "title": self.title.strip(),
            "summary": self.summary.strip(),
            "body": unix_newlines(self.body),
            "key_points": self.key_points.strip(),
            "faq": [dict(item) for item in self.faq],
            "aliases": kept_aliases(self.aliases),
            "reference_list": list(
                dict.fromkeys(key.strip().lstrip("@") for key in self.reference_list if key.strip())
            ),
        }

    @classmethod
    def of(cls, version):
        return cls(
            title=version.title,
            summary=version.summary,
            body=version.body,
            key_points=version.key_points,
            faq=tuple(version.faq),
            aliases=tuple(version.aliases),
            reference_list=tuple(version.reference_list),
        )


# ---------------------------------------------------------------- helpers


def _lock(article_id, *, skip_locked=False):
    """The article row, locked. With `skip_locked`, None when another transaction holds
    it (and its live version is read with it, as the schedule runner needs both)."""
    rows = Article.objects.select_for_update(of=("self",), skip_locked=skip_locked).select_related("working_version")
    if skip_locked:
        return rows.select_related("published_version").filter(pk=article_id).first()
    return rows.get(pk=article_id)


_UNCHECKED = object()


@dataclass
class Step:
    """One state-changing service at work: the locked article, who acts, and when."""

    article: Article
    actor: object
    now: object

    def decide(self, action, **facts):
        """The lifecycle's Decision on `action`, from the article's facts and the action's own."""
        return decide(action, situation_for(self.article, self.actor, **facts))


@contextmanager
def _transition(article_id, actor, now=None, *, expected_version_id=_UNCHECKED, skip_locked=False):
    """The frame of every state-changing service: `now` defaulted once, one transaction
    and django-reversion revision, the article row locked, and, for a form that says
    which version it was opened on, the stale-form check. Yields the Step; with
    `skip_locked` (scheduled work that must not queue behind a person or another
    worker), yields None instead of waiting when the article's row is held."""
    now = now or timezone.now()
    with transaction.atomic(), reversion.create_revision():
        article = _lock(article_id, skip_locked=skip_locked)
        if article is None:
            yield None
            return
        if expected_version_id is not _UNCHECKED:
            _expect_version(article, expected_version_id)
        yield Step(article, actor, now)


def _open_round(article):
    return ReviewRound.objects.filter(article=article, outcome=ReviewRound.OPEN).first()


def _edited_since_last_approval(article, user):
    """Did `user` save any version of this article since the last one approved?"""
    last_approved = (
        ReviewRound.objects.filter(article=article, outcome=ReviewRound.APPROVED).aggregate(
            number=Max("version__number")
        )["number"]
        or 0
    )
    return article.versions.filter(number__gt=last_approved, created_by=user).exists()


def _valid_approvals(version):
    return (
        Signature.objects.filter(version=version, kind=Signature.APPROVAL, content_hash=version.content_hash)
        .values("signer")
        .distinct()
        .count()
    )


def _on_round(review_round, actor):
    return review_round is not None and review_round.assignments.filter(reviewer=actor).exists()


def _reviewers_pending(review_round, version):
    """Reviewers on the round who have not signed `version` yet: the approvals it can still expect."""
    if review_round is None or version is None:
        return 0
    signers = Signature.objects.filter(version=version, kind=Signature.APPROVAL).values("signer_id")
    return review_round.assignments.exclude(reviewer_id__in=signers).count()


def _signed_by(version, actor):
    return (
        version is not None
        and Signature.objects.filter(version=version, signer=actor, kind=Signature.APPROVAL).exists()
    )


def _reviewer_facts(article, review_round, actor):
    """Where `actor` stands on the review: on its round, editor of the content, signer of it."""
    return {
        "actor_on_round": _on_round(review_round, actor),
        "actor_edited_version": _edited_since_last_approval(article, actor),
        "actor_signed_version": _signed_by(article.working_version, actor),
    }


def _duties():
    """How strictly duties are separated: the lifecycle's facts from the settings."""
    return {
        "fast_track_needs_second_person": settings.FAST_TRACK_NEEDS_SECOND_PERSON,
        "signer_may_publish": settings.SIGNER_MAY_PUBLISH,
    }


def pending_fast_track(article):
    return FastTrackRequest.objects.filter(article=article, status=FastTrackRequest.PENDING).first()


def _fast_track_facts(request, actor):
    return {
        "fast_track_pending": request is not None,
        "actor_requested_fast_track": request is not None and request.requested_by_id == getattr(actor, "pk", None),
    }


def situation_for(article, actor, library=None, **facts):
    """The lifecycle's view of `article` for `actor`; `facts` fill in the action's own.
    `library` is the cited references when the caller has looked them up already."""
    version = article.working_version
    approvals = _valid_approvals(version) if version else 0
    problems = ()
    if version is not None:
        library = citing.library_for(version.body, version.reference_list) if library is None else library
        problems = (*citing.version_integrity(version, library).problems, *figuring.problems(version))
    facts = {**_duties(), **facts}
    return situation(
        article.state,
        roles_of(actor),
        content_problems=problems,
        policy=article.review_policy,
        has_title_and_body=bool(version and version.title.strip() and version.body.strip()),
        approvals_required=article.approvals_required,
        approvals_so_far=approvals,
        approval_matches_content=approvals >= article.approvals_required,
        is_live=article.published_version_id is not None,
        working_is_live=version is not None and article.published_version_id == version.pk,
        **facts,
    )


_LOOK_UP = object()


def situation_for_viewer(article, viewer, library=None, fast_track_request=_LOOK_UP):
    """The facts known before any form is sent: which buttons the page should show.
    `fast_track_request` is the pending fast-track request when the caller has it already."""
    if fast_track_request is _LOOK_UP:
        fast_track_request = pending_fast_track(article)
    review_round = _open_round(article)
    return situation_for(
        article,
        viewer,
        library,
        reviewers_pending=_reviewers_pending(review_round, article.working_version),
        **_reviewer_facts(article, review_round, viewer),
        **_fast_track_facts(fast_track_request, viewer),
        has_pending_schedule=bool(pending_schedules(article)),
    )


def _require_sound_content(version):
    """Re-prove the version's hash from its content; ContentMismatch when it fails."""
    problem = verify_version_content(version)
    if problem:
        raise ContentMismatch(problem)


def _alert_locked(article, mismatch, actor, now, ip=None):
    """Record a refused content check where staff see it: the article's desk page says
    so, and the audit trail keeps an alert event naming who tried what."""
    log.error("article %s: %s", article.pk, mismatch.message)
    flag_for_attention(
        article,
        mismatch.message,
        action=Action.INTEGRITY_ALERT,
        actor=actor,
        now=now,
        version=article.working_version,
        ip=ip,
    )


def _record_content_alert(article_id, mismatch, actor, now, ip=None):
    """After the refused action rolled back: write the alert in its own transaction."""
    with transaction.atomic():
        _alert_locked(_lock(article_id), mismatch, actor, now, ip)


@dataclass(frozen=True)
class SigningProof:
    """What a signer typed beside their signature, as checked before the signing transaction."""

    password_ok: bool
    code_ok: bool

    @property
    def wrong(self):
        """The first credential that failed ("password", "two-factor code"), or None."""
        return "password" if not self.password_ok else None if self.code_ok else "two-factor code"


def _record_failed_signature(article_id, actor, attempt, credential, refusal, now, ip=None):
    """After a signature refused with a wrong password or code rolled back: keep the attempt
    in the article's trail, in its own transaction, naming who tried to sign what."""
    with transaction.atomic():
        article = _lock(article_id)
        state = State(article.state)
        record_event(
            article=article,
            actor=actor,
            action="signature_failed",
            from_state=state,
            to_state=state,
            now=now,
            version=article.working_version,
            ip=ip,
            comment=(
                f"{actor.profile.printed_name} entered a wrong {credential} to sign ({attempt}): nothing was signed"
            ),
            details={"attempt": attempt, "refusal": refusal.message},
        )


def _signing(article_id, actor, attempt, proof, now, ip, sign):
    """Run `sign` (one signing transaction); when it is refused, record what must outlive
    the rollback: a content alert, and a wrong password or code as a failed signature."""
    try:
        return sign()
    except (TransitionNotAllowed, StaleVersion) as refusal:
        if isinstance(refusal, ContentMismatch):
            _record_content_alert(article_id, refusal, actor, now, ip)
        if proof.wrong:
            _record_failed_signature(article_id, actor, attempt, proof.wrong, refusal, now, ip)
            lockout.signing_failed(actor, ip=ip, credential=proof.wrong)  # counts like a failed sign-in
        raise


def _expect_version(article, expected_version_id):
    """A form that does not say which version it was opened on is as stale as one opened
    on an older version: nobody acts on a version they were not shown."""
    if expected_version_id is None or str(article.working_version_id) != str(expected_version_id):
        raise StaleVersion()


def _refresh_public_facts(article):
    """Keep on the article what its public page says of the live version's review."""
    live = article.published_version
    approved, reviewed_at, reviewers = False, None, []
    if live is not None:
        approvals = list(
            Signature.objects.filter(version=live, kind=Signature.APPROVAL, content_hash=live.content_hash)
            .select_related("signer__profile")
            .order_by("signed_at")
        )
        approved = len({signature.signer_id for signature in approvals}) >= article.approvals_required
        if approved:
            reviewed_at = max(signature.signed_at for signature in approvals)
            reviewers = [
                {
                    "name": s.signer.profile.name,
                    "printed_name": s.printed_name,
                    "credentials": s.credentials,
                    "url": s.signer.profile.get_absolute_url(),
                    **({"literature_through": s.literature_through.isoformat()} if s.literature_through else {}),
                    "conflict": s.conflict_interests,  # the conflict declared at signing, if any
                }
                for s in approvals
            ]
    article.public_approved, article.public_reviewed_at, article.public_reviewers = approved, reviewed_at, reviewers


def _public_page_changed(article):
    """What readers see of the article changes: store the live version's pages now if
    it has none (its signed content re-proved first), and write the follow-ups (cached
    pages dropped, static export rewritten or removed) to the outbox."""
    live = article.published_version
    if live is not None and not pages.current_pages(live.pk).exists():
        public_changes.store_version_pages(live, article=article)
    public_changes.record(article)


def _move(article, decision, actor, now, *, comment="", ip=None, version=None, details=None):
    """Apply a decision: new state, saved in a revision, with its event."""
    if article.published_version_id or decision.action == Action.UNPUBLISH:
        _refresh_public_facts(article)
        _public_page_changed(article)  # the page, or its review status, changes
    article.state = decision.to_state
    if decision.to_state != decision.from_state:
        article.state_changed_at = now
    article.save()
    reversion.set_user(actor)
    reversion.set_comment(f"{decision.action.label}: {comment}" if comment else decision.action.label)
    return _record_decision(article, decision, actor, now, comment=comment, ip=ip, version=version, details=details)


def _record_decision(article, decision, actor, now, *, comment, ip=None, version=None, details=None):
    """The event for a decision, on `version` (else the working version)."""
    version = version or article.working_version
    return record_decision(article, decision, actor, now, version=version, comment=comment, ip=ip, details=details)


def _hash_of(fields, snapshots, figures=()):
    return content_hash(
        canonical_content(**fields, references=[hashed_reference(s) for s in snapshots], figures=figures)
    )


def _resolved(article_id, fields):
    """(reference snapshots, figure snapshots) of content about to be saved. Refuses a
    body showing images that are not the article's figures: nothing would show them."""
    foreign = figure_markup.foreign_images(fields["body"])
    if foreign:
        raise ForeignImages(" ".join(foreign))
    snapshots, _ = citing.resolve(fields["body"], fields["reference_list"])
    figures, _ = figuring.resolve(article_id, fields["body"])
    return snapshots, figures


def _new_version(article, actor, content, note, now, based_on=None):
    """A new immutable version with its references and figures resolved and frozen into it."""
    fields = content.fields()
    snapshots, figures = _resolved(article.pk, fields)
    number = (article.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = ArticleVersion.objects.create(
        article=article,
        number=number,
        note=note,
        based_on=based_on,
        created_by=actor,
        created_at=now,
        references=snapshots,
        figures=figures,
        content_hash=_hash_of(fields, snapshots, figures),
        **fields,
    )
    Citation.objects.bulk_create(
        Citation(version=version, reference_id=item["id"], number=number)
        for number, item in enumerate(snapshots, start=1)
    )
    return version


def _require_note(note):
    if not note or not note.strip():
        raise TransitionNotAllowed("Every save needs a short change note.")
    return note.strip()


# ---------------------------------------------------------------- editors


def article_create(*, actor, slug, topic, content, note, ip=None, now=None):
    """Create an article and its first version. Refuses anyone who is not an editor."""
    now = now or timezone.now()
    decide(Action.EDIT, situation(State.DRAFT, roles_of(actor)))
    note = _require_note(note)
    with transaction.atomic(), reversion.create_revision():
        article = Article.objects.create(slug=slug, topic=topic, created_by=actor, created_at=now, state_changed_at=now)
        version = _new_version(article, actor, content, note, now)
        article.working_version = version
        article.save()
        reversion.set_user(actor)
        reversion.set_comment(f"Created: {note}")
        record_event(
            article=article,
            actor=actor,
            action="create",
            from_state="",
            to_state=State.DRAFT,
            now=now,
            version=version,
            comment=note,
            ip=ip,
        )
    return article


def article_save_version(*, article_id, actor, base_version_id, content, note, ip=None, now=None, based_on=None):
    """Save edited content as a new version (the article returns to Draft).

    Refuses a stale form (another version was saved since `base_version_id`), an
    unchanged text, and anyone the lifecycle does not let edit. An open review
    round is closed as superseded: its approvals do not carry over.
    """
    note = _require_note(note)
    with _transition(article_id, actor, now, expected_version_id=base_version_id) as step:
        article, now = step.article, step.now
        decision = step.decide(Action.EDIT)
        fields = content.fields()
        if _hash_of(fields, *_resolved(article.pk, fields)) == article.working_version.content_hash:
            raise TransitionNotAllowed("Nothing changed, so no new version was saved.")
        version = _new_version(article, actor, content, note, now, based_on=based_on or article.working_version)
        reader_reports.link_correction(article, version)  # an accepted report waits for this version
        ReviewRound.objects.filter(article=article, outcome=ReviewRound.OPEN).update(
            outcome=ReviewRound.SUPERSEDED, closed_at=now
        )
        _cancel_publication_schedule(article, actor, now, version, ip=ip)
        article.working_version = version
        article.attention, article.attention_since = "", None  # the new version carries any update
        _move(article, decision, actor, now, comment=note, ip=ip, version=version)
    return version


def article_restore_version(*, article_id, actor, version_id, base_version_id, ip=None, now=None):
    """Make an old version's content the working draft again, as a new version."""
    old = ArticleVersion.objects.get(pk=version_id, article_id=article_id)
    return article_save_version(
        article_id=article_id,
        actor=actor,
        base_version_id=base_version_id,
        content=Content.of(old),
        note=f"Restored version {old.number}",
        ip=ip,
        now=now,
        based_on=old,
    )


def article_submit(*, article_id, actor, expected_version_id, ip=None, now=None):
    """Submit the working version for review: opens a new review round."""
    with _transition(article_id, actor, now, expected_version_id=expected_version_id) as step:
        article, now = step.article, step.now
        decision = step.decide(Action.SUBMIT)
        number = (article.rounds.aggregate(top=Max("number"))["top"] or 0) + 1
        ReviewRound.objects.create(
            article=article, version=article.working_version, number=number, opened_by=actor, opened_at=now
        )
        event = _move(article, decision, actor, now, ip=ip)
        notices.submitted(article, event, actor)
    return article


# ---------------------------------------------------------------- reviewers


def article_claim(*, article_id, actor, ip=None, now=None):
    """A reviewer takes a submitted article into review."""
    with _transition(article_id, actor, now) as step:
        article, now = step.article, step.now
        decision = step.decide(Action.CLAIM, actor_edited_version=_edited_since_last_approval(article, actor))
        review_round = _open_round(article)
        ReviewAssignment.objects.get_or_create(
            review_round=review_round,
            reviewer=actor,
            defaults={"assigned_by": actor, "assigned_at": now, "due_at": review_round.due_at},
        )
        _move(article, decision, actor, now, comment="claimed", ip=ip)
    return article


def article_join(*, article_id, actor, ip=None, now=None):
    """A board member joins a review round that needs more approvals than the reviewers on
    it can give ("2 approvals required", one reviewer so far), and can then sign.

    Refuses anyone not on the board, an article not under review, someone already on the
    round or who already approved this content, someone who edited it, a round with a
    reviewer for every approval it still needs, and a member the reviewer registry would
    not let sign (credentials, declaration of interests, the article's specialty)."""
    with _transition(article_id, actor, now) as step:
        article, now = step.article, step.now
        version, review_round = article.working_version, _open_round(article)
        _, registry_facts = _signer_facts(article, version, actor, None, now)
        decision = step.decide(
            Action.JOIN,
            reviewers_pending=_reviewers_pending(review_round, version),
            **_reviewer_facts(article, review_round, actor),
            **registry_facts,
        )
        ReviewAssignment.objects.create(
            review_round=review_round, reviewer=actor, assigned_by=actor, assigned_at=now, due_at=review_round.due_at
        )
        approvals = _valid_approvals(version)
        _move(
            article,
            decision,
            actor,
            now,
            comment=f"joined the review ({approvals} of {article.approvals_required} approvals)",
            ip=ip,
        )
    return article


def article_assign(*, article_id, actor, reviewer_id, due_at=None, ip=None, now=None):
    """A publisher assigns a reviewer (and a due date) to the open round."""
    reviewer = get_user_model().objects.filter(pk=reviewer_id, is_active=True).first()
    with _transition(article_id, actor, now) as step:
        article, now = step.article, step.now
        decision = step.decide(
            Action.ASSIGN,
            assignee_is_reviewer=reviewer is not None and REVIEWER in roles_of(reviewer),
            assignee_edited_version=reviewer is not None and _edited_since_last_approval(article, reviewer),
        )
        review_round = _open_round(article)
        assignment, created = ReviewAssignment.objects.get_or_create(
            review_round=review_round,
            reviewer=reviewer,
            defaults={"assigned_by": actor, "assigned_at": now, "due_at": due_at},
        )
        if not created and due_at:
            assignment.due_at = due_at
            assignment.save(update_fields=["due_at"])
        if due_at and (review_round.due_at is None or due_at < review_round.due_at):
            review_round.due_at = due_at
            review_round.save(update_fields=["due_at"])
        due_text = f", due {due_at:%Y-%m-%d}" if due_at else ""
        event = _move(
            article, decision, actor, now, comment=f"assigned {reviewer.profile.printed_name}{due_text}", ip=ip
        )
        notices.assigned(article, event, actor, reviewer, due_at)
    return assignment


def article_comment(*, article_id, actor, body, section="", ip=None, now=None):
    """A review comment (general, or about one section heading) on the current round: it
    opens a thread."""
    body = _comment_text(body, missing="Write a comment first.")
    with _transition(article_id, actor, now) as step:
        article, now = step.article, step.now
        decision = step.decide(Action.COMMENT)
        review_round = _open_round(article) or article.rounds.order_by("-number").first()
        comment = ReviewComment.objects.create(
            review_round=review_round, author=actor, section=section.strip()[:300], body=body, created_at=now
        )
        event = _move(article, decision, actor, now, comment=body[:500], ip=ip)
        notices.commented(article, event, actor, body)
    return comment


# ---------------------------------------------------------------- review threads


def _locked_thread(article, thread_id):
    """The opening comment of one of the article's threads, locked; refused when there is none."""
    thread = (
        ReviewComment.objects.select_for_update(of=("self",))
        .select_related("author__profile")
        .filter(pk=thread_id, review_round__article=article, thread__isnull=True)
        .first()
    )
    if thread is None:
        raise TransitionNotAllowed("There is no such review thread on this article.")
    return thread


def _thread_facts(thread, actor):
    return {
        "thread_status": "resolved" if thread.is_resolved else "open",
        "actor_wrote_thread": thread.author_id == actor.pk,
    }


COMMENT_LIMIT = ReviewComment._meta.get_field("body").max_length


def _comment_text(text, missing=None):
    """A comment as stored: trimmed; refused when `missing` says it is needed and there is
    none, or when it is longer than a comment holds."""
    text = (text or "").strip()
    if missing and not text:
        raise TransitionNotAllowed(missing)
    if len(text) > COMMENT_LIMIT:
        raise TransitionNotAllowed(f"A comment has at most {COMMENT_LIMIT:,} characters; this one has {len(text):,}.")
    return text


def _excerpt(text, length=80):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def article_reply(*, article_id, actor, thread_id, body, ip=None, now=None):
    """Answer a review thread (editors and reviewers). Refuses an empty answer, a thread
    of another article and a resolved thread (reopen it first)."""
    body = _comment_text(body, missing="Write an answer first.")
    with _transition(article_id, actor, now) as step:
        article, now = step.article, step.now
        thread = _locked_thread(article, thread_id)
        decision = step.decide(Action.REPLY, **_thread_facts(thread, actor))
        reply = ReviewComment.objects.create(
            review_round_id=thread.review_round_id, author=actor, thread=thread, body=body, created_at=now
        )
        event = _record_decision(
            article, decision, actor, now, comment=body[:500], ip=ip, details={"thread": thread.pk, "reply": reply.pk}
        )
        notices.answered(article, event, actor, thread, body)
    return reply


def _mark_thread(action, article_id, actor, thread_id, ip, now):
    with _transition(article_id, actor, now) as step:
        article, now = step.article, step.now
        thread = _locked_thread(article, thread_id)
        decision = step.decide(action, **_thread_facts(thread, actor))
        resolving = action == Action.RESOLVE_THREAD
        thread.resolved_at, thread.resolved_by = (now, actor) if resolving else (None, None)
        thread.save(update_fields=["resolved_at", "resolved_by"])
        verb = "resolved" if resolving else "reopened"
        comment = f"{verb} the thread of {thread.author.profile.printed_name}: “{_excerpt(thread.body)}”"
        _record_decision(article, decision, actor, now, comment=comment, ip=ip, details={"thread": thread.pk})
    return thread


def article_resolve_thread(*, article_id, actor, thread_id, ip=None, now=None):
    """Mark a review thread resolved: an editor, or the reviewer who opened it. Refuses
    anyone else and a thread resolved already."""
    return _mark_thread(Action.RESOLVE_THREAD, article_id, actor, thread_id, ip, now)


def article_reopen_thread(*, article_id, actor, thread_id, ip=None, now=None):
    """Reopen a resolved review thread: an editor, or the reviewer who opened it."""
    return _mark_thread(Action.REOPEN_THREAD, article_id, actor, thread_id, ip, now)


def article_request_changes(*, article_id, actor, body, expected_version_id, section="", ip=None, now=None):
    """Send the version back to the editors with a comment saying what to change."""
    body = (body or "").strip()
    with _transition(article_id, actor, now, expected_version_id=expected_version_id) as step:
        article, now = step.article, step.now
        review_round = _open_round(article)
        decision = step.decide(
            Action.REQUEST_CHANGES, actor_on_round=_on_round(review_round, actor), has_reason=bool(body)
        )
        ReviewComment.objects.create(
            review_round=review_round,
            author=actor,
            section=section.strip()[:300],
            body=body,
            requests_changes=True,
            created_at=now,
        )
        review_round.outcome, review_round.closed_at = ReviewRound.CHANGES_REQUESTED, now
        review_round.save(update_fields=["outcome", "closed_at"])
        event = _move(article, decision, actor, now, comment=body[:500], ip=ip)
        notices.changes_requested(article, event, actor, body)
    return article


def article_approve(
    *,
    article_id,
    actor,
    password,
    expected_hash,
    code="",
    literature_through=None,
    conflict=None,
    conflict_interests="",
    comment="",
    ip=None,
    now=None,
):
    """Sign an approval of the exact content shown (`expected_hash`), stating a conflict
    of interest for this article or none (`conflict`: Signature.NO_CONFLICT, or
    Signature.CONFLICT_DECLARED with `conflict_interests` saying what it is), and the
    month the literature was checked through (`literature_through`, optional).

    Refuses a signer whose login name or address is locked, a wrong password or two-factor
    code (each counted like a failed sign-in: accounts/lockout.py; two_factor.MalformedCode,
    before anything is checked, for one that is no code), a reviewer who edited this round's
    content, a second signature by the same person, a page opened on content that has
    changed, and content that no longer matches its recorded hash (with an alert event);
    and, from the reviewer registry, a signer without a verified current licence or
    certification or with an overdue declaration of interests, a missing conflict
    statement, a declared conflict where the article forbids one, and a last signature
    that leaves the article's required specialty without a signer.
    The article becomes Approved once `approvals_required` distinct reviewers signed.
    A `comment` goes with the signature: it opens a review thread and reaches the editors.
    """
    now = now or timezone.now()
    remark = _comment_text(comment)  # before the password and code are checked (and a code spent)
    password_ok = lockout.signing_password_ok(actor, password, ip=ip)
    proof = SigningProof(password_ok, two_factor.signing_code_ok(actor, code, password_ok=password_ok))
    statement = _conflict_statement(conflict, conflict_interests)
    return _signing(
        article_id,
        actor,
        "approval",
        proof,
        now,
        ip,
        lambda: _approve(article_id, actor, proof, expected_hash, statement, ip, now, literature_through, remark),
    )


def _conflict_statement(conflict, interests):
    """(conflict, interests) as the signature keeps them, or None when nothing valid was stated."""
    interests = (interests or "").strip()[:2000]
    if conflict == Signature.NO_CONFLICT:
        return Signature.NO_CONFLICT, ""
    if conflict == Signature.CONFLICT_DECLARED and interests:
        return Signature.CONFLICT_DECLARED, interests
    return None


def _signer_facts(article, version, actor, statement, now):
    """The registry's side of a signature: the signer's standing (credentials verified
    and current, yearly declaration filed), what they state about conflicts, and what the
    article asks of its signers. Returns (standing, lifecycle facts)."""
    standing = signing_standing(actor, now)
    needed, specialty_needed = article.required_specialty, ""
    if needed is not None:
        signers = Signature.objects.filter(
            version=version, kind=Signature.APPROVAL, content_hash=version.content_hash
        ).values("signer_id")
        specialty_needed = "" if specialists_among(signers, needed.pk) else needed.name
    due = standing.declaration_due_since
    return standing, {
        "signer_credentials": standing.credentials,
        "signer_credentials_detail": standing.credentials_detail,
        "signer_declaration_current": due is None,
        "signer_declaration_due_since": f"{due:%-d %B %Y}" if due else "",
        "conflict_stated": statement is not None,
        "conflict_declared": statement is not None and statement[0] == Signature.CONFLICT_DECLARED,
        "conflicts_forbidden": article.conflicts_forbidden,
        "specialty_needed": specialty_needed,
        "actor_has_specialty": needed is not None and needed.pk in standing.specialty_ids,
    }


def approval_blocker(article, actor, now=None):
    """Why the registry would refuse `actor`'s signature on `article` now, or None."""
    _, facts = _signer_facts(article, article.working_version, actor, None, now or timezone.now())
    return signing_blocker(situation_for(article, actor, **facts))


def _approve(article_id, actor, proof, expected_hash, statement, ip, now, literature_through=None, remark=""):
    with _transition(article_id, actor, now) as step:
        article = step.article
        version = article.working_version
        if version.content_hash != expected_hash:
            raise StaleVersion("The content changed since you opened it; review the current version before signing.")
        _require_sound_content(version)
        review_round = _open_round(article)
        standing, registry_facts = _signer_facts(article, version, actor, statement, now)
        decision = step.decide(
            Action.APPROVE,
            **_reviewer_facts(article, review_round, actor),
            password_ok=proof.password_ok,
            code_ok=proof.code_ok,
            **registry_facts,
        )
        conflict, interests = statement
        profile = actor.profile
        signature = Signature.objects.create(
            kind=Signature.APPROVAL,
            review_round=review_round,
            version=version,
            signer=actor,
            signer_username=actor.get_username(),
            printed_name=profile.printed_name,
            credentials=profile.credentials,
            meaning=Signature.APPROVAL_MEANING,
            content_hash=version.content_hash,
            signed_at=now,
            literature_through=_literature_month(literature_through, now),
            conflict=conflict,
            conflict_interests=interests,
            credentials_at_signing=standing.snapshot(),
        )
        if decision.to_state != State.UNDER_REVIEW:
            review_round.outcome, review_round.closed_at = ReviewRound.APPROVED, now
            review_round.save(update_fields=["outcome", "closed_at"])
        remarked = {}
        if remark:
            thread = ReviewComment.objects.create(
                review_round=review_round, author=actor, body=remark, with_approval=True, created_at=now
            )
            remarked = {"thread": thread.pk, "comment": remark[:500]}
        stated = f"conflict of interest declared: {interests}" if interests else "no conflict of interest"
        event = _move(
            article,
            decision,
            actor,
            now,
            comment=f"signed: {Signature.APPROVAL_MEANING}; {stated}",
            ip=ip,
            details={
                "conflict": conflict,
                "conflict_interests": interests,
                "credentials": signature.credentials_at_signing,
                **remarked,
            },
        )
        if decision.to_state != State.UNDER_REVIEW:
            notices.approved(article, event, actor, remark)
        elif remark:
            notices.signed_with_comment(article, event, actor, remark)
    return signature


def _literature_month(value, now):
    """The first day of the month the signer says the literature was checked through;
    a month still to come is refused."""
    if value is None:
        return None
    month = value.replace(day=1)
    if month > now.date():
        raise TransitionNotAllowed("The literature cannot be reviewed through a month still to come.")
    return month


# ---------------------------------------------------------------- publishers


def _public_note(article, version, public_note):
    """The public change note for publishing `version`: the one given, else the one kept
    on it. Refused blank when another version is live: its readers are owed what changed."""
    note = (version.public_note if public_note is None else public_note).strip()[:500]
    if not note and article.published_version_id not in (None, version.pk):
        raise TransitionNotAllowed("Write the public change note: readers of the live version see what changed.")
    return note


def _publish_locked(article, actor, now, ip=None, comment="", public_note=None):
    _require_sound_content(article.working_version)
    decision = decide(
        Action.PUBLISH, situation_for(article, actor, actor_signed_version=_signed_by(article.working_version, actor))
    )
    version = article.working_version
    dated = {"public_note": _public_note(article, version, public_note)}
    if version.first_published_at is None:
        dated["first_published_at"] = now
    ArticleVersion.objects.filter(pk=version.pk).update(**dated)  # outside the signed content
    for name, value in dated.items():
        setattr(version, name, value)
    # One UPDATE swaps what readers see: the old version stays live until this commits.
    article.published_version = article.working_version
    article.published_at = now
    _close_pending(article, Schedule.PUBLISH, Schedule.DONE, "Published by hand before the scheduled time.", now, actor)
    event = _move(article, decision, actor, now, comment=comment, ip=ip)
    notices.published(article, event, actor)
    return event


def article_publish(*, article_id, actor, expected_version_id, public_note=None, ip=None, now=None):
    """Publish the working version. Refused unless its content matches enough valid
    approvals, or the article is on review-after-publication and in review; refused to
    whoever signed an approval of it; refused (with an alert event) when its stored
    content no longer matches its recorded hash."""
    now = now or timezone.now()
    try:
        with _transition(article_id, actor, now, expected_version_id=expected_version_id) as step:
            article = step.article
            _publish_locked(article, actor, now, ip=ip, public_note=public_note)
    except ContentMismatch as mismatch:
        _record_content_alert(article_id, mismatch, actor, now, ip)
        raise
    return article


def _unpublish_locked(article, actor, reason, now, ip=None):
    decision = decide(Action.UNPUBLISH, situation_for(article, actor, has_reason=bool(reason)))
    live = article.published_version
    article.published_version = None
    article.published_at = None
    _close_pending(
        article, Schedule.UNPUBLISH, Schedule.DONE, "Unpublished by hand before the scheduled time.", now, actor
    )
    event = _move(article, decision, actor, now, comment=reason, ip=ip, version=live)
    notices.unpublished(article, event, actor)
    return event


def article_unpublish(*, article_id, actor, reason, ip=None, now=None):
    """Take the article off the public site, with a reason. A draft in progress stays."""
    reason = (reason or "").strip()
    with _transition(article_id, actor, now) as step:
        article = step.article
        _unpublish_locked(article, actor, reason, step.now, ip=ip)
    return article


# ---------------------------------------------------------------- schedules


def pending_schedules(article):
    """The article's pending schedules, due first: prefetched by the desk selector, else one query."""
    prefetched = getattr(article, "pending_schedules", None)
    if prefetched is not None:
        return prefetched
    return list(Schedule.objects.filter(article=article, outcome=Schedule.PENDING).select_related("version"))


def utc_text(moment):
    return f"{moment.astimezone(dt_timezone.utc):%Y-%m-%d %H:%M} UTC"


def _what(schedule):
    return "publication" if schedule.is_publication else "unpublication"


def _require_future(moment, now):
    if moment is None or moment <= now:
        raise TransitionNotAllowed("Choose a time in the future.")
    return moment.astimezone(dt_timezone.utc)


def _close(schedule, outcome, note, now, actor=None):
    schedule.outcome, schedule.outcome_note, schedule.closed_at, schedule.closed_by = outcome, note[:500], now, actor
    schedule.save(update_fields=["outcome", "outcome_note", "closed_at", "closed_by"])


def _close_pending(article, kind, outcome, note, now, actor=None):
    """Close the article's pending schedule of `kind`, if any; returns it (or None)."""
    schedule = (
        Schedule.objects.select_for_update()
        .select_related("version", "created_by")
        .filter(article=article, kind=kind, outcome=Schedule.PENDING)
        .first()
    )
    if schedule is not None:
        _close(schedule, outcome, note, now, actor)
    return schedule


def _schedule_event(article, actor, action, now, schedule, comment, ip=None):
    """An audit event about a schedule: the article's state does not change."""
    state = State(article.state)
    return record_event(
        article=article,
        actor=actor,
        action=action,
        from_state=state,
        to_state=state,
        now=now,
        version=schedule.version,
        comment=comment[:2000],
        ip=ip,
    )


def _cancel_publication_schedule(article, actor, now, new_version, ip=None):
    """Saving a new version voids a scheduled publication: the schedule belongs to the old one."""
    note = f"Version {new_version.number} was saved after this one was scheduled."
    schedule = _close_pending(article, Schedule.PUBLISH, Schedule.CANCELLED, note, now, actor)
    if schedule is None:
        return
    comment = f"publication of version {schedule.version.number} due {utc_text(schedule.due_at)} cancelled: {note}"
    event = _schedule_event(article, actor, Action.CANCEL_SCHEDULE, now, schedule, comment, ip=ip)
    notices.schedule_closed(article, schedule, event, actor)


def _pin(article, kind, actor, now, *, version, due_at, reason=""):
    """A new pending schedule pinned to `version` and its hash, replacing a pending one of the same kind."""
    _close_pending(article, kind, Schedule.CANCELLED, "Replaced by a new schedule.", now, actor)
    return Schedule.objects.create(
        article=article,
        kind=kind,
        version=version,
        content_hash=version.content_hash,
        due_at=due_at,
        reason=reason,
        created_by=actor,
        created_at=now,
    )


def article_schedule(*, article_id, actor, expected_version_id, publish_at, public_note=None, ip=None, now=None):
    """Schedule the publication of the working version, pinned to it and its content hash.

    Refuses a time that is not in the future, a page opened on an older version, and
    anything the lifecycle refuses (only an approved version is scheduled). A pending
    publication schedule is replaced. At the due time `publish_due_articles` checks again.
    """
    now = now or timezone.now()
    publish_at = _require_future(publish_at, now)
    with _transition(article_id, actor, now, expected_version_id=expected_version_id) as step:
        article = step.article
        step.decide(Action.SCHEDULE, actor_signed_version=_signed_by(article.working_version, actor))
        version = article.working_version
        note = _public_note(article, version, public_note)
        if note != version.public_note:
            ArticleVersion.objects.filter(pk=version.pk).update(public_note=note)
        schedule = _pin(article, Schedule.PUBLISH, actor, now, version=version, due_at=publish_at)
        _schedule_event(
            article,
            actor,
            Action.SCHEDULE,
            now,
            schedule,
            f"publication of version {version.number} scheduled for {utc_text(publish_at)}",
            ip=ip,
        )
    return schedule


def article_schedule_unpublish(*, article_id, actor, unpublish_at, reason, ip=None, now=None):
    """Schedule taking the live version off the public site (an expiry), with a reason.

    Pinned to the live version: if another version goes live meanwhile, nothing is
    unpublished at the due time. Refuses a time not in the future, a missing reason,
    an article that is not live and anyone the lifecycle does not let unpublish.
    """
    now = now or timezone.now()
    unpublish_at = _require_future(unpublish_at, now)
    reason = (reason or "").strip()
    with _transition(article_id, actor, now) as step:
        article = step.article
        step.decide(Action.SCHEDULE_UNPUBLISH, has_reason=bool(reason))
        live = article.published_version
        schedule = _pin(article, Schedule.UNPUBLISH, actor, now, version=live, due_at=unpublish_at, reason=reason[:500])
        _schedule_event(
            article,
            actor,
            Action.SCHEDULE_UNPUBLISH,
            now,
            schedule,
            f"unpublication of version {live.number} scheduled for {utc_text(unpublish_at)}: {reason}",
            ip=ip,
        )
    return schedule


def article_cancel_schedule(*, article_id, actor, schedule_id, ip=None, now=None):
    """A publisher cancels a pending schedule; the publisher who set it is told.
    Refuses anyone who is not a publisher and a schedule that is no longer pending."""
    with _transition(article_id, actor, now) as step:
        article, now = step.article, step.now
        schedule = (
            Schedule.objects.select_for_update()
            .select_related("version", "created_by")
            .filter(pk=schedule_id, article=article, outcome=Schedule.PENDING)
            .first()
        )
        step.decide(Action.CANCEL_SCHEDULE, has_pending_schedule=schedule is not None)
        _close(schedule, Schedule.CANCELLED, sentence(f"Cancelled by {actor.profile.printed_name}"), now, actor)
        comment = f"{_what(schedule)} of version {schedule.version.number} due {utc_text(schedule.due_at)} cancelled"
        event = _schedule_event(article, actor, Action.CANCEL_SCHEDULE, now, schedule, comment, ip=ip)
        notices.schedule_closed(article, schedule, event, actor)
    return schedule


@dataclass(frozen=True)
class ScheduleRun:
    """What one due schedule came to: done, or refused with the reason."""

    schedule_id: int
    article_id: int
    kind: str
    outcome: str
    note: str = ""


def publish_due_articles(*, now=None):
    """Carry out every schedule whose time has come, as the publisher who set it, and
    return what each came to.

    A publication goes ahead only if its version is still the working one, still has
    the pinned hash and its approvals still match it; an unpublication only if its
    version is still the live one. Otherwise nothing changes on the site: the schedule
    is closed as refused, the reason recorded as an event and the publisher told.
    Safe to run twice at once or again: each schedule is claimed under the article's
    row lock and acts only while pending.
    """
    now = now or timezone.now()
    due = (
        Schedule.objects.filter(outcome=Schedule.PENDING, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", "article_id")
    )
    runs = (_run_schedule(schedule_id, article_id, now) for schedule_id, article_id in list(due))
    return [run for run in runs if run is not None]


def _run_schedule(schedule_id, article_id, now):
    # The article row first, as every service locks it, then its schedule. An article
    # another worker (or a person) holds is skipped: the next run picks it up.
    with _transition(article_id, None, now, skip_locked=True) as step:
        if step is None:
            return None
        article = step.article
        schedule = (
            Schedule.objects.select_for_update()
            .select_related("version", "created_by")
            .filter(pk=schedule_id, outcome=Schedule.PENDING)
            .first()
        )
        if schedule is None:
            return None  # carried out by another worker, or cancelled meanwhile
        try:
            with transaction.atomic():  # a savepoint: a refusal leaves no half-done publication behind
                event = _carry_out(article, schedule, now)
        except TransitionNotAllowed as refusal:
            article.refresh_from_db()
            problem = verify_version_content(schedule.version)
            if problem:
                _alert_locked(article, ContentMismatch(problem), schedule.created_by, now)
            return _refuse(article, schedule, refusal.message, now)
        notices.schedule_closed(article, schedule, event)
    return ScheduleRun(schedule.pk, article.pk, schedule.kind, Schedule.DONE)


def _pinned_situation(article, schedule):
    """The lifecycle's view of a due schedule: is what it was pinned to still true?"""
    version = schedule.version
    rehashed = content_hash(version.canonical_content())  # re-proved from the content, not read from the row
    situation = situation_for(
        article,
        None,
        pinned_is_working=article.working_version_id == version.pk,
        pinned_is_live=article.published_version_id == version.pk,
        pinned_hash_matches=rehashed == schedule.content_hash == version.content_hash,
    )
    return replace(situation, roles=frozenset({SYSTEM}))


def _carry_out(article, schedule, now):
    number = schedule.version.number
    if schedule.is_publication:
        decide(Action.PUBLISH_DUE, _pinned_situation(article, schedule))
        _close(schedule, Schedule.DONE, f"Version {number} published at the scheduled time.", now)
        return _publish_locked(article, schedule.created_by, now, comment=f"scheduled publication of version {number}")
    decide(Action.UNPUBLISH_DUE, _pinned_situation(article, schedule))
    _close(schedule, Schedule.DONE, f"Version {number} unpublished at the scheduled time.", now)
    return _unpublish_locked(article, schedule.created_by, schedule.reason, now)


def _refuse(article, schedule, reason, now):
    _close(schedule, Schedule.REFUSED, reason, now)
    comment = f"scheduled {_what(schedule)} of version {schedule.version.number} not carried out: {reason}"
    event = _schedule_event(article, None, "schedule_refused", now, schedule, comment)
    notices.schedule_closed(article, schedule, event)
    return ScheduleRun(schedule.pk, article.pk, schedule.kind, Schedule.REFUSED, reason)


_UNCHANGED = object()


def article_set_policy(
    *,
    article_id,
    actor,
    review_policy,
    approvals_required,
    rereview_months,
    reason="",
    required_specialty=_UNCHANGED,
    conflicts_forbidden=_UNCHANGED,
    ip=None,
    now=None,
):
    """A publisher sets the review policy, quorum and re-review interval, and what the
    article asks of its signers: a specialty among them (a Specialty, or None), and
    whether any may declare a conflict of interest (left as they are when not given).

    Review after publication (fast-track) is not switched on here: choosing it asks
    for the switch, with `reason`, and another person must confirm it
    (`article_confirm_fast_track`). Going back to review before publication takes
    one publisher. Refuses anyone but a publisher, and a fast-track request without
    a reason or while one is already waiting (nothing is saved then)."""
    with _transition(article_id, actor, now) as step:
        article, now = step.article, step.now
        decision = step.decide(Action.SET_POLICY)
        old = _policy_of(article)
        asks_fast_track = review_policy == Policy.AFTER and article.review_policy != Policy.AFTER
        signers = _signer_requirements(article, required_specialty, conflicts_forbidden)
        changed = (
            article.review_policy != review_policy
            and not asks_fast_track
            or (article.approvals_required, article.rereview_months) != (approvals_required, rereview_months)
            or signers != (article.required_specialty_id, article.conflicts_forbidden)
        )
        if asks_fast_track:
            _request_fast_track_locked(article, actor, reason, now, ip)
        if changed:
            if not asks_fast_track:
                article.review_policy = review_policy
            article.approvals_required, article.rereview_months = approvals_required, rereview_months
            article.required_specialty_id, article.conflicts_forbidden = signers
            comment = (
                f"policy {article.review_policy}, {approvals_required} approval(s), "
                f"re-review every {rereview_months} months"
                + (f", a {article.required_specialty.name} signer required" if article.required_specialty_id else "")
                + (", no signer may declare a conflict" if article.conflicts_forbidden else "")
            )
            _move(
                article, decision, actor, now, comment=comment, ip=ip, details={"old": old, "new": _policy_of(article)}
            )
    return article


def _signer_requirements(article, required_specialty, conflicts_forbidden):
    """(required specialty id, conflicts forbidden) as asked, the article's own where not."""
    specialty_id = (
        article.required_specialty_id
        if required_specialty is _UNCHANGED
        else getattr(required_specialty, "pk", required_specialty)
    )
    forbidden = article.conflicts_forbidden if conflicts_forbidden is _UNCHANGED else bool(conflicts_forbidden)
    return specialty_id, forbidden


def _policy_of(article):
    return {
        "review_policy": article.review_policy,
        "approvals_required": article.approvals_required,
        "rereview_months": article.rereview_months,
        # What the article asks of its signers, when it asks anything.
        **({"required_specialty": article.required_specialty.name} if article.required_specialty_id else {}),
        **({"conflicts_forbidden": True} if article.conflicts_forbidden else {}),
    }


def _request_fast_track_locked(article, actor, reason, now, ip):
    reason = (reason or "").strip()
    pending = pending_fast_track(article)
    decision = decide(
        Action.REQUEST_FAST_TRACK,
        situation_for(
            article,
            actor,
            has_reason=bool(reason),
            **_fast_track_facts(pending, actor),
        ),
    )
    request = FastTrackRequest.objects.create(
        article=article, requested_by=actor, requested_at=now, reason=reason[:500]
    )
    _record_decision(
        article, decision, actor, now, comment=f"asked for review after publication: {reason[:500]}", ip=ip
    )
    return request


def article_request_fast_track(*, article_id, actor, reason, ip=None, now=None):
    """A publisher asks, with a reason, to switch the article to review after
    publication. Nothing changes until someone else confirms."""
    with _transition(article_id, actor, now) as step:
        return _request_fast_track_locked(step.article, actor, reason, step.now, ip)


def _decide_fast_track(action, step, request_id, **facts):
    """Lock the article's pending request, check the form was opened on that request,
    and ask the lifecycle. Returns (article, request, decision)."""
    article, actor = step.article, step.actor
    pending = (
        FastTrackRequest.objects.select_for_update().filter(article=article, status=FastTrackRequest.PENDING).first()
    )
    if (pending.pk if pending else None) != request_id:
        raise StaleVersion("This fast-track request was withdrawn or decided since you opened the page.")
    decision = step.decide(action, **_fast_track_facts(pending, actor), **facts)
    return article, pending, decision


def _close_fast_track(request, status, actor, now, note="", signed_name=""):
    request.status, request.decided_by, request.decided_at = status, actor, now
    request.decision_note, request.signed_name = note[:500], signed_name
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "signed_name"])


def article_confirm_fast_track(*, article_id, actor, request_id, password, code="", ip=None, now=None):
    """Another publisher or a board member confirms a pending fast-track request with
    their password and a two-factor code: the article is then reviewed after publication.
    Refuses the person who asked, a locked signer, a wrong password or code (counted like a
    failed sign-in; a malformed code before anything is checked) and a request no longer
    pending."""
    now = now or timezone.now()
    password_ok = lockout.signing_password_ok(actor, password, ip=ip)
    proof = SigningProof(password_ok, two_factor.signing_code_ok(actor, code, password_ok=password_ok))
    return _signing(
        article_id,
        actor,
        "confirmation of review after publication",
        proof,
        now,
        ip,
        lambda: _confirm_fast_track(article_id, actor, request_id, proof, ip, now),
    )


def _confirm_fast_track(article_id, actor, request_id, proof, ip, now):
    with _transition(article_id, actor, now) as step:
        article, request, decision = _decide_fast_track(
            Action.CONFIRM_FAST_TRACK,
            step,
            request_id,
            password_ok=proof.password_ok,
            code_ok=proof.code_ok,
        )
        profile = actor.profile
        _close_fast_track(
            request,
            FastTrackRequest.CONFIRMED,
            actor,
            now,
            note=FastTrackRequest.CONFIRM_MEANING,
            signed_name=profile.printed_name,
        )
        article.review_policy = Policy.AFTER
        if article.published_version_id:
            _refresh_public_facts(article)
            _public_page_changed(article)
        article.save()
        reversion.set_user(actor)
        reversion.set_comment("Review after publication confirmed")
        asker = request.requested_by.profile.printed_name
        _record_decision(
            article,
            decision,
            actor,
            now,
            comment=f"signed: {FastTrackRequest.CONFIRM_MEANING} (asked by {asker}: {request.reason})",
            ip=ip,
        )
    return request


def article_withdraw_fast_track(*, article_id, actor, request_id, ip=None, now=None):
    """The publisher who asked for fast-track withdraws the request."""
    with _transition(article_id, actor, now) as step:
        now = step.now
        article, request, decision = _decide_fast_track(Action.WITHDRAW_FAST_TRACK, step, request_id)
        _close_fast_track(request, FastTrackRequest.WITHDRAWN, actor, now)
        _record_decision(
            article, decision, actor, now, comment="withdrew the request for review after publication", ip=ip
        )
    return request


def article_decline_fast_track(*, article_id, actor, request_id, note="", ip=None, now=None):
    """Someone who may confirm a fast-track request declines it instead (not the asker)."""
    note = (note or "").strip()
    with _transition(article_id, actor, now) as step:
        now = step.now
        article, request, decision = _decide_fast_track(Action.DECLINE_FAST_TRACK, step, request_id)
        _close_fast_track(request, FastTrackRequest.DECLINED, actor, now, note=note)
        _record_decision(
            article,
            decision,
            actor,
            now,
            comment="declined review after publication" + (f": {note[:500]}" if note else ""),
            ip=ip,
        )
    return request


# ---------------------------------------------------------------- references


def flag_articles_citing(reference, reason, now, *, actor, notify=False, include_published=False):
    """Flag the articles whose working (and, if asked, published) version cites
    `reference`, with an event on each naming `actor` (the person whose change it was;
    None only for scheduled work such as the retraction watch); e-mail their editors
    after commit if asked. Returns the flagged article ids."""

    citing_versions = Q(working_version__citations__reference=reference)
    if include_published:
        citing_versions |= Q(published_version__citations__reference=reference)
    article_ids = list(Article.objects.filter(citing_versions).values_list("pk", flat=True).distinct())
    for article in Article.objects.select_for_update().filter(pk__in=article_ids).order_by("pk"):
        flag_for_attention(article, reason, action=Action.FLAG, actor=actor, now=now, version=article.working_version)
    if notify and article_ids:
        notices.reference_flagged(article_ids, reason, now, event_key=f"ref{reference.pk}:{now.isoformat()}")
    return article_ids


def article_open_rereview(*, article_id, reason, now=None, due_days=None):
    """The re-review interval has passed (or a cited source was retracted): flag the
    article and, when the live version is also the working one, open a new review round
    on it (it stays live meanwhile), assigned to the reviewers who signed it and due in
    `due_days` (REREVIEW_DUE_DAYS by default). Returns the new round, or None when only
    the flag was set."""

    due_days = settings.REREVIEW_DUE_DAYS if due_days is None else due_days
    with _transition(article_id, None, now) as step:
        article, now = step.article, step.now
        situation = replace(situation_for(article, None), roles=frozenset({SYSTEM}))
        if article.attention == reason[:500] and not is_allowed(Action.REREVIEW, situation):
            return None  # flagged by an earlier sweep already
        if not is_allowed(Action.REREVIEW, situation) or article.working_version_id != article.published_version_id:
            event = flag_for_attention(
                article, reason, action=Action.FLAG, actor=None, now=now, version=article.working_version
            )
            notices.review_due(article, event)
            return None
        article.attention, article.attention_since = reason[:500], now
        decision = decide(Action.REREVIEW, situation)
        number = (article.rounds.aggregate(top=Max("number"))["top"] or 0) + 1
        review_round = ReviewRound.objects.create(
            article=article,
            version=article.working_version,
            number=number,
            opened_by=article.working_version.created_by,
            opened_at=now,
            due_at=now + timedelta(days=due_days),
        )
        signers = _assign_signers(review_round, article.published_version, now)
        names = ", ".join(signer.profile.printed_name for signer in signers) or "nobody (no signer is on the board)"
        comment = f"{reason}; assigned {names}, due {review_round.due_at:%Y-%m-%d}"
        event = _move(article, decision, None, now, comment=comment)
        notices.review_due(article, event)
        for signer in signers:
            notices.assigned(article, event, None, signer, review_round.due_at)
    return review_round


def _assign_signers(review_round, version, now):
    """Assign the round to the board members who signed `version` and still serve, due
    with the round; the round is the system's, so each assignment names the editor who
    opened it, like the round itself. Returns the reviewers assigned."""
    signers = [
        signature.signer
        for signature in Signature.objects.filter(version=version, kind=Signature.APPROVAL)
        .select_related("signer__profile")
        .order_by("signed_at")
        if signature.signer.is_active and REVIEWER in roles_of(signature.signer)
    ]
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            review_round=review_round,
            reviewer=signer,
            assigned_by=review_round.opened_by,
            assigned_at=now,
            due_at=review_round.due_at,
        )
        for signer in signers
    )
    return signers


def source_notice_reached(notice, now, *, actor=None):
    """A notice on a cited source (references' on_source_notice): every live page citing
    it is rendered again with the notice beside the reference (its signed content is
    untouched and re-proved first), the signers and editors are told, and a retraction
    or withdrawal opens a review round on the live version."""

    article_ids = list(
        Article.objects.filter(published_version__citations__reference_id=notice.reference_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    what = f"{notice.get_kind_display()} ({notice.identifier})"
    reason = f"A cited source, @{notice.reference.key}, was marked: {what}."
    for article in Article.objects.select_for_update(of=("self",)).filter(pk__in=article_ids).order_by("pk"):
        live = ArticleVersion.objects.select_related("article").get(pk=article.published_version_id)
        public_changes.store_version_pages(live, article=article, now=now)
        public_changes.record(article, now)
        notices.source_notice(
            article, live, reason, now, key=f"notice{notice.pk}", reopens_review=notice.reopens_review
        )
    if notice.reopens_review:
        for article_id in article_ids:
            days = settings.NOTICE_REVIEW_DUE_DAYS
            article_open_rereview(article_id=article_id, reason=reason, now=now, due_days=days)
    return article_ids


def _page_text(page):
    return {
        "title": page.title,
        "body": page.body,
        "body_sha256": hashlib.sha256(page.body.encode("utf-8")).hexdigest(),
    }


def site_page_update(*, actor, key, title, body, ip=None, now=None):
    """A publisher edits a site page such as the editorial policy. The trail's "site"
    chain keeps the old and new title and body (text and SHA-256) of each change; a
    save that changes nothing writes no event. Refuses anyone but a publisher."""

    if not may_edit_site_pages(roles_of(actor)):
        raise TransitionNotAllowed("Only publishers can edit the site's pages.")
    now = now or timezone.now()
    with transaction.atomic(), reversion.create_revision():
        page = SitePage.objects.select_for_update().get(key=key)
        old = _page_text(page)
        page.title, page.body, page.updated_at, page.updated_by = title.strip(), body, now, actor
        page.save()
        reversion.set_user(actor)
        reversion.set_comment(f"Edited {page.title}")
        new = _page_text(page)
        if new != old:
            record_trail_event(
                kind="site",
                action="edit_page",
                actor=actor,
                now=now,
                subject_id=key,
                ip=ip,
                comment=f"Edited {page.title}",
                details={"old": old, "new": new},
            )
    return page
