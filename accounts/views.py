from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.health import health_report
from accounts.models import Profile
from accounts.roles import REVIEWER
from accounts.selectors import dashboard_for


@require_safe
def home(request):
    return render(request, "home.html")


@login_required
def dashboard(request):
    return render(request, "accounts/dashboard.html", dashboard_for(request.user))


@require_safe
def profile(request, slug):
    from articles.public import published_articles
    from articles.models import Signature

    # Only members of the Medical Advisory Board have a public page.
    staff_profile = get_object_or_404(
        Profile.objects.select_related("user"), slug=slug, user__is_active=True, user__groups__name=REVIEWER,
    )
    reviewed = (
        published_articles().filter(published_version__signatures__signer=staff_profile.user,
                                    published_version__signatures__kind=Signature.APPROVAL)
        .select_related("published_version").order_by("published_version__title").distinct()
    )
    return render(request, "accounts/profile.html", {"profile": staff_profile, "reviewed": reviewed})


@never_cache
@require_safe
def healthz(request):
    ok, parts = health_report()
    return JsonResponse({"status": "ok" if ok else "fail", **parts}, status=200 if ok else 503)
