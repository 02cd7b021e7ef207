"""Signing checks the reviewer registry: credentials verified and current, a yearly
declaration on file, a conflict statement, and what the article asks of its signers.
A signature keeps what was stated and the credentials it relied on."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.lifecycle import TransitionNotAllowed
from articles.models import Event, Signature
from registry.models import Credential, Declaration, MemberSpecialty, Specialty
from tests.conftest import give_standing, unverified_licence
from tests.workflow import approve, claim, publish, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    return draft


def set_signers_policy(article, publisher, approvals_required=1, **signers):
    services.article_set_policy(
        article_id=article.pk,
        actor=publisher,
        review_policy="before",
        approvals_required=approvals_required,
        rereview_months=12,
        **signers,
    )


def cardiology_for(member):
    cardiology = Specialty.objects.create(name="Cardiology", created_at=timezone.now())
    MemberSpecialty.objects.create(member=member, specialty=cardiology)
    return cardiology


def refused(article, reviewer, **statement):
    with pytest.raises(TransitionNotAllowed) as refusal:
        approve(article, reviewer, **statement)
    assert not Signature.objects.filter(version=article.working_version).exists()
    return refusal.value.message


def test_an_expired_licence_is_refused_at_signing_naming_it_and_who_fixes_it(in_review, make_staff, publisher):
    lapsed = make_staff("lars", "Reviewer", standing=False)
    give_standing(lapsed, valid_until=timezone.now().date() + timedelta(days=1))
    Credential.objects.filter(member=lapsed).update(valid_until=timezone.now().date() - timedelta(days=2))
    services.article_assign(article_id=in_review.pk, actor=publisher, reviewer_id=lapsed.pk)
    message = refused(in_review, lapsed)
    assert "Medical licence" in message and "expired on" in message
    assert "Add the renewed one" in message and "a publisher then verifies it" in message


def test_an_unverified_licence_is_refused_until_a_publisher_verifies_it(in_review, make_staff, publisher):
    newcomer = make_staff("nora", "Reviewer", standing=False)
    Declaration.objects.create(member=newcomer, declared_at=timezone.now(), no_interests=True)
    unverified_licence(newcomer)
    services.article_assign(article_id=in_review.pk, actor=publisher, reviewer_id=newcomer.pk)
    message = refused(in_review, newcomer)
    assert "a publisher has not verified your Licence to practise: Medical licence, Ohio Board" in message


def test_a_member_with_no_licence_on_record_is_told_to_add_one(in_review, make_staff, publisher):
    bare = make_staff("bart", "Reviewer", standing=False)
    Declaration.objects.create(member=bare, declared_at=timezone.now(), no_interests=True)
    services.article_assign(article_id=in_review.pk, actor=publisher, reviewer_id=bare.pk)
    assert "no licence or board certification of yours is on record" in refused(in_review, bare)


def test_an_overdue_declaration_is_refused_with_the_day_it_fell_due(in_review, make_staff, publisher):
    late = make_staff("lena", "Reviewer", standing=False)
    filed = timezone.now() - timedelta(days=400)
    give_standing(late, declared_at=filed)
    services.article_assign(article_id=in_review.pk, actor=publisher, reviewer_id=late.pk)
    message = refused(in_review, late)
    assert f"due since {(filed + timedelta(days=365)):%-d %B %Y}" in message and "File it on Your registry" in message


def test_a_signature_without_a_conflict_statement_is_refused(in_review, reviewer):
    assert "State whether you have a conflict" in refused(in_review, reviewer, conflict=None)
    assert "State whether you have a conflict" in refused(in_review, reviewer, conflict="declared")


def test_a_declared_conflict_is_kept_in_the_signature_its_event_and_shown_to_readers(
    in_review, reviewer, publisher, client
):
    interest = "Speaker fees from Acme Pharma (2025)"
    signature = approve(in_review, reviewer, conflict="declared", conflict_interests=interest)
    assert (signature.conflict, signature.conflict_interests) == (Signature.CONFLICT_DECLARED, interest)
    assert signature.credentials_at_signing[0]["title"] == "Medical licence"
    assert signature.credentials_at_signing[0]["verified_at"]
    event = Event.objects.get(article=in_review, action="approve")
    assert event.details["conflict_interests"] == interest and interest in event.comment
    publish(in_review, publisher)

    page = client.get(f"/articles/{in_review.slug}/").content.decode()
    line = page[page.index("Reviewed by") :][:600]
    assert 'Rhea Tester, M.D., FACP</a> <span class="conflict">(declared a conflict of interest: ' in line
    assert interest in line
    json_ld = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert json_ld["reviewedBy"][0]["description"] == f"Declared a conflict of interest: {interest}"
    call_command("verify_audit", stdout=open("/dev/null", "w"))


def test_no_conflict_shows_nothing_beside_the_name(in_review, reviewer, publisher, client):
    approve(in_review, reviewer)
    publish(in_review, publisher)
    page = client.get(f"/articles/{in_review.slug}/").content.decode()
    assert "conflict of interest" not in page[page.index("Reviewed by") :][:600]


def test_an_article_that_forbids_conflicts_refuses_a_signer_who_declares_one(in_review, reviewer, publisher):
    set_signers_policy(in_review, publisher, conflicts_forbidden=True)
    message = refused(in_review, reviewer, conflict="declared", conflict_interests="Shares in Acme")
    assert "requires that no signer declares a conflict" in message
    assert approve(in_review, reviewer).conflict == Signature.NO_CONFLICT


def test_a_required_specialty_must_be_among_the_signers(in_review, reviewer, reviewer2, publisher):
    set_signers_policy(in_review, publisher, required_specialty=cardiology_for(reviewer2))
    event = Event.objects.filter(article=in_review, action="set_policy").last()
    assert event.details["new"]["required_specialty"] == "Cardiology"
    message = refused(in_review, reviewer)
    assert "needs a signer who practises Cardiology" in message and "A publisher can assign" in message
    services.article_assign(article_id=in_review.pk, actor=publisher, reviewer_id=reviewer2.pk)
    approve(in_review, reviewer2)
    in_review.refresh_from_db()
    assert in_review.state == "approved"


def test_with_two_approvals_the_non_specialist_may_sign_first(in_review, reviewer, reviewer2, publisher):
    set_signers_policy(in_review, publisher, approvals_required=2, required_specialty=cardiology_for(reviewer2))
    approve(in_review, reviewer)
    services.article_assign(article_id=in_review.pk, actor=publisher, reviewer_id=reviewer2.pk)
    approve(in_review, reviewer2)
    in_review.refresh_from_db()
    assert in_review.state == "approved"


def test_the_signature_keeps_what_was_verified_when_the_registry_changes_later(in_review, reviewer):
    signature = approve(in_review, reviewer)
    Credential.objects.filter(member=reviewer).update(valid_until=timezone.now().date() - timedelta(days=1))
    signature.refresh_from_db()
    assert signature.credentials_at_signing[0]["valid_until"] > timezone.now().date().isoformat()
