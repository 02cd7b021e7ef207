"""Every (state, action, role) of the lifecycle, and each guard's refusal. No database."""

from dataclasses import replace
from itertools import product

import pytest

from articles.lifecycle import (
    CLOSED,
    RULES,
    Action,
    Policy,
    State,
    TransitionNotAllowed,
    available_actions,
    decide,
    is_allowed,
    may_clear_retraction,
    may_reset_two_factor,
    situation,
    thread_actions,
)
from articles.lifecycle import Situation as Facts

E, R, P, SYS = "Editor", "Reviewer", "Publisher", "System"

# Every fact in order: each test below closes the ones it is about.
OPEN = dict(
    policy=Policy.BEFORE,
    has_title_and_body=True,
    content_problems=(),
    actor_edited_version=False,
    actor_signed_version=False,
    actor_on_round=False,
    reviewers_pending=0,
    password_ok=False,
    code_ok=False,
    approvals_required=1,
    approvals_so_far=0,
    approval_matches_content=False,
    is_live=False,
    working_is_live=False,
    assignee_is_reviewer=True,
    assignee_edited_version=False,
    has_reason=True,
    has_pending_schedule=False,
    pinned_is_working=True,
    pinned_is_live=True,
    pinned_hash_matches=True,
    fast_track_pending=False,
    actor_requested_fast_track=False,
    fast_track_needs_second_person=True,
    signer_may_publish=False,
    # The registry vouches for the signer, who states no conflict on an article that allows them.
    signer_credentials="verified",
    signer_credentials_detail="",
    signer_declaration_current=True,
    signer_declaration_due_since="",
    conflict_stated=True,
    conflict_declared=False,
    conflicts_forbidden=False,
    specialty_needed="",
    actor_has_specialty=False,
    # An open thread, opened by someone else.
    thread_status="open",
    actor_wrote_thread=False,
)


def Situation(*, state, roles, **facts):  # noqa: N802 - stands in for the dataclass in these tests
    return situation(state, roles, **{**OPEN, **facts})


D, S, U, C, A, PB, UP = (
    State.DRAFT,
    State.SUBMITTED,
    State.UNDER_REVIEW,
    State.CHANGES_REQUESTED,
    State.APPROVED,
    State.PUBLISHED,
    State.UNPUBLISHED,
)

# Which (action, role) may act from which states, with every other guard satisfied,
# and where it leads (None: the state stays as it was).
ALLOWED = {
    ("edit", E): {D: D, S: D, U: D, C: D, A: D, PB: D, UP: D},
    ("submit", E): {D: S, C: S},
    ("claim", R): {S: U},
    ("join", R): {U: None},
    ("assign", P): {S: U, U: U},
    ("comment", R): {S: None, U: None, C: None},
    ("comment", E): {S: None, U: None, C: None},
    ("reply", R): {state: None for state in State},
    ("reply", E): {state: None for state in State},
    ("resolve_thread", E): {state: None for state in State},
    ("reopen_thread", E): {state: None for state in State},
    ("request_changes", R): {U: C},
    ("approve", R): {U: A},
    ("publish", P): {A: PB, UP: PB},
    ("schedule", P): {A: None, UP: None},
    ("unpublish", P): {PB: UP, D: None, S: None, U: None, C: None, A: None, UP: UP},
    ("schedule_unpublish", P): {state: None for state in State},
    ("cancel_schedule", P): {state: None for state in State},
    ("publish_due", SYS): {A: PB, UP: PB},
    ("unpublish_due", SYS): {PB: UP, D: None, S: None, U: None, C: None, A: None, UP: UP},
    ("rereview", SYS): {PB: S},
    ("request_fast_track", P): {state: None for state in State},
    ("confirm_fast_track", P): {state: None for state in State},
    ("confirm_fast_track", R): {state: None for state in State},
    ("withdraw_fast_track", P): {state: None for state in State},
    ("decline_fast_track", P): {state: None for state in State},
    ("decline_fast_track", R): {state: None for state in State},
    ("set_policy", P): {state: None for state in State},
    ("flag", SYS): {state: None for state in State},
    ("integrity_alert", SYS): {state: None for state in State},
    ("withhold", SYS): {state: None for state in State},
    ("reader_report", SYS): {state: None for state in State},
    ("report_accepted", E): {state: None for state in State},
    ("report_accepted", P): {state: None for state in State},
    ("report_declined", E): {state: None for state in State},
    ("report_declined", P): {state: None for state in State},
}

