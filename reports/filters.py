"""The reports' filters, read from the address so a view can be bookmarked. Pure:
no ORM; the choices a filter must be one of are passed in."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

MAX_SPAN_DAYS = 5 * 366
DEFAULT_SPAN_DAYS = 365


class FilterError(ValueError):
    """A filter value that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class ReportFilters:
    start: date
    end: date  # inclusive
    topic: str = ""
    reviewer_id: int | None = None

    @property
    def start_at(self):
        return datetime.combine(self.start, time.min, tzinfo=timezone.utc)

    @property
    def end_before(self):
        """The first moment after the range (the end day is included)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=timezone.utc)

    def query(self):
        """The filters as address parameters, for links (CSV downloads) that keep them."""
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.topic:
            params["topic"] = self.topic
        if self.reviewer_id is not None:
            params["reviewer"] = str(self.reviewer_id)
        return params


def _date(raw, name):
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterError(f"“{raw}” is not a date for “{name}”: write it as YYYY-MM-DD, e.g. 2026-01-31.") from None


def parse_filters(params, *, today, topics, reviewer_ids):
    """ReportFilters from GET parameters (`from`, `to`, `topic`, `reviewer`), or FilterError.
    Missing dates default to the last year up to `today`."""
    raw_end = params.get("to", "").strip()
    raw_start = params.get("from", "").strip()
    end = _date(raw_end, "to") if raw_end else today
    start = _date(raw_start, "from") if raw_start else end - timedelta(days=DEFAULT_SPAN_DAYS)
    if start > end:
        raise FilterError(f"The range starts ({start}) after it ends ({end}).")
    if (end - start).days > MAX_SPAN_DAYS:
        raise FilterError("The range may span at most five years.")
    topic = params.get("topic", "").strip()
    if topic and topic not in topics:
        raise FilterError(f"No article has the topic “{topic[:100]}”.")
    raw_reviewer = params.get("reviewer", "").strip()
    reviewer_id = None
    if raw_reviewer:
        if not raw_reviewer.isdigit() or int(raw_reviewer) not in reviewer_ids:
            raise FilterError(f"“{raw_reviewer[:50]}” is not a member of the board.")
        reviewer_id = int(raw_reviewer)
    return ReportFilters(start=start, end=end, topic=topic, reviewer_id=reviewer_id)
