from datetime import UTC, date, datetime

import pytest

from core.dates import add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
    ],
)
def test_adding_months_clamps_the_day_to_the_end_of_a_shorter_month(start, months, expected):
    assert add_months(start, months) == expected


def test_adding_months_keeps_the_time_and_the_zone():
    moment = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    assert add_months(moment, 1) == datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
