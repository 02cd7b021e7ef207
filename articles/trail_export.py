"""Audit trail rows as CSV and JSON, written as a stream: one article's trail and the
whole trail share the columns and the writers, and neither holds its events in memory."""

import csv
import json

from core.spreadsheets import inert

AUDIT_COLUMNS = [
    "id",
    "seq",
    "created_at",
    "actor_id",
    "actor_username",
    "actor_name",
    "action",
    "from_state",
    "to_state",
    "version_number",
    "content_hash",
    "comment",
    "client_ip",
    "previous_hash",
    "key_id",
    "event_hash",
]
TRAIL_COLUMNS = [*AUDIT_COLUMNS, "chain", "subject_id", "details"]


def event_row(event):
    """One event as plain values (the version must be selected with it)."""
    return {
        "id": event.pk,
        "seq": event.seq,
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_name": event.actor_name,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "version_number": event.version.number if event.version_id else None,
        "content_hash": event.content_hash,
        "comment": event.comment,
        "client_ip": event.client_ip,
        "previous_hash": event.previous_hash,
        "key_id": event.key_id,
        "event_hash": event.event_hash,
    }


def trail_row(event):
    """An event of any chain: its article's columns plus its chain, subject and details."""
    return {**event_row(event), "chain": event.chain, "subject_id": event.subject_id, "details": event.details}


def _csv_cell(value):
    if isinstance(value, (dict, list)):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    # Cells a spreadsheet would run as formulas are prefixed with a quote.
    return inert(value) if isinstance(value, str) else value


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, text):
        return text


def csv_lines(rows, columns):
    """The header, then one CSV line per row, as strings, one at a time."""
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_csv_cell(row[name]) for name in columns])


def json_chunks(rows, head):
    """A JSON object `head` with an "events" list of `rows`, written piece by piece."""
    opening = json.dumps({**head, "events": []}, indent=2)
    yield opening[: opening.rindex("[") + 1] + "\n"
    for number, row in enumerate(rows):
        yield ("" if number == 0 else ",\n") + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"
