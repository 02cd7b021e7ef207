from django.db import migrations
from django.utils import timezone

POLICY = """## How we write

Every article is drafted by our medical editors from published evidence, and every
statement of fact cites its source.

## How we review

Before publication, each article is reviewed by members of our Medical Advisory Board,
who sign their approval of the exact text they reviewed. Some urgent articles are
published first and reviewed straight after; their pages say so until review is done.

## How we keep articles current

Each article is reviewed again at a set interval (usually every 12 months), and sooner
when a source it cites changes or is retracted.
"""


def create(apps, schema_editor):
    SitePage = apps.get_model("articles", "SitePage")
    SitePage.objects.get_or_create(key="editorial-policy", defaults={
        "title": "Editorial policy", "body": POLICY, "updated_at": timezone.now(),
    })


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_public_rendering_and_site_pages")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
