from django.core.management.base import BaseCommand

from articles.services import publish_due_articles


class Command(BaseCommand):
    help = "Carry out every scheduled publication and unpublication whose time has come."

    def handle(self, *args, **options):
        for run in publish_due_articles():
            what = "publication" if run.kind == "publish" else "unpublication"
            if run.outcome == "done":
                self.stdout.write(f"article {run.article_id}: scheduled {what} done")
            else:
                self.stdout.write(f"article {run.article_id}: scheduled {what} not carried out: {run.note}")
