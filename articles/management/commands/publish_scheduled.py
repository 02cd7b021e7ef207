from django.core.management.base import BaseCommand

from articles.services import publish_due_articles


class Command(BaseCommand):
    help = "Publish every article whose scheduled publication time has come."

    def handle(self, *args, **options):
        published, refused = publish_due_articles()
        for article_id in published:
            self.stdout.write(f"published article {article_id}")
        for article_id, reason in refused:
            self.stdout.write(f"not published: article {article_id}: {reason}")
