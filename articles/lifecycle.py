"""The review lifecycle: states, actions, who may act, and the guards.

Pure: no ORM, no I/O, no clock. Services gather the facts into a `Situation`,
ask `decide()` (or `require()`), and act on the `Decision`. Templates ask
`available_actions()` which buttons to show. A new transition starts as a new
row in `RULES`.
"""

from dataclasses import dataclass, field, replace
from enum import StrEnum
from math import inf

from core.errors import TransitionNotAllowed as TransitionNotAllowed
from core.roles import EDITOR, PUBLISHER, REVIEWER
from core.roles import may_clear_retraction as may_clear_retraction
from core.roles import may_manage_library as may_manage_library
from core.roles import may_use_desk as may_use_desk

SYSTEM = "System"  # scheduled work (re-review cadence), never a person


# Labels that read better than the value's words ("Only a publisher can cancel a schedule.").
_LABELS = {
    "schedule_unpublish": "Schedule an unpublication",
    "cancel_schedule": "Cancel a schedule",
    "publish_due": "Publish as scheduled",
    "unpublish_due": "Unpublish as scheduled",
    "set_policy": "Set the review policy",
    "reply": "Answer a review comment",
    "resolve_thread": "Resolve a review thread",
    "reopen_thread": "Reopen a review thread",
    "reader_report": "Take a reader's report",
    "report_accepted": "Accept a reader's report",
    "report_declined": "Decline a reader's report",
}


class _Labelled(StrEnum):
    @property
    def label(self):
        return _LABELS.get(self.value) or self.value.replace("_", " ").capitalize()


class State(_Labelled):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"


class Action(_Labelled):
    EDIT = "edit"
    SUBMIT = "submit"
    CLAIM = "claim"
    JOIN = "join"  # a board member joins a round that needs more signatures than its reviewers can give
    ASSIGN = "assign"
    COMMENT = "comment"
    # A review comment is a thread: people answer it, and it is resolved (or reopened).
    REPLY = "reply"
    RESOLVE_THREAD = "resolve_thread"
    REOPEN_THREAD = "reopen_thread"
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    UNPUBLISH = "unpublish"
    SCHEDULE_UNPUBLISH = "schedule_unpublish"
    CANCEL_SCHEDULE = "cancel_schedule"
    PUBLISH_DUE = "publish_due"
    UNPUBLISH_DUE = "unpublish_due"
    REREVIEW = "rereview"
    # Switching an article to review after publication takes two people: one asks, another confirms.
    REQUEST_FAST_TRACK = "request_fast_track"
    CONFIRM_FAST_TRACK = "confirm_fast_track"
    WITHDRAW_FAST_TRACK = "withdraw_fast_track"
    DECLINE_FAST_TRACK = "decline_fast_track"
    # The quorum and the re-review interval (and going back to review before publication).
    SET_POLICY = "set_policy"
    # Flags the system raises on an article's desk page, for a change or a check: state kept.
    FLAG = "flag"  # a cited reference changed or was retracted; the re-review fell due
    INTEGRITY_ALERT = "integrity_alert"  # stored content no longer matches its hash
    WITHHOLD = "withhold"  # the public page was withheld
    # A reader's error report on the live page, taken by the system, and the editors'
    # answer to it: entries in the article's trail, state kept.
    READER_REPORT = "reader_report"
    REPORT_ACCEPTED = "report_accepted"
    REPORT_DECLINED = "report_declined"


class Policy(StrEnum):
    """When the Medical Advisory Board reviews an article: before it is published, or
    after (fast-track: published first, reviewed while live)."""

    BEFORE = "before"
    AFTER = "after"

    @property
    def label(self):
        return {"before": "Review before publication", "after": "Review after publication (fast-track)"}[self.value]


IN_REVIEW = frozenset({State.SUBMITTED, State.UNDER_REVIEW})


