import django.db.models.deletion
from django.db import migrations, models


def store_pages_uncompressed(apps, schema_editor):
    # Pages are written once and read on every uncached request: PostgreSQL's default
    # (compress when over 2 KB) would decompress ~40 KB on each read.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE articles_versionpage ALTER COLUMN html SET STORAGE EXTERNAL")


class Migration(migrations.Migration):
    """Each audience's public page gets a row of its own instead of a key inside the
    version's `rendered` JSON, so a reader's request reads one page, not every audience's.
    The old renderings are derived data: they are made again in the new shape when read."""

    dependencies = [
        ('articles', '0007_signature_kinds'),
    ]

    operations = [
        migrations.CreateModel(
            name='VersionPage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('audience', models.CharField(max_length=20)),
                ('rendering_format', models.PositiveSmallIntegerField()),
                ('citation_style', models.CharField(max_length=20)),
                ('html', models.TextField()),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pages', to='articles.articleversion')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('version', 'audience'), name='one_page_per_audience')],
            },
        ),
        migrations.RunPython(store_pages_uncompressed, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='articleversion',
            name='rendered',
        ),
    ]
