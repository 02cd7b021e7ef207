from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django_otp.models import Device, ThrottlingMixin

from accounts.people_models import AccountLink, SignedInSession  # noqa: F401  (models of this app)


class Profile(models.Model):
    """Public-facing facts about a staff member (shown on review lines and profiles).

    The identity fields (IDENTITY_FIELDS) are what signatures print: they change only
    through `accounts.services.profile_update_identity`, which records the change.
    A profile is never deleted while its account exists (a database trigger refuses it)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=150, blank=True)
    credentials = models.CharField(max_length=150, blank=True, help_text='e.g. "M.D., FACP"')
    specialty = models.CharField(max_length=150, blank=True)
    bio = models.TextField(blank=True, max_length=4000)
    slug = models.SlugField(max_length=160, unique=True)

    def __str__(self):
        return self.printed_name

    def get_absolute_url(self):
        return reverse("profile", args=[self.slug])

    @property
    def name(self):
        return self.display_name or self.user.get_full_name() or self.user.get_username()

    @property
    def printed_name(self):
        """The name as printed on a review line or signature: "Jane Roe, M.D., FACP"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


IDENTITY_FIELDS = ("display_name", "credentials", "specialty")


class UsedUsername(models.Model):
    """Every login name ever given to an account, written by the database itself when
    an account is created or renamed (see migration 0004), never updated or removed.
    The record names people by login name, so a name once used is never given again,
    even after its account was renamed or deleted (hence no foreign key)."""

    username = models.CharField(max_length=150)
    user_id = models.BigIntegerField()
    first_used_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("username"), name="login_name_used_once")]

    def __str__(self):
        return self.username


def unique_profile_slug(user, exists):
    """A public address made from the person's name, never their login name: the address
    is published, the username is half of a login. Without a name: "member-<id>"."""
    base = slugify(user.get_full_name())
    if not base or base == slugify(user.get_username()):
        base = f"member-{user.pk}" if user.pk else "member"
    candidate, counter = base, 2
    while exists(candidate):
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate


class Heartbeat(models.Model):
    """When the Celery worker last ran the heartbeat task beat sends every minute:
    /healthz reads it, since reminders, schedules and the retraction watch stop
    silently when either process is gone."""

    name = models.CharField(max_length=50, primary_key=True)
    ran_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.ran_at:%Y-%m-%d %H:%M:%S}"


def recovery_code_digest(code):
    """What is stored of a recovery code: an HMAC under SECRET_KEY, which lives outside the
    database, so a copy of the database (or its own login) holds no usable recovery code.
    A new SECRET_KEY voids every code (SECRET_KEY_FALLBACKS are not tried)."""
    return salted_hmac("imprimatur.recovery-code", code, algorithm="sha256").hexdigest()


class RecoveryCodes(ThrottlingMixin, Device):
    """A person's single-use recovery codes, as one django-otp device: each code signs in
    or signs once, then is gone. Only keyed hashes are stored (django-otp's own static
    tokens are kept in plain text); the codes are shown once, when made."""

    def verify_token(self, token):
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        # django_otp.verify_token holds this device's row locked: one use per code, even at once.
        used = self.codes.filter(digest=recovery_code_digest(str(token))).delete()[0] > 0
        if used:
            self.throttle_reset(commit=True)
        else:
            self.throttle_increment(commit=True)
        return used

    def get_throttle_factor(self):
        return 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint("device", "digest", name="recovery_code_once_per_device")]

    def __str__(self):
        return f"recovery code of device {self.device_id}"
