"""verify_audit's check that a live page tells readers what its signatures say: who
approved it, and the conflict of interest each signer declared beside their name."""

from articles.audit import public_facts_problem

REVIEWERS = [
    {"printed_name": "Dr Ada Lovelace", "conflict": "Consults for Acme"},
    {"printed_name": "Dr Alan Turing"},
]
SIGNATURES = [(7, 1, "Dr Ada Lovelace", "Consults for Acme"), (7, 2, "Dr Alan Turing", "")]


def test_a_page_that_shows_its_signers_and_their_conflicts_passes():
    assert public_facts_problem([(7, "asthma", 2, True, REVIEWERS)], SIGNATURES) is None


def test_a_page_that_hides_a_declared_conflict_is_reported():
    hidden = [{"printed_name": "Dr Ada Lovelace"}, {"printed_name": "Dr Alan Turing"}]
    problem = public_facts_problem([(7, "asthma", 2, True, hidden)], SIGNATURES)
    assert problem == "article 7 (asthma) does not show readers the conflicts of interest its signers declared"


def test_a_page_that_names_someone_who_did_not_sign_is_reported():
    wrong = [REVIEWERS[0], {"printed_name": "Dr Grace Hopper"}]
    problem = public_facts_problem([(7, "asthma", 2, True, wrong)], SIGNATURES)
    assert "tells readers it was approved by Dr Ada Lovelace, Dr Grace Hopper" in problem
    assert "signatures say approved by Dr Ada Lovelace, Dr Alan Turing" in problem


def test_signatures_of_other_articles_are_not_counted():
    signatures = [(5, 9, "Dr Grace Hopper", ""), *SIGNATURES, (8, 3, "Dr Grace Hopper", "")]
    articles = [(5, "flu", 1, False, []), (7, "asthma", 2, True, REVIEWERS)]
    assert public_facts_problem(articles, signatures) == (
        "article 5 (flu) tells readers it was not approved, but its live version's signatures say approved"
        " by Dr Grace Hopper"
    )
