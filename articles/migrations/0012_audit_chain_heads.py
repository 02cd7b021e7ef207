"""Audit chain heads on articles; each event's place in its chain, its key id and the
actor's login name; the signer's login name on signatures."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_signed_content_protected")]

    operations = [
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
        migrations.AddField(
            model_name="event", name="actor_username", field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="signature", name="signer_username", field=models.CharField(blank=True, max_length=150),
        ),
    ]
