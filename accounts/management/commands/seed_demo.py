from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seed_staff
from articles.demo import seed_articles


class Command(BaseCommand):
    help = "Create demo staff accounts and content. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        with transaction.atomic():
            users = seed_staff()
            created = seed_articles(users)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new articles)."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username in users:
            self.stdout.write(f"  {username}")