EVERYTHING_IN_ORDER = dict(
    password_ok=True,
    code_ok=True,
    actor_on_round=True,
    approval_matches_content=True,
    is_live=True,
    has_pending_schedule=True,
)
# Facts that are in order for one action and not another (a request must be waiting to
# be confirmed, and must not be waiting to be made).
IN_ORDER_FOR = {
    Action.JOIN: dict(actor_on_round=False),
    Action.CONFIRM_FAST_TRACK: dict(fast_track_pending=True),
    Action.DECLINE_FAST_TRACK: dict(fast_track_pending=True),
    Action.WITHDRAW_FAST_TRACK: dict(fast_track_pending=True, actor_requested_fast_track=True),
    Action.REOPEN_THREAD: dict(thread_status="resolved"),
}


@pytest.mark.parametrize("state, action, role", list(product(State, Action, (E, R, P, SYS))))
def test_every_state_action_and_role(state, action, role):
    facts = {**EVERYTHING_IN_ORDER, **IN_ORDER_FOR.get(action, {})}
    situation = Situation(state=state, roles=frozenset({role}), **facts)
    allowed = ALLOWED.get((action.value, role), {})
    if state in allowed:
        decision = decide(action, situation)
        expected = allowed[state] if allowed[state] is not None else state
        assert decision.to_state == expected
    else:
        with pytest.raises(TransitionNotAllowed):
            decide(action, situation)


def reviewing(**facts):
    base = dict(state=U, roles=frozenset({R}), password_ok=True, code_ok=True, actor_on_round=True)
    return Situation(**{**base, **facts})


def refusal(action, situation):
    with pytest.raises(TransitionNotAllowed) as error:
        decide(action, situation)
    return error.value.message


def test_reviewer_cannot_approve_a_version_they_edited():
    assert "another member" in refusal(Action.APPROVE, reviewing(actor_edited_version=True))


def test_approval_needs_the_password():
    assert "password" in refusal(Action.APPROVE, reviewing(password_ok=False))


def test_approval_needs_a_fresh_two_factor_code_as_well():
    assert "two-factor code was not accepted, so the approval was not signed" in refusal(
        Action.APPROVE, reviewing(code_ok=False)
    )
    # The password is named first when both fail: it is checked first, and a code is only spent after it.
    assert "password was not correct" in refusal(Action.APPROVE, reviewing(password_ok=False, code_ok=False))
    assert Action.APPROVE in available_actions(reviewing(password_ok=False, code_ok=False))


def test_a_reset_of_two_factor_is_for_publishers_and_administrators_and_never_ones_own():
    assert may_reset_two_factor(actor_roles={P}, actor_is_superuser=False, actor_id=1, person_id=2)
    assert may_reset_two_factor(actor_roles=set(), actor_is_superuser=True, actor_id=1, person_id=2)
    assert not may_reset_two_factor(actor_roles={P}, actor_is_superuser=True, actor_id=1, person_id=1)
    assert not may_reset_two_factor(actor_roles={R, E}, actor_is_superuser=False, actor_id=1, person_id=2)


def test_a_reviewer_cannot_sign_the_same_content_twice():
    assert "already approved" in refusal(Action.APPROVE, reviewing(actor_signed_version=True))


def test_a_reviewer_must_be_on_the_round_to_decide():
    assert "Claim or join this review" in refusal(Action.APPROVE, reviewing(actor_on_round=False))
    assert "Claim or join this review" in refusal(Action.REQUEST_CHANGES, reviewing(actor_on_round=False))