@dataclass(frozen=True)
class Situation:
    """The facts one decision needs. None has a default: build one with situation() (the
    services' situation_for() does), which starts every fact at the value that refuses,
    so a fact nobody gathered closes its guard instead of opening it."""

    state: State
    roles: frozenset
    policy: str
    has_title_and_body: bool
    content_problems: tuple  # e.g. unknown citation keys, retracted references
    actor_edited_version: bool  # the actor saved a version in this round
    actor_signed_version: bool  # the actor already approved this content
    actor_on_round: bool  # the actor claimed, joined or was assigned this round
    reviewers_pending: int  # reviewers on the open round who have not signed this content yet
    password_ok: bool
    code_ok: bool  # the second factor: a fresh code, or none needed for this person
    approvals_required: int
    approvals_so_far: int  # valid approvals of this exact content, before this one
    approval_matches_content: bool  # enough valid approvals for the version's hash
    is_live: bool  # a published version is being served
    working_is_live: bool  # the working version is the one being served
    assignee_is_reviewer: bool
    assignee_edited_version: bool
    has_reason: bool
    has_pending_schedule: bool  # a publication or unpublication is scheduled
    # A due schedule is pinned to one version and its hash; these say whether they still hold.
    pinned_is_working: bool  # a publication's version is still the working version
    pinned_is_live: bool  # an unpublication's version is still the live version
    pinned_hash_matches: bool  # the version's content still hashes to the pinned hash
    fast_track_pending: bool  # a switch to review after publication waits for a second person
    actor_requested_fast_track: bool  # the actor is the one who asked for that switch
    # Separation of duties, relaxed only by settings (FAST_TRACK_NEEDS_SECOND_PERSON, SIGNER_MAY_PUBLISH).
    fast_track_needs_second_person: bool
    signer_may_publish: bool
    # The reviewer registry, as of signing (registry.selectors.signing_standing), and what
    # the signer states about conflicts of interest in the signing form.
    signer_credentials: str  # "verified", "missing", "unverified" or "expired"
    signer_credentials_detail: str  # which credential, in words
    signer_declaration_current: bool  # the yearly declaration of interests is filed and not due
    signer_declaration_due_since: str  # the day it fell due, when it is overdue
    conflict_stated: bool  # the signer said "no conflict for this article" or declared one
    conflict_declared: bool
    conflicts_forbidden: bool  # the article requires that no signer declares a conflict
    specialty_needed: str  # a specialty the article requires that none of its signers has yet
    actor_has_specialty: bool  # the actor practises `specialty_needed`
    # One review thread (a comment and its answers), for the thread actions.
    thread_status: str  # "open" or "resolved"
    actor_wrote_thread: bool  # the actor wrote the comment that opened the thread


NOT_GATHERED = "its content was not checked"

# Every fact at the value its guards refuse. The two fast-track facts guard both ways
# (asking needs none pending, confirming needs one), so every fast-track action is given both.
# A thread's status starts as neither open nor resolved: no thread action passes unasked.
CLOSED = {
    "policy": Policy.BEFORE,
    "has_title_and_body": False,
    "content_problems": (NOT_GATHERED,),
    "actor_edited_version": True,
    "actor_signed_version": True,
    "actor_on_round": False,
    "reviewers_pending": inf,  # uncounted: as if every approval still needed had its reviewer
    "password_ok": False,
    "code_ok": False,
    "approvals_required": 1,
    "approvals_so_far": 0,
    "approval_matches_content": False,
    "is_live": False,
    "working_is_live": False,
    "assignee_is_reviewer": False,
    "assignee_edited_version": True,
    "has_reason": False,
    "has_pending_schedule": False,
    "pinned_is_working": False,
    "pinned_is_live": False,
    "pinned_hash_matches": False,
    "fast_track_pending": False,
    "actor_requested_fast_track": True,
    "fast_track_needs_second_person": True,
    "signer_may_publish": False,
    "signer_credentials": "unchecked",
    "signer_credentials_detail": "",
    "signer_declaration_current": False,
    "signer_declaration_due_since": "",
    "conflict_stated": False,
    "conflict_declared": True,
    "conflicts_forbidden": True,
    "specialty_needed": "a specialty that was not checked",
    "actor_has_specialty": False,
    "thread_status": "unchecked",
    "actor_wrote_thread": False,
}


