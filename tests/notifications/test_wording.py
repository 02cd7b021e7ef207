"""Each kind's subject and bodies come from its templates, filled with the facts its app
supplies: the text says exactly what the notification said before it had templates, and
the HTML escapes whatever a person typed (a hostile title, name or login name)."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.core import mail
from django.utils.html import escape

from notifications import services, wording
from notifications.models import KINDS, Notification

HOSTILE = '<script>alert("x")</script> & “Diet”'
WHEN = datetime(2026, 3, 5, 23, 30, tzinfo=UTC)
TO_HOLDER = {
    "credential": "Licence 123",
    "valid_until": date(2026, 3, 5),
    "expired": True,
    "holder": HOSTILE,
    "holder_printed": HOSTILE,
    "to_holder": True,
}
LOCKED = {
    "failures": 5,
    "what": "the login name “ann”",
    "until": WHEN,
    "by_address": True,
    "ip": None,
    "username": HOSTILE,
}
T = HOSTILE
# kind, facts, the subject and the text body as they read.
CASES = [
    (
        "submitted",
        {"title": T, "actor": "Dr Ann Lee", "version": 3},
        f"Submitted for review: {T}",
        "Dr Ann Lee submitted version 3 for medical review.",
    ),
    (
        "assigned",
        {"title": T, "actor": None, "due_at": WHEN},
        f"Review assigned to you: {T}",
        f"Imprimatur asked you to review “{T}”. It is due 2026-03-05.",
    ),
    (
        "changes_requested",
        {"title": T, "actor": "Dr Ann Lee", "body": f"Line one\n{T}"},
        f"Changes requested: {T}",
        f"Dr Ann Lee asked for changes:\n\nLine one\n{T}",
    ),
    (
        "approved",
        {"title": T, "actor": "Dr Ann Lee", "version": 2},
        f"Approved: {T}",
        "Version 2 has the approvals it needs (last signed by Dr Ann Lee).",
    ),
    (
        "published",
        {"title": T, "actor": None, "version": 4},
        f"Published: {T}",
        "The schedule published version 4.",
    ),
    (
        "schedule",
        {"title": T, "what": "unpublication", "outcome": "refused", "version": 2, "due_at": WHEN, "note": T},
        f"Scheduled unpublication not carried out: {T}",
        f"The unpublication of version 2 set for 2026-03-05 23:30 UTC: {T}",
    ),
    (
        "comment",
        {"title": T, "actor": "Dr Ann Lee", "body": T},
        f"New review comment: {T}",
        f"Dr Ann Lee wrote:\n\n{T}",
    ),
    (
        "review_overdue",
        {"title": T, "due_at": WHEN, "days": 10, "reminders": 3},
        f"Review overdue: {T}",
        f"Your review of “{T}” was due 2026-03-05 (10 day(s) ago).",
    ),
    (
        "review_escalated",
        {"title": T, "due_at": WHEN, "days": 10, "reminders": 3},
        f"Overdue review escalated: {T}",
        f"The review of “{T}” was due 2026-03-05; the reviewer has been reminded 3 times.",
    ),
    (
        "changes_untouched",
        {"title": T, "since": WHEN},
        f"Changes requested and waiting: {T}",
        f"The Medical Advisory Board asked for changes to “{T}” on 2026-03-05.",
    ),
    (
        "approved_unpublished",
        {"title": T, "since": WHEN},
        f"Approved, not yet published: {T}",
        f"“{T}” was approved on 2026-03-05 and is waiting for publication.",
    ),
    (
        "rereview_due",
        {"title": T, "due_on": date(2026, 3, 5)},
        f"Re-review due: {T}",
        f"“{T}” was due for medical re-review on 2026-03-05. A review round is open for it.",
    ),
    (
        "reference_flag",
        {"title": T, "reason": "Reference smith2020 was retracted.", "on_live_page": True},
        f"Notice on a cited source: {T}",
        "Reference smith2020 was retracted. Readers see the notice beside the reference on the live page.",
    ),
    (
        "reader_report",
        {"title": T, "due_at": WHEN},
        f"A reader reported an error: {T}",
        "Triage it by 2026-03-05.",
    ),
    (
        "report_overdue",
        {"title": T, "due_at": WHEN, "reminders": 3},
        f"Reader report waiting: {T}",
        f"A reader's report on “{T}” was due for an answer 2026-03-05.",
    ),
    (
        "report_escalated",
        {"title": T, "due_at": WHEN, "reminders": 3},
        f"Reader report unanswered: {T}",
        f"A reader's report on “{T}” was due for an answer 2026-03-05; the editors have been reminded 3 times.",
    ),
    (
        "page_withheld",
        {"title": T, "reason": f"Public page withheld: {T}"},
        f"Public page withheld: {T}",
        f"Public page withheld: {T}",
    ),
    (
        "identity",
        {"who": HOSTILE, "changes": [("Printed name", "Ann Lee", "Dr Ann Lee"), ("Credentials", "", "MD")]},
        "Your printed name or credentials changed",
        f"{T} changed how your name is printed on signatures and review lines:\n\n"
        "Printed name: “Ann Lee” → “Dr Ann Lee”\nCredentials: “” → “MD”\n\n"
        "If you did not expect this, tell an administrator.",
    ),
    (
        "two_factor",
        {"actor": HOSTILE},
        "Your two-factor sign-in was reset",
        f"{T} reset your two-factor sign-in. At your next sign-in you will enrol an authenticator app again.\n\n"
        "If you did not ask for this, tell an administrator.",
    ),
    (
        "lockout",
        {**LOCKED, "to_publishers": False},
        "Your account is locked after wrong passwords",
        "After 5 wrong passwords, the login name “ann” is locked until 2026-03-05 23:30 UTC: nobody can sign in or "
        "sign with it until then from that address. The last attempt came from an unknown address, for the login "
        f"name “{T}”.\n\nIf these attempts were not yours, tell a publisher or an administrator, and change your "
        "password once you are back in.",
    ),
    (
        "credential_expiring",
        TO_HOLDER,
        "Your credential expired on 5 March 2026",
        "Your Licence 123 expired on 5 March 2026. Add the renewed one on Your registry entry; without a current "
        "verified licence or certification you cannot sign approvals.",
    ),
    (
        "declaration_due",
        {"due_on": date(2026, 3, 5)},
        "Your yearly declaration of interests is due",
        "Your declaration of interests fell due on 5 March 2026. Until you file it on Your registry entry, you "
        "cannot sign approvals.",
    ),
]
# A second wording of a kind that tells two audiences different things.
OTHER_AUDIENCE = [
    (
        "reference_flag",
        {"title": T, "reason": "Reference smith2020 was retracted.", "on_live_page": False},
        f"Needs review: {T}",
        "Reference smith2020 was retracted.",
    ),
    (
        "lockout",
        {**LOCKED, "by_address": False, "ip": "203.0.113.9", "to_publishers": True},
        "Locked after wrong passwords: the login name “ann”",
        "After 5 wrong passwords, the login name “ann” is locked until 2026-03-05 23:30 UTC: nobody can sign in or "
        f"sign with it until then. The last attempt came from 203.0.113.9, for the login name “{T}”.\n\n"
        "Publishers can unlock it from the desk page Locked sign-ins.",
    ),
    (
        "credential_expiring",
        {**TO_HOLDER, "expired": False, "to_holder": False},
        f"{T}'s credential expires on 5 March 2026",
        f"{T}: Licence 123 expires on 5 March 2026. Verify the renewal when it is entered.",
    ),
    (
        "schedule",
        {"title": "Diet", "what": "publication", "outcome": "done", "version": 2, "due_at": WHEN, "note": "Done."},
        "Scheduled publication done: Diet",
        "The publication of version 2 set for 2026-03-05 23:30 UTC: Done.",
    ),
    (
        "assigned",
        {"title": "Diet", "actor": "Dr Ann Lee", "due_at": None},
        "Review assigned to you: Diet",
        "Dr Ann Lee asked you to review “Diet”.",
    ),
]


def test_every_kind_has_its_wording():
    assert sorted(kind for kind, *_ in CASES) == sorted(kind for kind, _ in KINDS)


@pytest.mark.parametrize(
    "kind, facts, subject, text",
    CASES + OTHER_AUDIENCE,
    ids=[f"{kind}-{n}" for n, (kind, *_) in enumerate(CASES + OTHER_AUDIENCE)],
)
def test_a_kinds_templates_say_its_facts_and_the_html_escapes_what_people_typed(kind, facts, subject, text):
    words = wording.render(kind, facts)
    assert (words.subject, words.text) == (subject, text)
    if HOSTILE in text:
        assert escape(HOSTILE) in words.html
    assert "<script>" not in words.html and "&amp;" not in words.subject + words.text
    assert words.html.startswith("<p>") and words.html.endswith(("</p>", "</ul>"))


def test_dates_are_written_in_utc_whatever_the_datetime_carries():
    late_evening = WHEN.astimezone(timezone(timedelta(hours=-5)))  # 18:30 on the 5th in UTC-5
    assert wording.render("reader_report", {"title": "Diet", "due_at": late_evening}).text == "Triage it by 2026-03-05."


@pytest.mark.django_db
def test_the_row_keeps_the_text_and_the_e_mail_shows_the_kinds_html(editor, reviewer):
    services.notify(
        kind="comment",
        recipients=[reviewer],
        facts={"title": HOSTILE, "actor": "Dr Ann Lee", "body": "First line\n<b>second</b>"},
        key="comment:test",
        now=WHEN,
    )
    row = Notification.objects.get(recipient=reviewer)
    assert row.message == "Dr Ann Lee wrote:\n\nFirst line\n<b>second</b>" and row.subject == f"New review comment: {T}"
    assert services.deliver_pending(now=WHEN) == 1
    [sent] = mail.outbox
    assert sent.subject == f"[Imprimatur] New review comment: {T}"
    assert "First line\n<b>second</b>" in sent.body
    body = sent.alternatives[0][0]
    assert "<p>First line<br>&lt;b&gt;second&lt;/b&gt;</p>" in body and "<script>" not in body and "<b>" not in body
