"""Audit chains: heads on articles and a head table for the other kinds of subject;
each event's chain, subject, details, place in its chain, key id and the actor's login
name; the signer's login name on signatures."""

from django.db import migrations, models

from articles.sqlite_guards import drop_guards


def drop_sqlite_guards(apps, schema_editor):
    # SQLite rebuilds the events and signatures tables below; post_migrate restores the guards.
    drop_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_signed_content_protected")]

    operations = [
        migrations.RunPython(drop_sqlite_guards, migrations.RunPython.noop),
        migrations.AddField(
            model_name="article", name="audit_head_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="article", name="audit_head_id",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="event", name="key_id", field=models.CharField(default="", max_length=20),
        ),
        migrations.AddField(model_name="event", name="seq", field=models.PositiveIntegerField(null=True)),
        migrations.AddField(model_name="event", name="chain", field=models.CharField(max_length=40, null=True)),
        migrations.AddField(model_name="event", name="subject_id", field=models.CharField(blank=True, max_length=64)),
        migrations.AddField(model_name="event", name="details", field=models.JSONField(blank=True, default=dict)),
        migrations.AlterField(
            model_name="event", name="article",
            field=models.ForeignKey(blank=True, null=True, on_delete=models.deletion.PROTECT, related_name="events",
                                    to="articles.article"),
        ),
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("head_id", models.BigIntegerField(blank=True, null=True)),
                ("head_hash", models.CharField(blank=True, max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name="event", name="actor_username", field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="signature", name="signer_username", field=models.CharField(blank=True, max_length=150),
        ),
    ]