def situation(state, roles, **facts):
    """The one way to build a Situation: the facts given, every other one closed."""
    return Situation(state=State(state), roles=frozenset(roles), **{**CLOSED, **facts})


@dataclass(frozen=True)
class Decision:
    action: Action
    from_state: State
    to_state: State


def _keep(situation):
    return situation.state


def _after_approval(situation):
    if situation.approvals_so_far + 1 < situation.approvals_required:
        return State.UNDER_REVIEW
    # A fast-tracked version is already live: its approval makes it plainly published.
    return State.PUBLISHED if situation.working_is_live else State.APPROVED


def _after_publish(situation):
    if situation.state in IN_REVIEW:
        return situation.state  # review-after-publication: review goes on while live
    return State.PUBLISHED


def _after_unpublish(situation):
    return State.UNPUBLISHED if situation.state == State.PUBLISHED else situation.state


@dataclass(frozen=True)
class Rule:
    roles: frozenset
    from_states: frozenset
    to_state: object  # a State, or a function of the Situation
    guards: tuple = field(default=())


# Guards: (predicate that must hold, message when it does not: text, or a function of the Situation).
def _g(predicate, message):
    return (predicate, message)


NOT_EMPTY = _g(lambda s: s.has_title_and_body, "An article needs a title and a body before it can be submitted.")
CONTENT_SOUND = _g(lambda s: not s.content_problems, None)  # message: a count; the problems go with the refusal
NOT_OWN_EDIT = _g(
    lambda s: not s.actor_edited_version,
    "You edited this version, so another member of the Medical Advisory Board must review it.",
)
NOT_SIGNED_TWICE = _g(lambda s: not s.actor_signed_version, "You have already approved this version.")
PASSWORD = _g(lambda s: s.password_ok, "Your password was not correct, so the approval was not signed.")
# A code is spent when used: one typed to sign in cannot sign too, the next one (30 s later) can.
CODE_HINT = (
    "it was missing, wrong, already used, or tried too soon after a wrong one. A code works once: "
    "if you used this one to sign in, wait for the next."
)
CODE = _g(lambda s: s.code_ok, f"Your two-factor code was not accepted, so the approval was not signed: {CODE_HINT}")


def _credentials_message(s):
    if s.signer_credentials == "missing":
        return (
            "You cannot sign yet: no licence or board certification of yours is on record. "
            "Add it on Your registry page; a publisher then verifies it."
        )
    if s.signer_credentials == "expired":
        return (
            f"You cannot sign: your {s.signer_credentials_detail}. "
            "Add the renewed one on Your registry page; a publisher then verifies it."
        )
    return (
        f"You cannot sign yet: a publisher has not verified your {s.signer_credentials_detail or 'credentials'}. "
        "Publishers verify credentials on the Reviewer registry page."
    )


CREDENTIALS_VERIFIED = _g(lambda s: s.signer_credentials == "verified", _credentials_message)
DECLARATION_CURRENT = _g(
    lambda s: s.signer_declaration_current,
    lambda s: (
        "You cannot sign: your yearly declaration of interests is due"
        + (f" since {s.signer_declaration_due_since}" if s.signer_declaration_due_since else "")
        + ". File it on Your registry page, then sign."
    ),
)


def _specialty_covered(s):
    # Only the signature that completes the quorum must bring the specialty.
    last_needed = s.approvals_so_far + 1 >= s.approvals_required
    return not s.specialty_needed or s.actor_has_specialty or not last_needed


