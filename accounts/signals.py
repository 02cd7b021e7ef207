from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from accounts import lockout, sign_ins
from accounts.models import Profile, unique_profile_slug
from accounts.passwords import flag_if_due
from accounts.sessions import session_forgotten, session_started
from core.web import client_ip


@receiver(post_save, sender=get_user_model())
def give_every_user_a_profile(sender, instance, created, raw=False, **kwargs):
    # Plumbing, not business logic: a profile row must exist for every account so
    # review lines and signatures can always print a name.
    if created and not raw:
        slug = unique_profile_slug(instance, lambda s: Profile.objects.filter(slug=s).exists())
        Profile.objects.get_or_create(user=instance, defaults={"slug": slug})


# Django's own hooks into signing in and out: each hands the fact to the trail's service.
def _ip(request):
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    sign_ins.sign_in_recorded(user=user, ip=_ip(request))


@receiver(user_logged_in)
def start_session_limits(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_started(request, user)
        flag_if_due(request, user, timezone.now())


# django-axes (installed before this app, so its receiver runs first) has counted the
# failure on the request by now: the failure is recorded, then any lock it began.
@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    username = credentials.get(get_user_model().USERNAME_FIELD, "")
    sign_ins.sign_in_failed(username=username, ip=_ip(request), page=getattr(request, "path", ""))
    if request is not None:
        lockout.record_lockouts(request, username)


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs):
    sign_ins.sign_out_recorded(user=user, ip=_ip(request))
    if request is not None and hasattr(request, "session"):
        session_forgotten(request)
