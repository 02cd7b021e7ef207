"""Two-factor sign-in and signing: a TOTP authenticator app (django-otp) and single-use
recovery codes (accounts.models.RecoveryCodes, stored as keyed hashes).

Reviewers, publishers and administrators must enrol (REQUIRE_TWO_FACTOR, on by default);
anyone enrolled uses it. After the password, `TwoFactorMiddleware` opens nothing but the
code page until the session passed a code, and nothing but the enrolment page to someone
who must enrol and has not. Signing asks for a fresh code beside the password
(`signing_code_ok`, called by the signing services next to their password check).
Enrolment, new recovery codes, a reset and every code typed at sign-in are in the trail."""

import re
import secrets
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode, RecoveryCodes, recovery_code_digest
from accounts.roles import ACCOUNT_MANAGER, PUBLISHER, REVIEWER, roles_of
from accounts.sessions import end_sessions_of
from articles.audit import record_trail_event
from articles.lifecycle import CODE_HINT, may_reset_two_factor
from core.errors import DomainError
from notifications.services import notify

AUTHENTICATOR = "authenticator app"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l, o, 0, 1: read off paper without doubt
RECOVERY_CODE_LENGTH = 10  # 50 bits each
TOTP_CODE = re.compile(r"^[0-9]{6}$")
RECOVERY_CODE = re.compile(rf"^[{RECOVERY_ALPHABET}]{{{RECOVERY_CODE_LENGTH}}}$")
# Those who sign, and the account managers who grant the roles that sign.
TWO_FACTOR_ROLES = frozenset({REVIEWER, PUBLISHER, ACCOUNT_MANAGER})


class TwoFactorRefused(DomainError):
    """A refused two-factor step, with a message for the person who asked."""


class MalformedCode(TwoFactorRefused):
    """What was typed is no code at all: refused before anything is checked or stored."""

    default_message = (
        "A code is the 6 digits your authenticator app shows now, or one of your recovery codes "
        f"({RECOVERY_CODE_LENGTH} letters and digits, like abcde-fgh23)."
    )


class CodeNotAccepted(TwoFactorRefused):
    default_message = f"That code was not accepted: {CODE_HINT}"


# ---------------------------------------------------------------- who needs what


def required_for(user):
    """Whether the person must enrol: anyone who signs (reviewers, publishers), and the
    account managers and administrators who could change who signs, unless
    REQUIRE_TWO_FACTOR is off."""
    if not settings.REQUIRE_TWO_FACTOR or not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(roles_of(user) & TWO_FACTOR_ROLES)


def authenticator_of(user):
    """The person's confirmed authenticator (a TOTP device), or None."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def is_enrolled(user):
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def code_needed(user):
    """Whether signing in and signing ask this person for a code."""
    return required_for(user) or is_enrolled(user)


def clean_code(typed):
    """The code as checked: spaces and dashes dropped, lower case. MalformedCode when it
    is neither 6 digits nor shaped like a recovery code."""
    code = re.sub(r"[\s-]", "", str(typed or "")).lower()
    if TOTP_CODE.match(code) or RECOVERY_CODE.match(code):
        return code
    raise MalformedCode()


def _accepting_device(user, code):
    """The device that accepts `code`, spending it (a TOTP step is not accepted twice, a
    recovery code is deleted), or None. Each try is throttled by its device."""
    model = TOTPDevice if code.isdigit() else RecoveryCodes
    for device in model.objects.filter(user_id=user.pk, confirmed=True):
        if django_otp.verify_token(user, device.persistent_id, code):
            return device
    return None


def _method(device):
    return "recovery code" if isinstance(device, RecoveryCodes) else AUTHENTICATOR


def _record_own(kind, action, user, ip, now, comment, **details):
    """Record in the trail a two-factor step a person took on their own account."""
    return record_trail_event(
        kind=kind,
        action=action,
        actor=user,
        now=now,
        subject_id=user.pk,
        ip=ip,
        comment=f"{user.get_username()}: {comment}",
        details={"username": user.get_username(), **details},
    )


# ---------------------------------------------------------------- signing in and signing


def sign_in_second_factor(*, user, code, ip, now):
    """The second step of signing in: check `code` and record the attempt in the sign-in
    chain. Returns the device that accepted it (the view marks the session with it).
    Refuses a malformed code (nothing recorded) and a wrong or spent one (CodeNotAccepted)."""
    code = clean_code(code)
    device = _accepting_device(user, code)
    if device is None:
        _record_own("sign-in", "second_factor_failed", user, ip, now, "two-factor code not accepted at sign-in")
        raise CodeNotAccepted()
    method = _method(device)
    _record_own("sign-in", "second_factor_passed", user, ip, now, f"signed in with a {method}", method=method)
    return device


def signing_code_ok(actor, code, *, password_ok):
    """Whether the second factor of a signature holds: True for a person who needs none;
    otherwise a fresh code, spent here, checked only once the password was right (a wrong
    password spends nothing). No code typed is a refusal like a wrong one; something typed
    that is no code at all is MalformedCode, before anything is checked or recorded. A
    refusal is recorded by the signing service with the attempt."""
    if not code_needed(actor):
        return True
    if not str(code or "").strip():
        return False
    code = clean_code(code)
    if not password_ok:
        return False
    return _accepting_device(actor, code) is not None


# ---------------------------------------------------------------- enrolment and recovery codes


def enrolment_device(user):
    """The authenticator being enrolled: one unconfirmed TOTP device, made when first asked
    for and kept until confirmed, so the QR code stays the same on reload."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def qr_code_svg(device):
    """The device's otpauth:// address as an inline SVG QR code, drawn here (no outside
    service sees the secret). Only the path variant renders when inlined in HTML."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    return image.to_string(encoding="unicode")


def secret_for_typing(device):
    """The secret in base32, in groups of four, for apps that take it typed."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_recovery_code():
    code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{code[:5]}-{code[5:]}"