def joining(**facts):
    base = dict(state=U, roles=frozenset({R}), approvals_required=2, approvals_so_far=1, reviewers_pending=0)
    return Situation(**{**base, **facts})


def test_a_board_member_joins_a_round_that_needs_more_signatures_than_its_reviewers_can_give():
    assert decide(Action.JOIN, joining()).to_state == U
    assert Action.JOIN in available_actions(joining())
    # Claimed but not signed yet: two approvals needed, one reviewer on the round.
    assert decide(Action.JOIN, joining(approvals_so_far=0, reviewers_pending=1)).to_state == U


@pytest.mark.parametrize(
    "facts, message",
    [
        (dict(actor_signed_version=True, actor_on_round=True), "You have already approved this version."),
        (dict(actor_on_round=True), "You are already reviewing this article."),
        (dict(actor_edited_version=True), "You edited this version"),
        (dict(reviewers_pending=1), "has 1 of 2 approvals and enough reviewers for the rest"),
        (dict(approvals_required=1, approvals_so_far=0, reviewers_pending=1), "has 0 of 1 approvals"),
        (dict(roles=frozenset({E})), "Only a reviewer can join."),
        (dict(roles=frozenset({P})), "Only a reviewer can join."),
        (dict(state=A), "An article that is approved cannot be joined."),
        (dict(state=S), "An article that is submitted cannot be joined."),
        (dict(signer_credentials="missing"), "no licence or board certification of yours is on record"),
        (dict(signer_declaration_current=False), "yearly declaration of interests is due"),
        (dict(specialty_needed="Cardiology"), "needs a signer who practises Cardiology"),
    ],
)
def test_joining_is_refused_with_the_reason(facts, message):
    assert message in refusal(Action.JOIN, joining(**facts))


def test_the_join_button_hides_where_joining_cannot_help_but_not_for_the_registry_which_says_why():
    assert Action.JOIN not in available_actions(joining(actor_on_round=True))
    assert Action.JOIN not in available_actions(joining(reviewers_pending=1))
    assert Action.JOIN in available_actions(joining(signer_credentials="missing"))


def test_an_uncounted_round_has_no_seat_for_anyone():
    uncounted = situation(U, {R}, **{k: v for k, v in OPEN.items() if k != "reviewers_pending"})
    assert "enough reviewers" in refusal(Action.JOIN, replace(uncounted, approvals_required=5))


def test_quorum_keeps_the_article_under_review_until_enough_sign():
    assert decide(Action.APPROVE, reviewing(approvals_required=2, approvals_so_far=0)).to_state == U
    assert decide(Action.APPROVE, reviewing(approvals_required=2, approvals_so_far=1)).to_state == A


def test_approving_a_fast_tracked_live_version_makes_it_published():
    assert decide(Action.APPROVE, reviewing(working_is_live=True)).to_state == PB


def test_a_publisher_cannot_approve_and_a_reviewer_cannot_publish():
    assert "Only a reviewer" in refusal(Action.APPROVE, reviewing(roles=frozenset({P})))
    situation = Situation(state=A, roles=frozenset({R}), approval_matches_content=True)
    assert "Only a publisher" in refusal(Action.PUBLISH, situation)


def test_one_person_with_two_roles_is_still_held_to_four_eyes():
    both = reviewing(roles=frozenset({E, R}), actor_edited_version=True)
    assert "another member" in refusal(Action.APPROVE, both)


def test_publishing_needs_approvals_that_match_the_content():
    situation = Situation(state=A, roles=frozenset({P}), approval_matches_content=False)
    assert "matches its approvals" in refusal(Action.PUBLISH, situation)


def test_review_after_publication_lets_a_version_in_review_go_live_and_stay_in_review():
    for state in (S, U):
        situation = Situation(state=state, roles=frozenset({P}), policy=Policy.AFTER)
        assert decide(Action.PUBLISH, situation).to_state == state
    draft = Situation(state=D, roles=frozenset({P}), policy=Policy.AFTER)
    refusal(Action.PUBLISH, draft)


