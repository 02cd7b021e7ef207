"""Who may sign: an article may require a specialty among its signers and forbid
declared conflicts; a signature keeps the signer's conflict statement and the verified
credentials it relied on.

Signatures stay append-only: PostgreSQL adds the columns in place (no row is updated,
so the trigger does not fire, and earlier signatures read "not asked"); SQLite rebuilds
the table, so its guards are dropped first and put back after `migrate` (post_migrate).
"""

import django.db.models.deletion
from django.db import migrations, models

from articles.sqlite_guards import drop_guards


def drop_sqlite_guards(apps, schema_editor):
    drop_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_literature_through"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_guards, migrations.RunPython.noop),
        migrations.AddField(
            model_name="article",
            name="conflicts_forbidden",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="article",
            name="required_specialty",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.specialty",
            ),
        ),
        migrations.AddField(
            model_name="signature",
            name="conflict",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Not asked (signed before conflicts were recorded)"),
                    ("none", "No conflict of interest for this article"),
                    ("declared", "Conflict of interest declared"),
                ],
                default="",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="signature",
            name="conflict_interests",
            field=models.TextField(blank=True, default="", max_length=2000),
        ),
        migrations.AddField(
            model_name="signature",
            name="credentials_at_signing",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