def _replace_recovery_codes(user):
    """New recovery codes for `user`, replacing any left; returns them as shown (once)."""
    device, _ = RecoveryCodes.objects.get_or_create(user=user, defaults={"name": "recovery codes", "confirmed": True})
    device.codes.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, digest=recovery_code_digest(clean_code(code))) for code in codes]
    )
    return codes


def recovery_codes_left(user):
    return RecoveryCode.objects.filter(device__user_id=user.pk).count()


def two_factor_enrol(*, user, device_id, code, ip, now):
    """Confirm the authenticator being enrolled with a code it shows now, make recovery
    codes and record the enrolment. Returns (device, recovery codes, shown only now).
    Refuses a malformed or wrong code, and an enrolment replaced or finished meanwhile."""
    code = clean_code(code)
    if not code.isdigit():
        raise MalformedCode("Type the 6-digit code your authenticator app shows for Imprimatur.")
    device = TOTPDevice.objects.filter(user_id=user.pk, pk=device_id, confirmed=False).first()
    if device is None or is_enrolled(user):
        raise TwoFactorRefused("This enrolment was finished or replaced meanwhile: reload the page.")
    if not django_otp.verify_token(user, device.persistent_id, code):
        raise CodeNotAccepted(
            "That code was not accepted. Check that the app shows the account just scanned, and type "
            "the code it shows now (after a wrong code, wait a few seconds before the next try)."
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        codes = _replace_recovery_codes(user)
        comment = f"two-factor sign-in enrolled, {len(codes)} recovery codes made"
        _record_own("account", "two_factor_enrolled", user, ip, now, comment, recovery_codes=len(codes))
    return device, codes


def recovery_codes_regenerate(*, user, code, ip, now):
    """New recovery codes for someone enrolled, who proves it with a fresh code; the old
    codes stop working. Returns the codes (shown only now)."""
    code = clean_code(code)
    if not is_enrolled(user):
        raise TwoFactorRefused("Enrol an authenticator app first: recovery codes come with it.")
    if _accepting_device(user, code) is None:
        raise CodeNotAccepted()
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        comment = "new recovery codes made, the old ones void"
        _record_own("account", "recovery_codes_replaced", user, ip, now, comment, recovery_codes=len(codes))
    return codes


def two_factor_reset(*, actor, user_id, ip, now):
    """Remove a person's authenticator and recovery codes and end their sessions, so that
    their next sign-in (password first) enrols anew (for a lost phone). Recorded, and the
    person is told. Refuses anyone but
    a publisher or an administrator, one's own reset, and a person with nothing to reset."""
    if not may_reset_two_factor(
        actor_roles=roles_of(actor), actor_is_superuser=actor.is_superuser, actor_id=actor.pk, person_id=user_id
    ):
        raise TwoFactorRefused(
            "Only a publisher or an administrator resets someone's two-factor sign-in, and nobody resets "
            "their own: ask another publisher."
        )
    with transaction.atomic():
        person = get_user_model().objects.select_for_update().filter(pk=user_id).first()
        if person is None:
            raise TwoFactorRefused("There is no such account.")
        removed = TOTPDevice.objects.filter(user=person).delete()[0]
        removed += RecoveryCodes.objects.filter(user=person).delete()[0]
        if not removed:
            raise TwoFactorRefused(f"{person.get_username()} has no two-factor sign-in to reset.")
        # A session open now must not enrol a new authenticator without the password.
        sessions_ended = end_sessions_of(person)
        event = record_trail_event(
            kind="account",
            action="two_factor_reset",
            actor=actor,
            now=now,
            subject_id=person.pk,
            ip=ip,
            comment=f"{person.get_username()}: two-factor sign-in reset; the next sign-in enrols anew",
            details={"username": person.get_username(), "sessions": sessions_ended},
        )
        notify(
            kind="two_factor",
            recipients=[person],
            key=f"two-factor-reset:{event.pk}",
            now=now,
            url=reverse("two_factor"),
            facts={"actor": actor.profile.printed_name},
        )
    return event


def team_two_factor():
    """Active accounts that must or do use two-factor, with whether each is enrolled, for
    the publishers' reset page: one query however many people."""
    enrolled = TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(enrolled=Exists(enrolled))
        .filter(Q(enrolled=True) | Q(is_superuser=True) | Q(groups__name__in=TWO_FACTOR_ROLES))
        .select_related("profile")
        .distinct()
        .order_by("username")
    )


# ---------------------------------------------------------------- the gate after the password

# Pages a signed-in session may open before it passed its code.
OPEN_BEFORE_CODE = frozenset({"two_factor_verify", "logout", "admin:logout", "healthz"})


class TwoFactorMiddleware:
    """After the password, the code: a session whose person has an authenticator opens
    only the code page (and signing out) until it passed a code; one who must enrol and
    has not opens only the enrolment page. The admin site is behind the same gate. The
    API answers personal tokens, not sessions, and has no signing action: not gated.
    It answers before the view is resolved by later middleware (the password-age page),
    so nothing else opens first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.gate(request) or self.get_response(request)

    def gate(self, request):
        user = request.user
        if not user.is_authenticated or request.path.startswith("/api/"):
            return None
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            return None
        if view_name in OPEN_BEFORE_CODE or user.is_verified():
            return None
        if is_enrolled(user):
            return _redirect_with_next("two_factor_verify", request)
        if required_for(user) and view_name != "two_factor":
            return _redirect_with_next("two_factor", request)
        return None


def _redirect_with_next(view_name, request):
    return redirect(f"{reverse(view_name)}?{urlencode({'next': request.get_full_path()})}")
