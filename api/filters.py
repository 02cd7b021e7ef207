"""Query filters shared by the list endpoints: state, topic, updated since."""

from datetime import datetime
from datetime import timezone as dt_timezone

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from articles.lifecycle import State

TOPIC = OpenApiParameter("topic", str, description="Only articles of this topic (exact).")
UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description="Only articles changed at or after this time (ISO 8601; a date means its start, UTC).",
)
STATE = OpenApiParameter(
    "state", str, enum=[state.value for state in State], description="Only articles in this state."
)


def updated_since(params):
    raw = params.get("updated_since")
    if raw is None:
        return None
    try:
        moment = parse_datetime(raw)
        if moment is None and (day := parse_date(raw)) is not None:
            moment = datetime(day.year, day.month, day.day)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({"updated_since": ["Give a date or date-time in ISO 8601, e.g. 2026-01-31T08:00:00Z."]})
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt_timezone.utc)
    try:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows.
        return moment.astimezone(dt_timezone.utc)
    except OverflowError:
        raise ValidationError({"updated_since": ["This time is out of range."]}) from None


def apply(queryset, params, *, changed_field, with_state=False):
    for name, value in params.items():
        if "\x00" in value:
            raise ValidationError({name: ["A value may not contain NUL characters."]})
    if (topic := params.get("topic")) is not None:
        queryset = queryset.filter(topic=topic)
    if (since := updated_since(params)) is not None:
        queryset = queryset.filter(**{f"{changed_field}__gte": since})
    if with_state and (state := params.get("state")) is not None:
        if state not in State._value2member_map_:
            raise ValidationError({"state": [f"One of: {', '.join(s.value for s in State)}."]})
        queryset = queryset.filter(state=state)
    return queryset
