import sys

from django.core.management.base import BaseCommand

from articles.audit import first_broken_link
from articles.models import Event


class Command(BaseCommand):
    help = "Walk every article's audit chain; exit 1 naming the first broken link."

    def handle(self, *args, **options):
        events = Event.objects.order_by("article_id", "id").iterator(chunk_size=2000)
        try:
            broken = first_broken_link(events)
        finally:
            # Close the server-side cursor now, not whenever the generator is collected.
            events.close()
        if broken:
            self.stderr.write(f"Audit trail broken at {broken}")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact ({Event.objects.count()} events)."))
