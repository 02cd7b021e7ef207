"""Every write to the reviewer registry. Each change is an event in the account trail
(subject: the member), so the record says who entered, verified or declared what, when."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Profile
from accounts.roles import REVIEWER, roles_of
from articles.audit import record_trail_event
from articles.lifecycle import may_edit_registry_entry, may_verify_credential_of, may_verify_credentials
from core.errors import DomainError
from registry import photos
from registry.models import Credential, Declaration, MemberSpecialty, Photo, Specialty


class RegistryRefused(DomainError):
    """A registry change refused, with the reason for the person who asked."""


class RegistryForbidden(RegistryRefused):
    """Refused because of who asked (their role, or whose entry it is), not what they typed."""


def _record(actor, member, action, now, ip, comment, details=None):
    record_trail_event(
        kind="account",
        action=action,
        actor=actor,
        now=now,
        subject_id=member.pk,
        comment=comment,
        ip=ip,
        details={"username": member.get_username(), **(details or {})},
    )


def _member(member_id):
    try:
        return get_user_model().objects.select_related("profile").get(pk=member_id)
    except get_user_model().DoesNotExist:
        raise RegistryRefused("No such member.") from None


def _text(value, label, limit, *, required=True):
    value = (value or "").strip()
    if required and not value:
        raise RegistryRefused(f"Give the {label}.")
    if len(value) > limit:
        raise RegistryRefused(f"The {label} is longer than {limit} characters.")
    return value


def specialty_add(*, actor, name, ip=None, now=None):
    """A publisher adds a specialty to the controlled list. Refuses others, an empty or
    over-long name, and a name already listed (in any case)."""
    now = now or timezone.now()
    if not may_verify_credentials(roles_of(actor)):
        raise RegistryForbidden("Only a publisher can add a specialty.")
    name = _text(name, "specialty's name", 100)
    if Specialty.objects.filter(name__iexact=name).exists():
        raise RegistryRefused(f"{name} is already on the list.")
    try:
        with transaction.atomic():
            specialty = Specialty.objects.create(name=name, created_at=now)
            record_trail_event(
                kind="site",
                action="specialty_added",
                actor=actor,
                now=now,
                subject_id=f"specialty:{specialty.pk}",
                comment=f"specialty added: {name}",
                ip=ip,
                details={"new": {"name": name}},
            )
    except IntegrityError:
        raise RegistryRefused(f"{name} is already on the list.") from None
    return specialty


def member_set_specialties(*, actor, member_id, specialty_ids, ip=None, now=None):
    """A publisher sets which listed specialties a board member practises (what a
    specialty quorum counts). Refuses others and unknown specialties."""
    now = now or timezone.now()
    if not may_verify_credentials(roles_of(actor)):
        raise RegistryForbidden("Only a publisher can set a member's specialties.")
    wanted = set(Specialty.objects.filter(pk__in=[int(i) for i in specialty_ids]).values_list("pk", flat=True))
    if len(wanted) != len(set(map(int, specialty_ids))):
        raise RegistryRefused("Choose specialties from the list.")
    with transaction.atomic():
        member = _member(member_id)
        old = set(MemberSpecialty.objects.filter(member=member).values_list("specialty_id", flat=True))
        if old == wanted:
            return False
        MemberSpecialty.objects.filter(member=member).exclude(specialty_id__in=wanted).delete()
        MemberSpecialty.objects.bulk_create([MemberSpecialty(member=member, specialty_id=i) for i in wanted - old])
        names = dict(Specialty.objects.filter(pk__in=old | wanted).values_list("pk", "name"))
        _record(
            actor,
            member,
            "specialties_set",
            now,
            ip,
            f"specialties of {member.profile.name}: {', '.join(sorted(names[i] for i in wanted)) or 'none'}",
            {
                "old": {"specialties": sorted(names[i] for i in old)},
                "new": {"specialties": sorted(names[i] for i in wanted)},
            },
        )
    return True


def credential_add(*, actor, member_id, kind, title, issuer, number="", region="", valid_until=None, ip=None, now=None):
    """The member, or a publisher, enters a degree, licence or board certification; it
    counts for signing once another publisher verifies it. Refuses anyone else, an
    unknown kind, missing title or issuer, and a licence or certification without a
    "valid until" date or with one already past."""
    now = now or timezone.now()
    if not may_edit_registry_entry(actor_id=actor.pk, actor_roles=roles_of(actor), member_id=int(member_id)):
        raise RegistryForbidden("Only the member or a publisher can add credentials.")
    if kind not in dict(Credential.KINDS):
        raise RegistryRefused("Choose a kind: degree, licence to practise or board certification.")
    fields = {
        "title": _text(title, "title", 150),
        "issuer": _text(issuer, "issuer", 200),
        "number": _text(number, "number", 100, required=False),
        "region": _text(region, "region", 100, required=False),
    }
    if valid_until is not None and not isinstance(valid_until, date):
        raise RegistryRefused("Give “valid until” as a date (YYYY-MM-DD).")
    if kind in Credential.EXPIRING and valid_until is None:
        raise RegistryRefused("A licence or board certification needs the date it is valid until.")
    if valid_until is not None and valid_until < now.date():
        raise RegistryRefused(
            f"“Valid until” ({valid_until:%-d %B %Y}) is in the past: enter a current licence or certification."
        )
    with transaction.atomic():
        member = _member(member_id)
        credential = Credential.objects.create(
            member=member, kind=kind, valid_until=valid_until, added_by=actor, added_at=now, **fields
        )
        _record(
            actor,
            member,
            "credential_added",
            now,
            ip,
            f"credential added, to be verified: {credential.described()}",
            {"credential": credential.pk, "new": credential.snapshot()},
        )
    return credential


def credential_verify(*, actor, credential_id, note, ip=None, now=None):
    """A publisher records that they verified a credential (with a note of how: the
    register consulted, the document seen). Refuses anyone else, a publisher verifying
    their own, a missing note, an expired credential and one verified already."""
    now = now or timezone.now()
    note = _text(note, "note of how you verified it", 500)
    with transaction.atomic():
        try:
            credential = Credential.objects.select_for_update().get(pk=credential_id)
        except Credential.DoesNotExist:
            raise RegistryRefused("No such credential.") from None
        if not may_verify_credential_of(actor_id=actor.pk, actor_roles=roles_of(actor), member_id=credential.member_id):
            raise RegistryForbidden(
                "Only a publisher can verify credentials, and never their own: another publisher must."
            )
        if credential.is_verified:
            raise RegistryRefused("This credential is verified already.")
        if not credential.is_current(now.date()):
            raise RegistryRefused("This credential has expired; the member adds the renewed one to verify.")
        credential.verified_by, credential.verified_at, credential.verification_note = actor, now, note
        credential.save(update_fields=["verified_by", "verified_at", "verification_note"])
        member = _member(credential.member_id)
        _record(
            actor,
            member,
            "credential_verified",
            now,
            ip,
            f"credential verified: {credential.described()} ({note})",
            {"credential": credential.pk, "note": note, "new": credential.snapshot()},
        )
    return credential


def declaration_file(*, actor, no_interests, interests="", ip=None, now=None):
    """A board member files their yearly declaration of interests: none, or the
    interests listed. Refuses someone not on the board, an empty list of interests, and
    interests listed while saying there are none."""
    now = now or timezone.now()
    if REVIEWER not in roles_of(actor):
        raise RegistryForbidden("Only members of the Medical Advisory Board file declarations of interests.")
    interests = _text(interests, "interests", 4000, required=False)
    if no_interests and interests:
        raise RegistryRefused("You chose “no interests to declare” but listed some: choose one.")
    if not no_interests and not interests:
        raise RegistryRefused("List your interests (employers, grants, fees, shares), or declare none.")
    with transaction.atomic():
        declaration = Declaration.objects.create(
            member=actor, declared_at=now, no_interests=bool(no_interests), interests=interests
        )
        _record(
            actor,
            actor,
            "declaration_filed",
            now,
            ip,
            "declared no interests" if no_interests else f"declared interests: {interests[:300]}",
            {"declaration": declaration.pk, "new": {"no_interests": bool(no_interests), "interests": interests}},
        )
    return declaration


def bio_update(*, actor, bio, ip=None, now=None):
    """A member edits their own short bio (shown on their public page). Refuses more
    than 4,000 characters."""
    now = now or timezone.now()
    bio = _text(bio, "bio", 4000, required=False).replace("\r\n", "\n")
    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(user=actor)
        if profile.bio == bio:
            return False
        old, profile.bio = profile.bio, bio
        profile.save(update_fields=["bio"])
        _record(actor, actor, "bio_changed", now, ip, "bio changed", {"old": {"bio": old}, "new": {"bio": bio}})
    return True


def photo_replace(*, actor, upload, ip=None, now=None):
    """A member uploads their photo: it must decode in full as a JPEG, PNG or WebP image
    of sensible size; what is stored is a re-encoded JPEG, at most 800 pixels a side,
    without metadata. Refuses anything else (photos.BadPhoto), storing nothing."""
    now = now or timezone.now()
    content, width, height = photos.rendition(photos.decoded(upload))
    with transaction.atomic():
        photo = Photo.objects.select_for_update().filter(member=actor).first() or Photo(member=actor)
        old_name = photo.image.name if photo.pk else ""
        photo.width, photo.height, photo.uploaded_at = width, height, now
        photo.image.save(f"{actor.profile.slug}.jpg", ContentFile(content), save=False)
        photo.save()
        _record(actor, actor, "photo_changed", now, ip, "photo changed", {"width": width, "height": height})
        if old_name and old_name != photo.image.name:
            storage = photo.image.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return photo
