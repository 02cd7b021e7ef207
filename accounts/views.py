from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts import services
from accounts.health import health_report
from accounts.models import IDENTITY_FIELDS, Profile
from accounts.roles import REVIEWER
from accounts.selectors import account_trail, dashboard_for
from articles.models import Signature
from core.web import client_ip
from public.pages import published_articles


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


@require_safe
def profile(request, slug):

    staff_profile = get_object_or_404(Profile.objects.select_related("user"), slug=slug)
    reviewed = (
        published_articles()
        .filter(
            published_version__signatures__signer=staff_profile.user,
            published_version__signatures__kind=Signature.APPROVAL,
        )
        .select_related("published_version")
        .order_by("published_version__title")
        .distinct()
    )
    # Members of the Medical Advisory Board have a public page; so do former members
    # whose signature is on a live article, since its review line links here.
    member = staff_profile.user.is_active and staff_profile.user.groups.filter(name=REVIEWER).exists()
    reviewed = list(reviewed)
    if not member and not reviewed:
        raise Http404("No such reviewer")
    return render(request, "accounts/profile.html", {"profile": staff_profile, "reviewed": reviewed, "member": member})


@never_cache
@require_safe
def healthz(request):
    ok, parts = health_report()
    return JsonResponse({"status": "ok" if ok else "fail", **parts}, status=200 if ok else 503)
