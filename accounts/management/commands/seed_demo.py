from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import two_factor
from accounts.demo import DEMO_PASSWORD, seed_staff
from articles.demo import seed_articles
from registry.demo import make_eligible

# The demo board's registry entries: what each practises (the licence and declaration are the same for all).
DEMO_SPECIALTIES = {"reviewer": ("Internal medicine",), "reviewer2": ("Cardiology",)}


class Command(BaseCommand):
    help = "Create demo staff accounts and content. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        with transaction.atomic():
            users = seed_staff()
            now = timezone.now()
            for username, specialties in DEMO_SPECIALTIES.items():
                users[username] = make_eligible(
                    users[username], verifier=users["publisher"], now=now, specialties=specialties
                )
            created = seed_articles(users)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new articles)."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, user in users.items():
            device = two_factor.authenticator_of(user)
            if device is None:
                self.stdout.write(f"  {username}")
            else:
                self.stdout.write(f"  {username}  (two-factor key {two_factor.secret_for_typing(device)})")
        self.stdout.write(
            "Accounts with a two-factor key ask for a code after the password: add the key to an "
            "authenticator app, or run `manage.py demo_code <login>` for the code it would show now."
        )
