"""A re-review round the system opens (the cadence, a retracted source) is assigned to the
reviewers who signed the live version, with a due date that the reminders chase."""

from datetime import timedelta

from django.utils import timezone

from articles import services
from articles.models import ReviewRound
from articles.reminders import sweep
from notifications.models import Notification


def test_the_cadence_round_goes_to_the_signers_with_a_due_date_and_is_chased(published, reviewer, publisher, settings):
    settings.REREVIEW_DUE_DAYS = 5
    now = timezone.now()
    review_round = services.article_open_rereview(article_id=published.pk, reason="Re-review due", now=now)
    assert review_round.due_at == now + timedelta(days=5)
    assert [(a.reviewer, a.due_at) for a in review_round.assignments.all()] == [(reviewer, review_round.due_at)]
    assert Notification.objects.filter(kind="assigned", recipient=reviewer, article=published).exists()
    published.refresh_from_db()
    assert published.state == "submitted"

    sweep(now=now + timedelta(days=6))
    assert Notification.objects.filter(kind="review_overdue", recipient=reviewer).exists()
    sweep(now=now + timedelta(days=6 + 3 * settings.REMIND_OVERDUE_REVIEW_EVERY_DAYS * 3))
    assert Notification.objects.filter(kind="review_escalated", recipient=publisher).exists()


def test_a_signer_who_left_the_board_is_not_assigned(published, reviewer):
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    review_round = services.article_open_rereview(article_id=published.pk, reason="Re-review due")
    assert not review_round.assignments.exists()
    assert ReviewRound.objects.get(pk=review_round.pk).due_at is not None
