from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.health import health_report
from accounts.models import Profile
from accounts.selectors import dashboard_for


@require_safe
def home(request):
    return render(request, "home.html")


@login_required
def dashboard(request):
    return render(request, "accounts/dashboard.html", dashboard_for(request.user))


@require_safe
def profile(request, slug):
    staff_profile = get_object_or_404(Profile.objects.select_related("user"), slug=slug, user__is_active=True)
    return render(request, "accounts/profile.html", {"profile": staff_profile})


@never_cache
@require_safe
def healthz(request):
    ok, parts = health_report()
    return JsonResponse({"status": "ok" if ok else "fail", **parts}, status=200 if ok else 503)
