"""What the reports read besides the workflow's own tables."""

from django.db import models


class CycleSpan(models.Model):
    """One span of the workflow that ended with an event: submission to approval, or
    approval to publication. Derived from the audit trail, never written by the app:
    a trigger on articles_event adds a row when an approval or a publication is
    recorded (migration 0001), so the reports need not walk two million events to
    find where each span started. The event's own row stays the record."""

    SUBMIT_TO_APPROVAL, APPROVAL_TO_PUBLICATION = "submit_to_approval", "approval_to_publication"

    event_id = models.BigIntegerField(primary_key=True)  # the event that ended the span
    article_id = models.BigIntegerField()
    # The article's topic, copied when the span ends: topics are set when an article is
    # created, and the per-topic report then needs no join with the articles.
    topic = models.CharField(max_length=100, blank=True)
    span = models.CharField(max_length=30)
    ended_at = models.DateTimeField()
    days = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["ended_at"], include=["span", "topic", "days"], name="cycle_span_ended_at")]

    def __str__(self):
        return f"{self.span} of article {self.article_id}: {self.days:.1f} days"
