"""The two-factor pages: the code asked after the password, enrolment (QR code, recovery
codes) and the publishers' reset. Thin: each calls accounts.two_factor."""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts import two_factor
from accounts.roles import roles_of
from articles.lifecycle import may_reset_two_factor
from core.web import client_ip, form_post


def _next_url(request):
    """Where to go once the code passed: the page first asked for, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return settings.LOGIN_REDIRECT_URL


def _status(error):
    return 400 if isinstance(error, two_factor.MalformedCode) else 403


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """The second step of signing in: the code from the authenticator app or a recovery code."""
    user, next_url = request.user, _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not two_factor.is_enrolled(user):
        return redirect("two_factor" if two_factor.required_for(user) else next_url)
    context = {"next": next_url, "two_factor_gate": True}
    if request.method != "POST":
        return render(request, "registration/two_factor_verify.html", context)
    try:
        device = two_factor.sign_in_second_factor(
            user=user, code=request.POST.get("code", ""), ip=client_ip(request), now=timezone.now()
        )
    except two_factor.TwoFactorRefused as refusal:
        context["error"] = refusal.message
        return render(request, "registration/two_factor_verify.html", context, status=_status(refusal))
    # The session id was renewed at the password; it is kept now, as the list of signed-in
    # sessions (accounts.sessions) knows it by that id, to end it on deactivation.
    django_otp.login(request, device)
    if isinstance(device, two_factor.RecoveryCodes):
        left = two_factor.recovery_codes_left(user)
        messages.warning(request, f"You signed in with a recovery code; {left} left. Make new ones on “Two-factor”.")
    return redirect(next_url)


def _enrol_page(request, *, error=None, status=200, codes=None):
    user = request.user
    context = {
        "enrolled": two_factor.is_enrolled(user),
        "required": two_factor.required_for(user),
        "codes": codes,
        "error": error,
        "two_factor_gate": not user.is_verified() and two_factor.required_for(user),
        "may_reset": _may_reset(user),
    }
    if context["enrolled"]:
        context["recovery_codes_left"] = two_factor.recovery_codes_left(user)
    elif codes is None:
        device = two_factor.enrolment_device(user)
        context.update(
            device=device, qr_svg=two_factor.qr_code_svg(device), secret=two_factor.secret_for_typing(device)
        )
    return render(request, "accounts/two_factor.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request):
    """Enrolment (QR code, then a code to confirm it) for someone without an authenticator;
    for someone enrolled, how many recovery codes are left and new ones on request."""
    user = request.user
    if two_factor.is_enrolled(user) and not user.is_verified():
        return redirect("two_factor_verify")
    if request.method != "POST":
        return _enrol_page(request)
    ip, now, code = client_ip(request), timezone.now(), request.POST.get("code", "")
    try:
        if request.POST.get("action") == "recovery_codes":
            codes = two_factor.recovery_codes_regenerate(user=user, code=code, ip=ip, now=now)
        else:
            device, codes = two_factor.two_factor_enrol(
                user=user, device_id=_posted_id(request, "device_id"), code=code, ip=ip, now=now
            )
            django_otp.login(request, device)
    except two_factor.TwoFactorRefused as refusal:
        return _enrol_page(request, error=refusal.message, status=_status(refusal))
    return _enrol_page(request, codes=codes)


def _posted_id(request, name):
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return None


def _may_reset(user):
    return may_reset_two_factor(
        actor_roles=roles_of(user), actor_is_superuser=user.is_superuser, actor_id=user.pk, person_id=None
    )


def _team_page(request, *, error=None, status=200):
    return render(
        request,
        "accounts/two_factor_team.html",
        {"people": two_factor.team_two_factor(), "error": error},
        status=status,
    )


@never_cache
@login_required
@require_safe
def team(request):
    """Who must or does use two-factor, and whether each is enrolled: publishers and
    administrators reset it here for someone who lost their phone and codes."""
    if not _may_reset(request.user):
        raise PermissionDenied("Only publishers and administrators reset two-factor sign-in.")
    return _team_page(request)


@login_required
@form_post("two_factor_team")
def reset(request, user_id):
    if not _may_reset(request.user):
        raise PermissionDenied("Only publishers and administrators reset two-factor sign-in.")
    try:
        event = two_factor.two_factor_reset(
            actor=request.user, user_id=user_id, ip=client_ip(request), now=timezone.now()
        )
    except two_factor.TwoFactorRefused as refusal:
        return _team_page(request, error=refusal.message, status=403)
    messages.success(request, f"Reset: {event.details['username']} enrols again at their next sign-in.")
    return redirect("two_factor_team")
