from django.core.management.base import BaseCommand

from articles.reminders import sweep


class Command(BaseCommand):
    help = "Send due reminders (overdue reviews, waiting changes, unpublished approvals, re-reviews)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent, and why, without sending")

    def handle(self, *args, **options):
        result = sweep(dry_run=options["dry_run"])
        verb = "would send" if options["dry_run"] else "sent"
        for item in result.planned:
            out = item.outgoing
            self.stdout.write(
                f"{verb} {out.kind} to user {out.recipient_id} about article {out.article_id}: {item.why}"
            )
        for article_id, reason in result.rereviews:
            self.stdout.write(
                f"{'would open' if options['dry_run'] else 'opened'} re-review of article {article_id}: {reason}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"{len(result.planned)} reminder(s), {len(result.rereviews)} re-review(s)")
        )
