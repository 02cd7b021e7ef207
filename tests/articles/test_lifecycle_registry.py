"""The signing rules the reviewer registry adds: credentials, the yearly declaration,
the conflict statement and the specialty quorum. No database."""

import pytest

from articles.lifecycle import (
    Action,
    State,
    TransitionNotAllowed,
    available_actions,
    decide,
    signing_blocker,
    situation,
)
from tests.articles.test_lifecycle import Situation


def signing(**facts):
    in_order = {
        "state": State.UNDER_REVIEW,
        "roles": frozenset({"Reviewer"}),
        "actor_on_round": True,
        "password_ok": True,
        "code_ok": True,
    }
    return Situation(**{**in_order, **facts})


def refusal(**facts):
    with pytest.raises(TransitionNotAllowed) as refused:
        decide(Action.APPROVE, signing(**facts))
    return refused.value.message


def test_a_reviewer_in_good_standing_who_states_no_conflict_signs():
    assert decide(Action.APPROVE, signing()).to_state == State.APPROVED


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        ({"signer_credentials": "missing"}, ["no licence or board certification", "publisher then verifies"]),
        (
            {"signer_credentials": "unverified", "signer_credentials_detail": "Licence to practise: Ohio"},
            ["not verified your Licence to practise: Ohio", "Reviewer registry page"],
        ),
        (
            {"signer_credentials": "expired", "signer_credentials_detail": "Licence expired on 1 March 2026"},
            ["Licence expired on 1 March 2026", "Add the renewed one"],
        ),
        (
            {"signer_declaration_current": False, "signer_declaration_due_since": "3 March 2026"},
            ["due since 3 March 2026", "File it on Your registry"],
        ),
        ({"conflict_stated": False}, ["State whether you have a conflict"]),
        ({"conflicts_forbidden": True, "conflict_declared": True}, ["requires that no signer declares a conflict"]),
        ({"specialty_needed": "Cardiology"}, ["practises Cardiology", "A publisher can assign"]),
    ],
)
def test_each_registry_refusal_says_what_is_missing_and_who_can_fix_it(facts, words):
    message = refusal(**facts)
    for word in words:
        assert word in message


def test_a_declared_conflict_is_allowed_unless_the_article_forbids_it():
    assert decide(Action.APPROVE, signing(conflict_declared=True)).to_state == State.APPROVED


def test_only_the_signature_that_completes_the_quorum_must_bring_the_specialty():
    first = signing(specialty_needed="Cardiology", approvals_required=2, approvals_so_far=0)
    assert decide(Action.APPROVE, first).to_state == State.UNDER_REVIEW
    assert "Cardiology" in refusal(specialty_needed="Cardiology", approvals_required=2, approvals_so_far=1)
    specialist = signing(specialty_needed="Cardiology", actor_has_specialty=True)
    assert decide(Action.APPROVE, specialist).to_state == State.APPROVED


def test_the_sign_button_shows_before_the_conflict_is_stated_in_the_form():
    assert Action.APPROVE in available_actions(signing(conflict_stated=False, password_ok=False))


def test_the_signing_form_warns_of_what_the_registry_lacks_before_a_password_is_typed():
    assert signing_blocker(signing()) is None
    overdue = signing(signer_declaration_current=False, signer_declaration_due_since="3 March 2026")
    assert "due since 3 March 2026" in signing_blocker(overdue)
    assert signing_blocker(signing(conflict_stated=False, password_ok=False)) is None  # form facts wait for the form


def test_registry_facts_nobody_gathered_refuse_the_signature():
    closed = situation(
        State.UNDER_REVIEW,
        {"Reviewer"},
        actor_on_round=True,
        password_ok=True,
        actor_edited_version=False,
        actor_signed_version=False,
        content_problems=(),
    )
    assert "You cannot sign" in refusal_of(closed)


def refusal_of(facts):
    with pytest.raises(TransitionNotAllowed) as refused:
        decide(Action.APPROVE, facts)
    return refused.value.message