SPECIALTY_QUORUM = _g(
    _specialty_covered,
    lambda s: (
        f"This article needs a signer who practises {s.specialty_needed}, and yours would be its last "
        f"approval. A publisher can assign a {s.specialty_needed} specialist or change the article's policy."
    ),
)
CONFLICT_STATED = _g(
    lambda s: s.conflict_stated,
    "State whether you have a conflict of interest for this article: none, or the conflict you declare.",
)
NO_CONFLICT_IF_REQUIRED = _g(
    lambda s: not (s.conflicts_forbidden and s.conflict_declared),
    "This article requires that no signer declares a conflict of interest, so another member of the "
    "Medical Advisory Board must sign it.",
)
THREAD_OPEN = _g(lambda s: s.thread_status == "open", "This thread is resolved; reopen it to answer or resolve it.")
THREAD_RESOLVED = _g(lambda s: s.thread_status == "resolved", "This thread is open already.")
EDITOR_OR_AUTHOR = _g(
    lambda s: EDITOR in s.roles or s.actor_wrote_thread,
    "Only an editor or the reviewer who wrote this comment can resolve or reopen its thread.",
)
ON_ROUND = _g(
    lambda s: s.actor_on_round,
    "Claim or join this review (or be assigned to it) before you decide on it.",
)
NOT_ON_ROUND = _g(lambda s: not s.actor_on_round, "You are already reviewing this article.")


def needs_another_reviewer(*, approvals_required, approvals_so_far, reviewers_pending):
    """A round needs another reviewer while it needs more approvals than the reviewers on it
    who have not signed yet can give."""
    return approvals_required - approvals_so_far > reviewers_pending


SEAT_OPEN = _g(
    lambda s: needs_another_reviewer(
        approvals_required=s.approvals_required,
        approvals_so_far=s.approvals_so_far,
        reviewers_pending=s.reviewers_pending,
    ),
    lambda s: (
        f"This review has {s.approvals_so_far} of {s.approvals_required} approvals and enough reviewers for the "
        "rest, so it needs nobody else. A publisher can assign another reviewer."
    ),
)


def _publishable(s):
    if s.state in IN_REVIEW:
        return s.policy == Policy.AFTER  # fast-track: live while the review goes on
    return s.approval_matches_content


NOT_OWN_APPROVAL = _g(
    lambda s: s.signer_may_publish or not s.actor_signed_version,
    "You signed an approval of this version, so another publisher must publish it.",
)
NOT_FAST_TRACKED = _g(lambda s: s.policy == Policy.BEFORE, "This article is already reviewed after publication.")
NONE_PENDING = _g(
    lambda s: not s.fast_track_pending,
    "A switch to review after publication is already waiting for confirmation.",
)
PENDING = _g(lambda s: s.fast_track_pending, "No switch to review after publication is waiting for confirmation.")
SECOND_PERSON = _g(
    lambda s: not s.fast_track_needs_second_person or not s.actor_requested_fast_track,
    "You asked for this switch, so another publisher or a member of the Medical Advisory Board must confirm it.",
)
NOT_OWN_REQUEST = _g(lambda s: not s.actor_requested_fast_track, "You asked for this switch; withdraw it instead.")
OWN_REQUEST = _g(
    lambda s: s.actor_requested_fast_track, "Only the publisher who asked for this switch can withdraw it."
)
CONFIRM_PASSWORD = _g(lambda s: s.password_ok, "Your password was not correct, so the switch was not confirmed.")
CONFIRM_CODE = _g(
    lambda s: s.code_ok, f"Your two-factor code was not accepted, so the switch was not confirmed: {CODE_HINT}"
)