def test_review_before_publication_refuses_a_version_still_in_review():
    situation = Situation(state=U, roles=frozenset({P}))
    assert "matches its approvals" in refusal(Action.PUBLISH, situation)


def test_submit_needs_title_and_body_and_lists_every_content_problem():
    editor = Situation(state=D, roles=frozenset({E}))
    assert "title and a body" in refusal(Action.SUBMIT, replace(editor, has_title_and_body=False))
    problems = ("unknown key @x on line 3", "retracted @y", "unknown key @z on line 9")
    with pytest.raises(TransitionNotAllowed) as refused:
        decide(Action.SUBMIT, replace(editor, content_problems=problems))
    # One short summary; the problems travel with the refusal, to be listed once.
    assert refused.value.message == "3 problems block submission."
    assert refused.value.problems == problems
    one = replace(reviewing(), content_problems=problems[:1])
    assert refusal(Action.APPROVE, one) == "1 problem blocks approval."


def test_an_editor_or_the_comments_author_resolves_a_thread_and_anyone_on_the_desk_answers_it():
    reviewer, editor = reviewing(), Situation(state=C, roles=frozenset({E}))
    assert "the reviewer who wrote this comment" in refusal(Action.RESOLVE_THREAD, reviewer)
    assert decide(Action.RESOLVE_THREAD, replace(reviewer, actor_wrote_thread=True)).to_state == U
    assert decide(Action.RESOLVE_THREAD, editor).to_state == C
    assert decide(Action.REPLY, reviewer).to_state == U
    assert "Only an editor or reviewer" in refusal(Action.RESOLVE_THREAD, Situation(state=C, roles=frozenset({P})))
    assert "resolved" in refusal(Action.REPLY, replace(editor, thread_status="resolved"))
    assert "resolved" in refusal(Action.RESOLVE_THREAD, replace(editor, thread_status="resolved"))
    assert "open already" in refusal(Action.REOPEN_THREAD, editor)
    assert decide(Action.REOPEN_THREAD, replace(reviewer, actor_wrote_thread=True, thread_status="resolved"))


def test_a_threads_buttons_follow_who_looks_and_whether_it_is_resolved():
    reviewer, editor = reviewing(), Situation(state=D, roles=frozenset({E}))
    assert thread_actions(editor, resolved=False, wrote=False) == {"reply", "resolve_thread"}
    assert thread_actions(editor, resolved=True, wrote=False) == {"reopen_thread"}
    assert thread_actions(reviewer, resolved=False, wrote=False) == {"reply"}
    assert thread_actions(reviewer, resolved=True, wrote=True) == {"reopen_thread"}
    assert thread_actions(Situation(state=D, roles=frozenset({P})), resolved=False, wrote=True) == set()


def test_unpublish_needs_a_live_article_and_a_reason():
    publisher = Situation(state=PB, roles=frozenset({P}), is_live=True)
    assert "reason" in refusal(Action.UNPUBLISH, replace(publisher, has_reason=False))
    assert "not published" in refusal(Action.UNPUBLISH, replace(publisher, is_live=False))


def test_assigning_refuses_someone_outside_the_board_or_who_edited():
    situation = Situation(state=S, roles=frozenset({P}))
    assert "Medical Advisory Board" in refusal(Action.ASSIGN, replace(situation, assignee_is_reviewer=False))
    assert "edited this version" in refusal(Action.ASSIGN, replace(situation, assignee_edited_version=True))


def test_buttons_ignore_what_the_form_will_ask_but_respect_everything_else():
    situation = reviewing(password_ok=False)
    assert Action.APPROVE in available_actions(situation)
    assert Action.APPROVE not in available_actions(reviewing(actor_edited_version=True))
    assert available_actions(Situation(state=PB, roles=frozenset())) == []


def test_only_an_approved_version_can_be_scheduled_even_on_fast_track():
    for state in (S, U):
        situation = Situation(state=state, roles=frozenset({P}), policy=Policy.AFTER)
        assert "cannot be scheduled" in refusal(Action.SCHEDULE, situation)
    unapproved = Situation(state=A, roles=frozenset({P}), approval_matches_content=False)
    assert "matches its approvals" in refusal(Action.SCHEDULE, unapproved)


