import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def pin_existing_schedules(apps, schema_editor):
    """A publication scheduled before schedules had rows of their own is pinned to the
    version that was working when this runs: the one the old code would have published.
    Its due-time check then refuses it if that version is no longer approved."""
    Article = apps.get_model("articles", "Article")
    Schedule = apps.get_model("articles", "Schedule")
    now = timezone.now()
    scheduled = Article.objects.filter(scheduled_publish_at__isnull=False, working_version__isnull=False)
    Schedule.objects.bulk_create(
        Schedule(
            article_id=article.pk, kind="publish", version_id=article.working_version_id,
            content_hash=article.working_version.content_hash, due_at=article.scheduled_publish_at,
            created_by_id=article.scheduled_by_id or article.created_by_id, created_at=now,
        )
        for article in scheduled.select_related("working_version")
    )


def unpin_schedules(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Schedule = apps.get_model("articles", "Schedule")
    for schedule in Schedule.objects.filter(kind="publish", outcome="pending"):
        Article.objects.filter(pk=schedule.article_id).update(
            scheduled_publish_at=schedule.due_at, scheduled_by_id=schedule.created_by_id
        )


class Migration(migrations.Migration):
    """Schedules get rows of their own, pinned to a version and its content hash; the
    article's single scheduled time moves into them before its columns go."""

    dependencies = [
        ('articles', '0008_version_pages'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Schedule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('publish', 'Publication'), ('unpublish', 'Unpublication')], max_length=10)),
                ('content_hash', models.CharField(max_length=64)),
                ('due_at', models.DateTimeField()),
                ('reason', models.CharField(blank=True, help_text='Why it is unpublished (unpublications).', max_length=500)),
                ('created_at', models.DateTimeField()),
                ('outcome', models.CharField(choices=[('pending', 'Pending'), ('done', 'Done'), ('cancelled', 'Cancelled'), ('refused', 'Refused')], default='pending', max_length=10)),
                ('outcome_note', models.CharField(blank=True, max_length=500)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='schedules', to='articles.article')),
                ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='schedules', to='articles.articleversion')),
            ],
            options={
                'ordering': ['due_at', 'id'],
                'indexes': [models.Index(condition=models.Q(('outcome', 'pending')), fields=['due_at'], name='schedule_pending_due')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('outcome', 'pending')), fields=('article', 'kind'), name='one_pending_schedule_per_kind'), models.CheckConstraint(condition=models.Q(models.Q(('closed_at__isnull', True), ('outcome', 'pending')), models.Q(models.Q(('outcome', 'pending'), _negated=True), ('closed_at__isnull', False)), _connector='OR'), name='schedule_closed_unless_pending')],
            },
        ),
        migrations.RunPython(pin_existing_schedules, unpin_schedules),
        migrations.RemoveField(
            model_name='article',
            name='scheduled_by',
        ),
        migrations.RemoveField(
            model_name='article',
            name='scheduled_publish_at',
        ),
    ]
