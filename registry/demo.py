"""Standing to sign for the demo reviewers: a verified, current licence and a current
declaration of interests, entered through the registry's services so the account
trail records them as it would for anyone."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from registry import services
from registry.models import Credential, Declaration, Specialty


def make_eligible(member, *, verifier, now, licence_number=None, specialties=(), years=3):
    """Give `member` a licence verified by `verifier` (valid `years` more years) and a
    declaration of no interests filed now, unless they have both already; and put them
    on the listed `specialties` (names, added to the list if missing). Idempotent."""
    today = now.date()
    has_licence = Credential.objects.filter(
        member=member, kind=Credential.LICENCE, verified_at__isnull=False, valid_until__gt=today + timedelta(days=60)
    ).exists()
    if not has_licence:
        licence = services.credential_add(
            actor=verifier,
            member_id=member.pk,
            kind=Credential.LICENCE,
            title="Medical licence",
            issuer="State Medical Board (fictional)",
            number=licence_number or f"DEMO-{member.pk:05d}",
            region="Ohio",
            valid_until=today.replace(year=today.year + years),
            now=now,
        )
        services.credential_verify(
            actor=verifier, credential_id=licence.pk, note="Checked against the board's online register", now=now
        )
    if not Declaration.objects.filter(member=member, declared_at__gt=now - timedelta(days=300)).exists():
        services.declaration_file(actor=member, no_interests=True, now=now)
    if specialties:
        wanted = [
            Specialty.objects.filter(name__iexact=name).first()
            or services.specialty_add(actor=verifier, name=name, now=now)
            for name in specialties
        ]
        current = set(member.specialties.values_list("specialty_id", flat=True))
        services.member_set_specialties(
            actor=verifier, member_id=member.pk, specialty_ids=sorted(current | {s.pk for s in wanted}), now=now
        )
    return get_user_model().objects.get(pk=member.pk)
