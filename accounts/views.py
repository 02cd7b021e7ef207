from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts import lockout, services
from accounts.health import health_report
from accounts.models import IDENTITY_FIELDS, Profile
from accounts.selectors import account_trail, dashboard_for
from core.roles import may_unlock_sign_ins, roles_of
from core.web import client_ip


@require_safe
def home(request):
    return render(request, "home.html")


@login_required
def dashboard(request):
    return render(request, "accounts/dashboard.html", dashboard_for(request.user))


def _my_profile_page(request, profile, *, values=None, error=None, status=200):
    # Without a printed name of their own, a person's signatures print their account name: offer that.
    values = values or {**services.identity_of(profile), "display_name": profile.name}
    return render(
        request,
        "accounts/my_profile.html",
        {
            "profile": profile,
            "values": values,
            "error": error,
            "identity_token": services.identity_token(profile),
            "trail": account_trail(request.user.pk),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_profile(request):
    """The signed-in person's own printed name, credentials and specialty, and the
    record of changes to their account."""
    profile = Profile.objects.select_related("user").get(user=request.user)
    if request.method != "POST":
        return _my_profile_page(request, profile)
    values = {field: request.POST.get(field, "") for field in IDENTITY_FIELDS}
    try:
        _, event = services.profile_update_identity(
            actor=request.user,
            profile_id=profile.pk,
            **values,
            expected_token=request.POST.get("identity_token", ""),
            ip=client_ip(request),
            now=timezone.now(),
        )
    except services.AccountChangeRefused as error:
        profile.refresh_from_db()
        status = 409 if isinstance(error, services.StaleIdentity) else 400
        return _my_profile_page(request, profile, values=values, error=error.message, status=status)
    messages.success(
        request, "Your profile was saved, and the change is in the record." if event else "Nothing changed."
    )
    return redirect("my_profile")


@never_cache
@require_safe
def healthz(request):
    ok, parts = health_report()
    return JsonResponse({"status": "ok" if ok else "fail", **parts}, status=200 if ok else 503)


def locked_out(request, original_response=None, credentials=None):
    """The page a sign-in (the login page's or the admin's) gets while its login name or
    its address is locked (django-axes' AXES_LOCKOUT_CALLABLE): until when, and who can unlock."""
    reason = lockout.refusal_for_request(request, credentials)
    return render(request, "accounts/locked_out.html", {"reason": reason}, status=429)


def _lockouts_page(request, *, error=None, values=None, status=200):
    return render(
        request,
        "accounts/lockouts.html",
        {
            "locks": lockout.locks_in_force(),
            "error": error,
            "values": values or {},
            "settings_failures": settings.LOCKOUT_FAILURES,
            "settings_minutes": settings.LOCKOUT_MINUTES,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lockouts(request):
    """Login names and addresses locked after wrong passwords; publishers and
    administrators unlock them here, on the record."""
    if not may_unlock_sign_ins(roles_of(request.user), is_superuser=request.user.is_superuser):
        raise PermissionDenied("Only publishers and administrators see and lift locks on sign-ins.")
    if request.method != "POST":
        return _lockouts_page(request)
    values = {"scope": request.POST.get("scope", ""), "value": request.POST.get("value", "")}
    try:
        lockout.unlock(actor=request.user, **values, ip=client_ip(request), now=timezone.now())
    except lockout.UnlockRefused as refusal:
        return _lockouts_page(request, error=refusal.message, values=values, status=400)
    messages.success(request, f"Unlocked {lockout.describe(values['scope'], values['value'].strip())}.")
    return redirect("lockouts")