APPROVED_CONTENT = _g(_publishable, "Only a version whose content matches its approvals can be published.")
IS_LIVE = _g(lambda s: s.is_live, "This article is not published.")
APPROVED_ONLY = _g(
    lambda s: s.approval_matches_content,
    "Only a version whose content matches its approvals can be scheduled; publish a fast-tracked version by hand.",
)
HAS_SCHEDULE = _g(lambda s: s.has_pending_schedule, "Nothing is scheduled for this article.")
PINNED_WORKING = _g(lambda s: s.pinned_is_working, "A newer version was saved after this one was scheduled.")
PINNED_LIVE = _g(lambda s: s.pinned_is_live, "Another version went live after this unpublication was scheduled.")
PINNED_HASH = _g(
    lambda s: s.pinned_hash_matches,
    "The version's content no longer matches the hash pinned when it was scheduled.",
)
STILL_APPROVED = _g(
    lambda s: s.state in (State.APPROVED, State.UNPUBLISHED) and s.approval_matches_content,
    "The scheduled version no longer has the approvals its content needs.",
)
REASON = _g(lambda s: s.has_reason, "Give a reason.")
ASSIGNEE_REVIEWER = _g(lambda s: s.assignee_is_reviewer, "Only members of the Medical Advisory Board can be assigned.")
ASSIGNEE_NOT_EDITOR = _g(
    lambda s: not s.assignee_edited_version,
    "That reviewer edited this version and cannot review it.",
)

ALL_STATES = frozenset(State)
PUBLISHABLE = frozenset({State.APPROVED, State.UNPUBLISHED, *IN_REVIEW})

