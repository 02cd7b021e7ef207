"""The reviewer registry's desk pages: each board member's own entry, and the
publishers' page (credentials to verify, the board, the list of specialties).
Thin: parse the form, call a service, show the refusal with what was typed."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from accounts.roles import REVIEWER, roles_of
from articles.lifecycle import may_verify_credentials
from core.errors import DomainError
from core.web import client_ip, declared_length, desk_view, form_post
from registry import selectors, services
from registry.models import Credential

CREDENTIAL_FIELDS = ("kind", "title", "issuer", "number", "region", "valid_until")


def _status(refusal):
    return 403 if isinstance(refusal, services.RegistryForbidden) else 400


def _require_member(user):
    if REVIEWER not in roles_of(user):
        raise PermissionDenied("Only members of the Medical Advisory Board have a registry entry.")


def _require_publisher(user):
    if not may_verify_credentials(roles_of(user)):
        raise PermissionDenied("Only publishers keep the reviewer registry.")


def _mine_page(request, *, error=None, values=None, status=200):
    now = timezone.now()
    member = request.user
    standing = selectors.signing_standing(member, now)
    return render(
        request,
        "registry/mine.html",
        {
            "standing": standing,
            "credentials": member.credentials.select_related("verified_by__profile"),
            "declaration_due": selectors.declaration_due(standing.declaration, now),
            "photo": getattr(member, "photo", None),
            "kinds": Credential.KINDS,
            "values": values or {"bio": member.profile.bio},
            "error": error,
            "max_photo_mb": settings.PHOTO_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


def _index_page(request, *, error=None, values=None, status=200):
    now = timezone.now()
    return render(
        request,
        "registry/index.html",
        {
            "to_verify": selectors.credentials_to_verify(),
            "expiring": selectors.expiring_credentials(now),
            "members": selectors.board_members(),
            "specialties": list(selectors.specialties()),
            "kinds": Credential.KINDS,
            "values": values or {},
            "error": error,
            "today": now.date(),
        },
        status=status,
    )


@require_safe
@desk_view
def mine(request):
    _require_member(request.user)
    return _mine_page(request)


@require_safe
@desk_view
def index(request):
    _require_publisher(request.user)
    return _index_page(request)


def _refused(request, error, values, *, status=400):
    """Show the page the form came from again, with the reason and what was typed."""
    if request.POST.get("from") == "index" and may_verify_credentials(roles_of(request.user)):
        return _index_page(request, error=error, values=values, status=status)
    return _mine_page(request, error=error, values=values, status=status)


def _valid_until(text):
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise services.RegistryRefused(f"“{text}” is not a date: give “valid until” as YYYY-MM-DD.") from None


@form_post("registry:mine")
@desk_view
def add_credential(request):
    values = {name: request.POST.get(name, "") for name in (*CREDENTIAL_FIELDS, "member")}
    member_id = values["member"] or request.user.pk
    try:
        services.credential_add(
            actor=request.user,
            member_id=int(member_id),
            **{name: values[name] for name in CREDENTIAL_FIELDS if name != "valid_until"},
            valid_until=_valid_until(values["valid_until"]),
            ip=client_ip(request),
        )
    except ValueError:
        return _refused(request, "Choose a member of the board.", values)
    except DomainError as refusal:
        return _refused(request, refusal.message, values, status=_status(refusal))
    messages.success(request, "Credential added. A publisher verifies it before it counts for signing.")
    return redirect("registry:index" if request.POST.get("from") == "index" else "registry:mine")


@form_post("registry:index")
@desk_view
def verify(request, credential_id):
    _require_publisher(request.user)
    values = {"note": request.POST.get("note", ""), "credential": credential_id}
    try:
        services.credential_verify(
            actor=request.user, credential_id=credential_id, note=values["note"], ip=client_ip(request)
        )
    except DomainError as refusal:
        return _index_page(request, error=refusal.message, values=values, status=_status(refusal))
    messages.success(request, "Credential verified; the record names you and your note.")
    return redirect("registry:index")


def _on_own_entry(request, values, change):
    """Run `change` (which returns the message to show) on the member's own entry; on a
    refusal show the entry again with the reason and what was typed."""
    _require_member(request.user)
    try:
        done = change()
    except DomainError as refusal:
        return _mine_page(request, error=refusal.message, values=values, status=_status(refusal))
    messages.success(request, done)
    return redirect("registry:mine")


@form_post("registry:mine")
@desk_view
def declare(request):
    values = {"no_interests": request.POST.get("no_interests", ""), "interests": request.POST.get("interests", "")}
    none = values["no_interests"] == "yes"

    def file_it():
        interests = "" if none else values["interests"]
        services.declaration_file(actor=request.user, no_interests=none, interests=interests, ip=client_ip(request))
        return "Your declaration of interests is filed for the year."

    return _on_own_entry(request, values, file_it)


@form_post("registry:mine")
@desk_view
def bio(request):
    values = {"bio": request.POST.get("bio", "")}

    def save_it():
        changed = services.bio_update(actor=request.user, bio=values["bio"], ip=client_ip(request))
        return "Your bio was saved." if changed else "Nothing changed."

    return _on_own_entry(request, values, save_it)


@csrf_exempt  # checked by _photo below, once the size is known to be acceptable
@form_post("registry:mine")
@desk_view
def photo(request):
    """Refuse an upload that says it is too big before reading it (and before the CSRF
    check, which would read the whole body to find its token)."""
    _require_member(request.user)
    if declared_length(request) > settings.PHOTO_MAX_BYTES + 64 * 1024:  # room for the form's other fields
        mb = settings.PHOTO_MAX_BYTES // (1024 * 1024)
        response = _mine_page(request, error=f"This file is too large: a photo may be at most {mb} MB.", status=413)
        response["Connection"] = "close"  # the unread body is not to be taken as the next request
        return response
    return _photo(request)


@csrf_protect
def _photo(request):
    upload = request.FILES.get("photo")
    if upload is None:
        return _mine_page(request, error="Choose a photo to upload.", status=400)
    if upload.size > settings.PHOTO_MAX_BYTES:
        mb = settings.PHOTO_MAX_BYTES // (1024 * 1024)
        return _mine_page(request, error=f"This file is too large: a photo may be at most {mb} MB.", status=413)
    try:
        services.photo_replace(actor=request.user, upload=upload, ip=client_ip(request))
    except DomainError as refusal:
        return _mine_page(request, error=refusal.message, status=400)
    messages.success(request, "Your photo was saved (resized, with its metadata removed).")
    return redirect("registry:mine")


@form_post("registry:index")
@desk_view
def add_specialty(request):
    values = {"specialty": request.POST.get("name", "")}
    try:
        services.specialty_add(actor=request.user, name=values["specialty"], ip=client_ip(request))
    except DomainError as refusal:
        return _index_page(request, error=refusal.message, values=values, status=_status(refusal))
    messages.success(request, "Specialty added to the list.")
    return redirect("registry:index")


@form_post("registry:index")
@desk_view
def set_specialties(request, member_id):
    try:
        services.member_set_specialties(
            actor=request.user,
            member_id=member_id,
            specialty_ids=request.POST.getlist("specialty"),
            ip=client_ip(request),
        )
    except ValueError:
        return _index_page(request, error="Choose specialties from the list.", status=400)
    except DomainError as refusal:
        return _index_page(request, error=refusal.message, status=_status(refusal))
    messages.success(request, "Specialties saved.")
    return redirect("registry:index")
