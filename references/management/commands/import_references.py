from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from references.importing import import_references
from references.parsing import FORMATS, MAX_BYTES, FileRejected
from references.tasks import format_pending


class Command(BaseCommand):
    help = "Import references from a RIS, BibTeX, CSL-JSON or PubMed (.nbib) file and print the report."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=sorted(FORMATS), help="detected from the file when omitted")
        parser.add_argument(
            "--user", default="admin", help="the account recorded as importing (an editor or publisher)"
        )
        parser.add_argument("--dry-run", action="store_true", help="report without storing anything")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']}")
        try:
            report = import_references(
                actor=user,
                data=path.read_bytes(),
                fmt=options["format"],
                filename=path.name,
                commit=not options["dry_run"],
            )
        except FileRejected as rejected:
            raise CommandError(f"{rejected.message} Nothing was stored.") from None
        except DomainError as refusal:
            raise CommandError(refusal.message) from None
        if report.committed:
            format_pending.delay()  # their citation entries, in the worker (here when there is none)
        for new in report.created:
            note = f" ({new.clash})" if new.clash else ""
            self.stdout.write(f"{'would add' if options['dry_run'] else 'added'} @{new.key}: {new.location}{note}")
        for location, title, existing, why in report.duplicates:
            stored = f"@{existing.key}" if existing else "earlier in the file"
            self.stdout.write(f"duplicate of {stored} ({why}): {location}: {title}")
        for location, reason, _identifier in report.rejected:
            self.stdout.write(f"rejected {location}: {reason}")
        self.stdout.write(self.style.SUCCESS(report.summary))
