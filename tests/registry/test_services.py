"""Entering, verifying and declaring in the registry: who may, what is refused, what
the account trail keeps."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import ProgrammingError, transaction
from django.utils import timezone

from articles.models import Event
from registry import services
from registry.models import Credential, Declaration, MemberSpecialty, Specialty
from registry.selectors import EXPIRED, MISSING, UNVERIFIED, VERIFIED, signing_standing

pytestmark = pytest.mark.django_db
NEXT_YEAR = timezone.now().date() + timedelta(days=365)


@pytest.fixture
def newcomer(make_staff):
    return make_staff("nora", "Reviewer", standing=False)


def add_licence(actor, member, **fields):
    return services.credential_add(
        actor=actor,
        member_id=member.pk,
        kind=fields.pop("kind", Credential.LICENCE),
        title=fields.pop("title", "Medical licence"),
        issuer=fields.pop("issuer", "Ohio State Medical Board"),
        number=fields.pop("number", "35-123"),
        region="Ohio",
        valid_until=fields.pop("valid_until", NEXT_YEAR),
    )


def test_a_member_enters_a_licence_and_another_publisher_verifies_it(newcomer, publisher):
    now = timezone.now()
    assert signing_standing(newcomer, now).credentials == MISSING
    licence = add_licence(newcomer, newcomer)
    assert signing_standing(newcomer, now).credentials == UNVERIFIED
    services.credential_verify(actor=publisher, credential_id=licence.pk, note="Ohio eLicense lookup")
    licence.refresh_from_db()
    assert (licence.verified_by, licence.verification_note) == (publisher, "Ohio eLicense lookup")
    assert signing_standing(newcomer, now).credentials == VERIFIED
    events = Event.objects.filter(chain="account", subject_id=str(newcomer.pk))
    assert list(events.values_list("action", "actor__username")) == [
        ("credential_added", "nora"),
        ("credential_verified", "paula"),
    ]
    assert events.last().details["note"] == "Ohio eLicense lookup"
    call_command("verify_audit", stdout=open("/dev/null", "w"))


@pytest.mark.parametrize(
    ("valid_until", "message"),
    [
        (timezone.now().date() - timedelta(days=1), "is in the past"),
        (None, "needs the date it is valid until"),
    ],
)
def test_a_licence_without_a_future_valid_until_is_refused_and_nothing_stored(newcomer, valid_until, message):
    with pytest.raises(services.RegistryRefused, match=message):
        add_licence(newcomer, newcomer, valid_until=valid_until)
    assert not Credential.objects.exists()
    assert not Event.objects.filter(action="credential_added").exists()


def test_a_degree_needs_no_expiry(newcomer):
    degree = add_licence(newcomer, newcomer, kind=Credential.DEGREE, title="M.D.", valid_until=None)
    assert degree.valid_until is None


def test_nobody_verifies_their_own_credentials_and_only_publishers_verify(newcomer, make_staff, editor):
    both = make_staff("bea", "Reviewer", "Publisher", standing=False)
    own = add_licence(both, both)
    with pytest.raises(services.RegistryRefused, match="never their own"):
        services.credential_verify(actor=both, credential_id=own.pk, note="I know myself")
    licence = add_licence(newcomer, newcomer)
    with pytest.raises(services.RegistryRefused, match="Only a publisher"):
        services.credential_verify(actor=editor, credential_id=licence.pk, note="looked")
    with pytest.raises(services.RegistryRefused, match="Give the note"):
        services.credential_verify(actor=both, credential_id=licence.pk, note="  ")
    assert not Credential.objects.filter(verified_at__isnull=False).exists()


def test_only_the_member_or_a_publisher_enters_credentials(newcomer, editor):
    with pytest.raises(services.RegistryRefused, match="Only the member or a publisher"):
        add_licence(editor, newcomer)


def test_an_expired_verified_licence_makes_the_member_expired(newcomer, publisher):
    licence = add_licence(newcomer, newcomer)
    services.credential_verify(actor=publisher, credential_id=licence.pk, note="register")
    later = timezone.now() + timedelta(days=400)
    standing = signing_standing(newcomer, later)
    assert standing.credentials == EXPIRED and "expired on" in standing.credentials_detail


def test_a_declaration_is_none_or_listed_never_both_and_due_a_year_later(newcomer):
    with pytest.raises(services.RegistryRefused, match="choose one"):
        services.declaration_file(actor=newcomer, no_interests=True, interests="Shares")
    with pytest.raises(services.RegistryRefused, match="List your interests"):
        services.declaration_file(actor=newcomer, no_interests=False, interests="")
    assert not Declaration.objects.exists()
    now = timezone.now()
    services.declaration_file(actor=newcomer, no_interests=False, interests="Advisory board, Acme", now=now)
    assert signing_standing(newcomer, now).declaration_due_since is None
    assert signing_standing(newcomer, now + timedelta(days=366)).declaration_due_since is not None


def test_only_board_members_file_declarations(editor):
    with pytest.raises(services.RegistryRefused, match="Only members of the Medical Advisory Board"):
        services.declaration_file(actor=editor, no_interests=True)


def test_specialties_are_a_list_publishers_keep(publisher, newcomer):
    cardiology = services.specialty_add(actor=publisher, name="Cardiology")
    with pytest.raises(services.RegistryRefused, match="already on the list"):
        services.specialty_add(actor=publisher, name="cardiology")
    with pytest.raises(services.RegistryRefused, match="Only a publisher"):
        services.specialty_add(actor=newcomer, name="Oncology")
    services.member_set_specialties(actor=publisher, member_id=newcomer.pk, specialty_ids=[str(cardiology.pk)])
    assert list(MemberSpecialty.objects.values_list("specialty__name", flat=True)) == ["Cardiology"]
    with pytest.raises(services.RegistryRefused, match="Choose specialties from the list"):
        services.member_set_specialties(actor=publisher, member_id=newcomer.pk, specialty_ids=["999999"])
    assert Specialty.objects.count() == 1


def test_the_member_edits_their_own_bio_and_it_is_recorded(newcomer):
    assert services.bio_update(actor=newcomer, bio="Cardiologist in Toledo.")
    assert not services.bio_update(actor=newcomer, bio="Cardiologist in Toledo.")
    newcomer.profile.refresh_from_db()
    assert newcomer.profile.bio == "Cardiologist in Toledo."
    assert Event.objects.filter(action="bio_changed", subject_id=str(newcomer.pk)).count() == 1


def test_the_runtime_role_cannot_rewrite_a_declaration(newcomer):
    declaration = services.declaration_file(actor=newcomer, no_interests=True)
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        Declaration.objects.filter(pk=declaration.pk).update(no_interests=False, interests="rewritten")