RULES = {
    Action.EDIT: Rule(frozenset({EDITOR}), ALL_STATES, State.DRAFT),
    Action.SUBMIT: Rule(
        frozenset({EDITOR}),
        frozenset({State.DRAFT, State.CHANGES_REQUESTED}),
        State.SUBMITTED,
        (NOT_EMPTY, CONTENT_SOUND),
    ),
    Action.CLAIM: Rule(frozenset({REVIEWER}), frozenset({State.SUBMITTED}), State.UNDER_REVIEW, (NOT_OWN_EDIT,)),
    # "2 approvals required": once someone claimed, other members join until the round has a
    # reviewer for every approval it still needs; only those who could sign may join.
    Action.JOIN: Rule(
        frozenset({REVIEWER}),
        frozenset({State.UNDER_REVIEW}),
        _keep,
        (
            NOT_SIGNED_TWICE,
            NOT_ON_ROUND,
            NOT_OWN_EDIT,
            SEAT_OPEN,
            CREDENTIALS_VERIFIED,
            DECLARATION_CURRENT,
            SPECIALTY_QUORUM,
        ),
    ),
    Action.ASSIGN: Rule(
        frozenset({PUBLISHER}),
        IN_REVIEW,
        State.UNDER_REVIEW,
        (ASSIGNEE_REVIEWER, ASSIGNEE_NOT_EDITOR),
    ),
    Action.COMMENT: Rule(
        frozenset({REVIEWER, EDITOR}),
        frozenset({*IN_REVIEW, State.CHANGES_REQUESTED}),
        _keep,
    ),
    # Threads outlive their round: editors answer and resolve them while they revise (a
    # draft), and an approval's comment is answered after approval.
    Action.REPLY: Rule(frozenset({REVIEWER, EDITOR}), ALL_STATES, _keep, (THREAD_OPEN,)),
    Action.RESOLVE_THREAD: Rule(frozenset({REVIEWER, EDITOR}), ALL_STATES, _keep, (EDITOR_OR_AUTHOR, THREAD_OPEN)),
    Action.REOPEN_THREAD: Rule(frozenset({REVIEWER, EDITOR}), ALL_STATES, _keep, (EDITOR_OR_AUTHOR, THREAD_RESOLVED)),
    Action.REQUEST_CHANGES: Rule(
        frozenset({REVIEWER}),
        frozenset({State.UNDER_REVIEW}),
        State.CHANGES_REQUESTED,
        (ON_ROUND, REASON),
    ),
    Action.APPROVE: Rule(
        frozenset({REVIEWER}),
        frozenset({State.UNDER_REVIEW}),
        _after_approval,
        (
            ON_ROUND,
            NOT_OWN_EDIT,
            NOT_SIGNED_TWICE,
            CONTENT_SOUND,
            CREDENTIALS_VERIFIED,
            DECLARATION_CURRENT,
            SPECIALTY_QUORUM,
            PASSWORD,
            CODE,
            CONFLICT_STATED,
            NO_CONFLICT_IF_REQUIRED,
        ),
    ),
    Action.PUBLISH: Rule(frozenset({PUBLISHER}), PUBLISHABLE, _after_publish, (APPROVED_CONTENT, NOT_OWN_APPROVAL)),
    # A schedule is pinned to an approved version: fast-track is a publisher's choice made by hand.
    Action.SCHEDULE: Rule(
        frozenset({PUBLISHER}),
        frozenset({State.APPROVED, State.UNPUBLISHED}),
        _keep,
        (APPROVED_ONLY, NOT_OWN_APPROVAL),
    ),
    Action.UNPUBLISH: Rule(frozenset({PUBLISHER}), ALL_STATES, _after_unpublish, (IS_LIVE, REASON)),
    Action.SCHEDULE_UNPUBLISH: Rule(frozenset({PUBLISHER}), ALL_STATES, _keep, (IS_LIVE, REASON)),
    Action.CANCEL_SCHEDULE: Rule(frozenset({PUBLISHER}), ALL_STATES, _keep, (HAS_SCHEDULE,)),
    # At the due time the schedule itself is checked; then the publisher who set it must
    # still be allowed to publish (or unpublish), asked as for any publication.
    Action.PUBLISH_DUE: Rule(
        frozenset({SYSTEM}),
        ALL_STATES,
        State.PUBLISHED,
        (PINNED_WORKING, PINNED_HASH, STILL_APPROVED),
    ),
    Action.UNPUBLISH_DUE: Rule(frozenset({SYSTEM}), ALL_STATES, _after_unpublish, (IS_LIVE, PINNED_LIVE, PINNED_HASH)),
    # The re-review interval has passed: the live version goes back to the board while it stays live.
    Action.REREVIEW: Rule(frozenset({SYSTEM}), frozenset({State.PUBLISHED}), State.SUBMITTED, (IS_LIVE,)),
    # Review after publication: one publisher asks with a reason; another publisher or a board
    # member confirms with their password. Going back to review before publication needs one publisher.
    Action.REQUEST_FAST_TRACK: Rule(
        frozenset({PUBLISHER}),
        ALL_STATES,
        _keep,
        (NOT_FAST_TRACKED, NONE_PENDING, REASON),
    ),
    Action.CONFIRM_FAST_TRACK: Rule(
        frozenset({PUBLISHER, REVIEWER}),
        ALL_STATES,
        _keep,
        (NOT_FAST_TRACKED, PENDING, SECOND_PERSON, CONFIRM_PASSWORD, CONFIRM_CODE),
    ),
    Action.WITHDRAW_FAST_TRACK: Rule(frozenset({PUBLISHER}), ALL_STATES, _keep, (PENDING, OWN_REQUEST)),
    Action.DECLINE_FAST_TRACK: Rule(frozenset({PUBLISHER, REVIEWER}), ALL_STATES, _keep, (PENDING, NOT_OWN_REQUEST)),
    Action.SET_POLICY: Rule(frozenset({PUBLISHER}), ALL_STATES, _keep),
    Action.FLAG: Rule(frozenset({SYSTEM}), ALL_STATES, _keep),
    Action.INTEGRITY_ALERT: Rule(frozenset({SYSTEM}), ALL_STATES, _keep),
    Action.WITHHOLD: Rule(frozenset({SYSTEM}), ALL_STATES, _keep),
    Action.READER_REPORT: Rule(frozenset({SYSTEM}), ALL_STATES, _keep, (IS_LIVE,)),
    # Readers' error reports are the editors' to answer (publishers stand in for them).
    Action.REPORT_ACCEPTED: Rule(frozenset({EDITOR, PUBLISHER}), ALL_STATES, _keep),
    Action.REPORT_DECLINED: Rule(frozenset({EDITOR, PUBLISHER}), ALL_STATES, _keep, (REASON,)),
}


