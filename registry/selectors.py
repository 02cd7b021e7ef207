"""Reads of the registry: a member's standing to sign, the publishers' lists, the
public profile's facts. Each a fixed number of queries whatever the registry holds."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Subquery

from accounts.roles import REVIEWER
from registry.models import Credential, Declaration, MemberSpecialty, Photo, Specialty

# The signing facts' words for the state of a member's licences and certifications.
VERIFIED, MISSING, UNVERIFIED, EXPIRED = "verified", "missing", "unverified", "expired"


@dataclass(frozen=True)
class Standing:
    """What the signing rules need to know of a member, as of `today`."""

    credentials: str  # VERIFIED, MISSING, UNVERIFIED or EXPIRED
    credentials_detail: str = ""  # which one, for the refusal
    declaration_due_since: object = None  # a date when the yearly declaration is overdue
    specialty_ids: frozenset = frozenset()
    verified: tuple = field(default=())  # the verified, current credentials (Credential rows)
    declaration: object = None  # the latest Declaration, if any

    def snapshot(self):
        """What a signature keeps of the credentials it relied on."""
        return [credential.snapshot() for credential in self.verified]


def declaration_due(declaration, now):
    """When the member's next yearly declaration falls due (now, if they never filed one)."""
    if declaration is None:
        return now.date()
    return (declaration.declared_at + timedelta(days=settings.DECLARATION_VALID_DAYS)).date()


# The latest of a member's declarations: the last declared, the last filed of a same instant.
LATEST_FIRST = ("-declared_at", "-id")


def latest_declaration(member_id):
    return Declaration.objects.filter(member_id=member_id).order_by(*LATEST_FIRST).first()


def latest_declaration_of_each():
    """A subquery on the members' rows (`OuterRef("pk")`): their declarations, latest first."""
    return Declaration.objects.filter(member=OuterRef("pk")).order_by(*LATEST_FIRST)


def _credentials_standing(credentials, today):
    """(state, detail): a member may sign on at least one verified, current licence or
    board certification. Degrees alone do not license anyone to practise."""
    practising = [c for c in credentials if c.kind in Credential.EXPIRING]
    current = [c for c in practising if c.is_verified and c.is_current(today)]
    if current:
        return VERIFIED, ""
    if not practising:
        return MISSING, ""
    expired = [c for c in practising if c.is_verified and not c.is_current(today)]
    if expired:
        latest = max(expired, key=lambda c: c.valid_until)
        return EXPIRED, f"{latest.described()} expired on {latest.valid_until:%-d %B %Y}"
    return UNVERIFIED, "; ".join(c.described() for c in practising)


def signing_standing(member, now):
    """The member's standing to sign at `now`: three queries."""
    today = now.date()
    credentials = list(Credential.objects.filter(member=member).select_related("verified_by__profile"))
    state, detail = _credentials_standing(credentials, today)
    declaration = latest_declaration(member.pk)
    due = declaration_due(declaration, now)
    return Standing(
        credentials=state,
        credentials_detail=detail,
        declaration_due_since=due if due <= today else None,
        specialty_ids=frozenset(MemberSpecialty.objects.filter(member=member).values_list("specialty_id", flat=True)),
        verified=tuple(c for c in credentials if c.is_verified and c.is_current(today)),
        declaration=declaration,
    )


def specialists_among(member_ids, specialty_id):
    """Do any of these members practise the specialty?"""
    return MemberSpecialty.objects.filter(member_id__in=member_ids, specialty_id=specialty_id).exists()


def specialties():
    return Specialty.objects.all()


def expiring_credentials(now, *, within_days=None):
    """Verified licences and certifications that expire within `within_days` (default
    CREDENTIAL_REMIND_DAYS) or have expired, of active members who hold no verified one
    of the same kind valid beyond that. One query."""
    days = settings.CREDENTIAL_REMIND_DAYS if within_days is None else within_days
    horizon = now.date() + timedelta(days=days)
    renewed = Credential.objects.filter(
        member=OuterRef("member"), kind=OuterRef("kind"), verified_at__isnull=False, valid_until__gt=horizon
    )
    return (
        Credential.objects.filter(
            member__is_active=True, kind__in=Credential.EXPIRING, verified_at__isnull=False, valid_until__lte=horizon
        )
        .exclude(Exists(renewed))
        .select_related("member__profile")
        .order_by("valid_until", "id")
    )


def credentials_to_verify():
    """Credentials of active members that no publisher has verified yet. One query."""
    return (
        Credential.objects.filter(member__is_active=True, verified_at__isnull=True)
        .select_related("member__profile", "added_by__profile")
        .order_by("added_at", "id")
    )


def board_members():
    """Active board members with their registry facts, for the publishers' page: five
    queries whatever the size of the board."""
    latest = latest_declaration_of_each()
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=REVIEWER)
        .select_related("profile")
        .annotate(declared_at=Subquery(latest.values("declared_at")[:1]))
        .prefetch_related(
            Prefetch("credentials", queryset=Credential.objects.select_related("verified_by__profile")),
            Prefetch("specialties", queryset=MemberSpecialty.objects.select_related("specialty")),
        )
        .order_by("profile__display_name", "username")
        .distinct()
    )


def public_registry(member, now):
    """What the public profile shows: verified current credentials, specialties and the
    interests of the latest declaration, the photo. Four queries."""
    today = now.date()
    credentials = Credential.objects.filter(member=member, verified_at__isnull=False).exclude(valid_until__lt=today)
    return {
        "photo": Photo.objects.filter(member=member).first(),
        "credentials": list(credentials),
        "specialties": [
            ms.specialty for ms in MemberSpecialty.objects.filter(member=member).select_related("specialty")
        ],
        "declaration": latest_declaration(member.pk),
    }
