from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Profile, unique_profile_slug


@receiver(post_save, sender=get_user_model())
def give_every_user_a_profile(sender, instance, created, raw=False, **kwargs):
    # Plumbing, not business logic: a profile row must exist for every account so
    # review lines and signatures can always print a name.
    if created and not raw:
        slug = unique_profile_slug(instance, lambda s: Profile.objects.filter(slug=s).exists())
        Profile.objects.get_or_create(user=instance, defaults={"slug": slug})