def _role_message(action, rule):
    names = " or ".join(sorted(role.lower() for role in rule.roles))
    article = "an" if names[0] in "aeiou" else "a"
    return f"Only {article} {names} can {action.label.lower()}."


def _refusal(action, situation):
    """The refusal (a TransitionNotAllowed) of `action` in `situation`, or None when it is allowed."""
    rule = RULES[action]
    if not (rule.roles & situation.roles):
        return TransitionNotAllowed(_role_message(action, rule))
    if situation.state not in rule.from_states:
        return TransitionNotAllowed(
            f"An article that is {State(situation.state).label.lower()} cannot be {_past(action)}."
        )
    for predicate, message in rule.guards:
        if not predicate(situation):
            if message is None:
                return _content_refusal(action, situation.content_problems)
            return TransitionNotAllowed(message(situation) if callable(message) else message)
    return None


_BLOCKED = {Action.SUBMIT: "submission", Action.APPROVE: "approval"}


def _content_refusal(action, problems):
    """A short count ("3 problems block submission."): the problems themselves travel with
    the refusal, for a page or an API answer to list once."""
    count = len(problems)
    what = _BLOCKED.get(action, "this step")
    summary = f"{count} problem{'s' if count != 1 else ''} block{'' if count != 1 else 's'} {what}."
    return TransitionNotAllowed(summary, problems=problems)


def _past(action):
    return {
        Action.EDIT: "edited",
        Action.SUBMIT: "submitted",
        Action.CLAIM: "claimed",
        Action.JOIN: "joined",
        Action.ASSIGN: "assigned",
        Action.COMMENT: "commented on",
        Action.REPLY: "commented on",
        Action.RESOLVE_THREAD: "changed",
        Action.REOPEN_THREAD: "changed",
        Action.REQUEST_CHANGES: "sent back",
        Action.APPROVE: "approved",
        Action.PUBLISH: "published",
        Action.SCHEDULE: "scheduled",
        Action.UNPUBLISH: "unpublished",
        Action.REREVIEW: "sent for re-review",
        Action.SCHEDULE_UNPUBLISH: "scheduled for unpublication",
        Action.CANCEL_SCHEDULE: "unscheduled",
        Action.PUBLISH_DUE: "published as scheduled",
        Action.UNPUBLISH_DUE: "unpublished as scheduled",
        Action.REQUEST_FAST_TRACK: "fast-tracked",
        Action.CONFIRM_FAST_TRACK: "fast-tracked",
        Action.WITHDRAW_FAST_TRACK: "changed",
        Action.DECLINE_FAST_TRACK: "changed",
        Action.SET_POLICY: "changed",
        Action.FLAG: "flagged",
        Action.INTEGRITY_ALERT: "flagged",
        Action.WITHHOLD: "flagged",
        Action.READER_REPORT: "reported on",
        Action.REPORT_ACCEPTED: "answered",
        Action.REPORT_DECLINED: "answered",
    }[action]


def decide(action, situation):
    """The Decision for `action`, or raise TransitionNotAllowed with the reason."""
    refusal = _refusal(action, situation)
    if refusal is not None:
        raise refusal
    rule = RULES[action]
    to_state = rule.to_state(situation) if callable(rule.to_state) else rule.to_state
    return Decision(action=action, from_state=State(situation.state), to_state=State(to_state))


def is_allowed(action, situation):
    return _refusal(action, situation) is None


# Guards that depend on what the person types in the form itself (a password, a
# reason), or on content problems the page already lists, do not hide the button:
# the action checks them when the form is sent and says what is wrong.
FORM_FACTS = {
    "password_ok": True,
    "code_ok": True,
    "has_reason": True,
    "assignee_is_reviewer": True,
    "assignee_edited_version": False,
    "content_problems": (),
    "conflict_stated": True,
    "conflict_declared": False,
    # The registry's facts about the signer do not hide the button either: the signing form
    # says what the registry lacks (signing_blocker), so the person learns what to fix.
    "signer_credentials": "verified",
    "signer_declaration_current": True,
    "specialty_needed": "",
}