def due(**facts):
    return Situation(**{**dict(state=A, roles=frozenset({SYS}), approval_matches_content=True), **facts})


def test_a_due_publication_is_refused_when_a_newer_version_was_saved():
    assert "newer version was saved" in refusal(Action.PUBLISH_DUE, due(pinned_is_working=False))


def test_a_due_publication_is_refused_when_the_pinned_hash_no_longer_matches():
    assert "pinned" in refusal(Action.PUBLISH_DUE, due(pinned_hash_matches=False))


def test_a_due_publication_is_refused_when_its_approvals_no_longer_match_even_on_fast_track():
    assert "no longer has the approvals" in refusal(Action.PUBLISH_DUE, due(approval_matches_content=False))
    fast_track = due(state=U, policy=Policy.AFTER, approval_matches_content=False)
    assert "no longer has the approvals" in refusal(Action.PUBLISH_DUE, fast_track)


def test_a_due_unpublication_is_refused_when_another_version_went_live_or_none_is_live():
    assert "Another version went live" in refusal(
        Action.UNPUBLISH_DUE, due(state=PB, is_live=True, pinned_is_live=False)
    )
    assert "not published" in refusal(Action.UNPUBLISH_DUE, due(state=UP, is_live=False))


def test_only_publishers_schedule_and_cancel_with_the_reason_said():
    for role in (E, R):
        assert refusal(
            Action.CANCEL_SCHEDULE, Situation(state=A, roles=frozenset({role}), has_pending_schedule=True)
        ) == ("Only a publisher can cancel a schedule.")
    situation = Situation(state=PB, roles=frozenset({E}), is_live=True)
    assert refusal(Action.SCHEDULE_UNPUBLISH, situation) == "Only a publisher can schedule an unpublication."
    assert "Nothing is scheduled" in refusal(Action.CANCEL_SCHEDULE, Situation(state=A, roles=frozenset({P})))


def test_a_schedule_shows_its_cancel_button_only_while_one_is_pending():
    publisher = Situation(state=A, roles=frozenset({P}), approval_matches_content=True)
    assert Action.CANCEL_SCHEDULE not in available_actions(publisher)
    assert Action.CANCEL_SCHEDULE in available_actions(replace(publisher, has_pending_schedule=True))


# ---------------------------------------------------------------- separation of duties


def publishing(**facts):
    return Situation(**{**dict(state=A, roles=frozenset({R, P}), approval_matches_content=True), **facts})


@pytest.mark.parametrize("action", [Action.PUBLISH, Action.SCHEDULE])
def test_whoever_signed_the_approval_cannot_publish_or_schedule_that_version(action):
    assert "another publisher must publish" in refusal(action, publishing(actor_signed_version=True))
    assert decide(action, publishing(actor_signed_version=False))
    assert action not in available_actions(publishing(actor_signed_version=True))


def test_the_signer_may_publish_only_where_the_setting_relaxes_it():
    assert decide(Action.PUBLISH, publishing(actor_signed_version=True, signer_may_publish=True)).to_state == PB


def fast_track(role=P, **facts):
    return Situation(**{**dict(state=U, roles=frozenset({role}), fast_track_pending=True), **facts})


def test_asking_for_review_after_publication_needs_a_reason_and_no_request_already_waiting():
    asking = fast_track(fast_track_pending=False)
    assert decide(Action.REQUEST_FAST_TRACK, asking).to_state == U
    assert "reason" in refusal(Action.REQUEST_FAST_TRACK, replace(asking, has_reason=False))
    assert "already waiting" in refusal(Action.REQUEST_FAST_TRACK, replace(asking, fast_track_pending=True))
    assert "already reviewed after" in refusal(Action.REQUEST_FAST_TRACK, replace(asking, policy=Policy.AFTER))
    assert "Only a publisher" in refusal(Action.REQUEST_FAST_TRACK, replace(asking, roles=frozenset({R})))


