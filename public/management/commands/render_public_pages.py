"""Render the public pages a deploy made outdated (renderer format or CITATION_STYLE
changed) and bring the static export in line: run it as the release step."""

from django.core.management.base import BaseCommand

from public import changes


class Command(BaseCommand):
    help = "Render missing public pages (re-proving their signed content) and refresh the static export."

    def handle(self, *args, **options):
        written = changes.reconcile()
        self.stdout.write(f"public pages up to date; {written} exported files written")