def signing_blocker(situation):
    """What the reviewer registry says stands in the way of the actor signing (missing or
    expired credentials, an overdue declaration, a specialty the article still needs), or
    None: shown beside the signing form before anyone types a password."""
    for predicate, message in (CREDENTIALS_VERIFIED, DECLARATION_CURRENT, SPECIALTY_QUORUM):
        if not predicate(situation):
            return message(situation)
    return None


def page_refusal(action, situation):
    """Why a page does not offer `action` to its viewer, judged on the facts known before
    any form is sent (as available_actions judges them), or None when it does."""
    return _refusal(action, replace(situation, **FORM_FACTS))


def available_actions(situation):
    """The actions whose buttons a page should show for this situation."""

    hopeful = replace(situation, **FORM_FACTS)
    return [action for action in Action if is_allowed(action, hopeful)]


THREAD_ACTIONS = (Action.REPLY, Action.RESOLVE_THREAD, Action.REOPEN_THREAD)


def thread_actions(situation, *, resolved, wrote):
    """The actions one review thread's buttons offer the viewer of `situation`: whether
    the thread is `resolved`, and whether the viewer `wrote` its opening comment."""
    facts = replace(situation, thread_status="resolved" if resolved else "open", actor_wrote_thread=wrote)
    return {action.value for action in THREAD_ACTIONS if is_allowed(action, facts)}


# Who may use the staff pages, the audit trail and the site's settings (no transition,
# but still rules: views, templates and services all ask here). The desk's and the
# library's, by role alone, are core.roles' and named here too.
def may_create_articles(roles):
    return is_allowed(Action.EDIT, situation(State.DRAFT, roles))


def may_export_audit(roles):
    return PUBLISHER in roles


def may_edit_site_pages(roles):
    return PUBLISHER in roles


def may_set_review_policy(roles):
    return is_allowed(Action.SET_POLICY, situation(State.DRAFT, roles))


# Identity and roles: the names signatures print and the roles that allow signing.
def may_change_identity(*, actor_id, actor_is_superuser, person_id):
    """A printed name and credentials are what a signature carries: each person changes
    their own (from "Your profile"), and an administrator anyone's. A publisher may not
    rewrite another person's identity."""
    return actor_is_superuser or actor_id == person_id


def may_set_roles(*, actor_id, person_id):
    """Nobody changes their own roles: whoever grants a role is someone else."""
    return actor_id != person_id


def may_reset_two_factor(*, actor_roles, actor_is_superuser, actor_id, person_id):
    """Someone who lost their authenticator and recovery codes is reset by a publisher or an
    administrator, never by themselves: a reset lets the next sign-in enrol a new one."""
    return actor_id != person_id and (actor_is_superuser or PUBLISHER in actor_roles)


def may_view_reports(roles):
    """Reports show the whole board's workload: editors and publishers, not reviewers alone."""
    return bool(set(roles) & {EDITOR, PUBLISHER})


def may_triage_reader_reports(roles):
    """Readers' error reports are the editors' to answer (publishers stand in for them)."""
    return is_allowed(Action.REPORT_ACCEPTED, situation(State.DRAFT, roles))


def may_manage_webhooks(roles):
    """Webhooks send what is published to other systems: publishers only."""
    return PUBLISHER in roles


# The reviewer registry: publishers keep the list of specialties and verify credentials;
# each member keeps their own bio, photo and declaration, and may add their credentials.
def may_verify_credentials(roles):
    return PUBLISHER in roles


def may_edit_registry_entry(*, actor_id, actor_roles, member_id):
    """Credentials are entered by the member or by a publisher; either way a publisher
    (never the member) verifies them."""
    return actor_id == member_id or PUBLISHER in actor_roles


def may_verify_credential_of(*, actor_id, actor_roles, member_id):
    """Nobody verifies their own credentials, even a publisher who is on the board."""
    return may_verify_credentials(actor_roles) and actor_id != member_id
