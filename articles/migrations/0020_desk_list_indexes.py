"""Indexes for the desk's list of articles: its orders, filters and counts, and (on
PostgreSQL) a trigram index answering "title contains" without reading every version.
The trigram index is on UPPER(title::text), the expression Django's icontains compares."""

from django.db import migrations, models

TRIGRAM_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS version_title_trigram ON articles_articleversion"
    " USING gin ((UPPER(title::text)) gin_trgm_ops)",
]
TRIGRAM_DOWN = ["DROP INDEX IF EXISTS version_title_trigram"]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_signers_registry"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(TRIGRAM_UP), _on_postgresql(TRIGRAM_DOWN)),
        migrations.AddIndex(
            model_name="articleversion",
            index=models.Index(fields=["title"], name="version_title"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["state_changed_at", "id"], name="article_changed"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["state", "state_changed_at", "id"], name="article_state_changed"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["topic", "state_changed_at", "id"], name="article_topic_changed"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("public_approved", True)),
                fields=["rereview_months", "public_reviewed_at"],
                name="article_rereview_due",
            ),
        ),
        migrations.AddIndex(
            model_name="reviewround",
            index=models.Index(
                condition=models.Q(("outcome", "open")), fields=["due_at"], name="review_round_open_due"
            ),
        ),
    ]
