from datetime import UTC, datetime

from articles.models import rereview_cutoff, rereview_due_at


def test_a_re_review_falls_due_its_interval_after_the_last_review_and_the_cutoff_is_its_mirror():
    reviewed = datetime(2026, 8, 31, 9, 0, tzinfo=UTC)
    assert rereview_due_at(reviewed, 6) == datetime(2027, 2, 28, 9, 0, tzinfo=UTC)
    assert rereview_cutoff(datetime(2027, 3, 1, 9, 0, tzinfo=UTC), 6) == datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
