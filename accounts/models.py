from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify


class Profile(models.Model):
    """Public-facing facts about a staff member (shown on review lines and profiles)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=150, blank=True)
    credentials = models.CharField(max_length=150, blank=True, help_text='e.g. "M.D., FACP"')
    specialty = models.CharField(max_length=150, blank=True)
    bio = models.TextField(blank=True, max_length=4000)
    slug = models.SlugField(max_length=160, unique=True)

    def __str__(self):
        return self.printed_name

    @property
    def name(self):
        return self.display_name or self.user.get_full_name() or self.user.get_username()

    @property
    def printed_name(self):
        """The name as printed on a review line or signature: "Jane Roe, M.D., FACP"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def get_absolute_url(self):
        return reverse("profile", args=[self.slug])


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
