"""Every model says what it is in the admin and in logs, from its own row: naming one
costs no query (the admin lists hundreds)."""

from datetime import UTC, datetime

import pytest

from articles.models import Citation, Event, ReviewAssignment, ReviewComment, ReviewRound, Signature
from notifications.models import NotificationPreference
from reports.models import CycleSpan

AT = datetime(2026, 11, 5, 9, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_each_model_names_itself_without_a_query(django_assert_num_queries):
    rows = {
        "version 3 cites reference 7 as [2]": Citation(version_id=3, reference_id=7, number=2),
        "round 2 of article 5 (changes requested)": ReviewRound(
            article_id=5, number=2, outcome=ReviewRound.CHANGES_REQUESTED
        ),
        "reviewer 9 on round 4": ReviewAssignment(reviewer_id=9, review_round_id=4),
        "comment by user 9 on round 4": ReviewComment(author_id=9, review_round_id=4),
        "Dr Rhea Tester: Approved for medical accuracy (version 3, 2026-11-05 09:30)": Signature(
            printed_name="Dr Rhea Tester", meaning=Signature.APPROVAL_MEANING, version_id=3, signed_at=AT
        ),
        "article:5 #12: publish": Event(chain="article:5", seq=12, action="publish"),
        "review_overdue: digest for user 9": NotificationPreference(user_id=9, kind="review_overdue", mode="digest"),
        "submit_to_approval of article 5: 2.5 days": CycleSpan(span="submit_to_approval", article_id=5, days=2.5),
    }
    with django_assert_num_queries(0):
        for expected, row in rows.items():
            assert str(row) == expected