def test_the_person_who_asked_for_fast_track_cannot_confirm_it():
    assert "another publisher or a member" in refusal(
        Action.CONFIRM_FAST_TRACK, fast_track(actor_requested_fast_track=True, password_ok=True)
    )
    assert Action.CONFIRM_FAST_TRACK not in available_actions(fast_track(actor_requested_fast_track=True))


def test_another_publisher_or_a_board_member_confirms_fast_track_with_their_password():
    for role in (P, R):
        assert decide(Action.CONFIRM_FAST_TRACK, fast_track(role, password_ok=True, code_ok=True)).to_state == U
        assert "password was not correct" in refusal(Action.CONFIRM_FAST_TRACK, fast_track(role, password_ok=False))
        assert "switch was not confirmed: it was missing, wrong" in refusal(
            Action.CONFIRM_FAST_TRACK, fast_track(role, password_ok=True, code_ok=False)
        )
    assert "Only a publisher or reviewer" in refusal(Action.CONFIRM_FAST_TRACK, fast_track(E, password_ok=True))
    assert "No switch" in refusal(Action.CONFIRM_FAST_TRACK, fast_track(fast_track_pending=False, password_ok=True))


def test_the_asker_may_confirm_alone_only_where_the_setting_relaxes_it():
    relaxed = fast_track(
        actor_requested_fast_track=True, password_ok=True, code_ok=True, fast_track_needs_second_person=False
    )
    assert decide(Action.CONFIRM_FAST_TRACK, relaxed)


def test_the_asker_withdraws_and_anyone_else_who_may_confirm_declines():
    mine = fast_track(actor_requested_fast_track=True)
    assert Action.WITHDRAW_FAST_TRACK in available_actions(mine)
    assert Action.DECLINE_FAST_TRACK not in available_actions(mine)
    assert "withdraw it instead" in refusal(Action.DECLINE_FAST_TRACK, mine)
    theirs = fast_track(R)
    assert {Action.CONFIRM_FAST_TRACK, Action.DECLINE_FAST_TRACK} <= set(available_actions(theirs))
    assert "Only the publisher who asked" in refusal(Action.WITHDRAW_FAST_TRACK, fast_track())


def test_only_publishers_clear_a_retraction_flag():
    assert may_clear_retraction({P}) and not may_clear_retraction({E}) and not may_clear_retraction({R})


def test_a_situation_has_no_defaults_and_a_fact_nobody_gathered_refuses():
    with pytest.raises(TypeError):
        Facts(state=D, roles=frozenset({E}))  # a fact left out is an error, not a default
    assert set(CLOSED) | {"state", "roles"} == set(Facts.__dataclass_fields__)
    for action, rule in RULES.items():
        if not rule.guards:
            continue
        for state, role in product(rule.from_states, rule.roles):
            assert not is_allowed(action, situation(state, {role})), (action, state, role)


def test_a_readers_report_and_its_answer_are_rows_of_the_rules_that_keep_the_state():
    from articles.lifecycle import may_triage_reader_reports

    taken = decide(Action.READER_REPORT, situation(State.PUBLISHED, {SYS}, is_live=True))
    assert (taken.from_state, taken.to_state) == (State.PUBLISHED, State.PUBLISHED)
    with pytest.raises(TransitionNotAllowed, match="not published"):
        decide(Action.READER_REPORT, situation(State.UNPUBLISHED, {SYS}))
    for role in (E, P):
        assert decide(Action.REPORT_ACCEPTED, situation(State.DRAFT, {role})).to_state == State.DRAFT
        assert may_triage_reader_reports({role})
    assert not may_triage_reader_reports({R}) and not may_triage_reader_reports(set())
    with pytest.raises(TransitionNotAllowed, match="Only an editor or publisher"):
        decide(Action.REPORT_ACCEPTED, situation(State.DRAFT, {R}))
    with pytest.raises(TransitionNotAllowed, match="Give a reason"):
        decide(Action.REPORT_DECLINED, situation(State.DRAFT, {E}))
