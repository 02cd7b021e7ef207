"""Registry reminders through the notifications outbox: a credential expiring within
30 days (its holder and the publishers), a yearly declaration falling due (the member);
each once, however often the sweep runs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import REVIEWER
from notifications.models import Notification
from registry.models import Credential, Declaration
from registry.reminders import send_registry_reminders
from registry.tasks import send_registry_reminders as task
from tests.conftest import give_standing

pytestmark = pytest.mark.django_db


def test_a_licence_expiring_within_30_days_is_told_to_its_holder_and_the_publishers_once(reviewer, publisher):
    now = timezone.now()
    Credential.objects.filter(member=reviewer).update(valid_until=now.date() + timedelta(days=20))
    assert send_registry_reminders(now=now) == 2
    assert send_registry_reminders(now=now + timedelta(hours=1)) == 0
    sent = {n.recipient_id: n for n in Notification.objects.filter(kind="credential_expiring")}
    assert set(sent) == {reviewer.pk, publisher.pk}
    assert "expires on" in sent[reviewer.pk].subject and sent[reviewer.pk].url == "/desk/registry/me/"
    assert "Rhea Tester" in sent[publisher.pk].subject and sent[publisher.pk].url == "/desk/registry/"


def test_nothing_is_sent_for_a_licence_valid_beyond_30_days_or_already_renewed(reviewer, publisher):
    now = timezone.now()
    assert send_registry_reminders(now=now) == 0
    old = Credential.objects.get(member=reviewer)
    Credential.objects.create(
        member=reviewer,
        kind=old.kind,
        title=old.title,
        issuer=old.issuer,
        valid_until=now.date() + timedelta(days=10),
        added_by=publisher,
        added_at=now,
        verified_by=publisher,
        verified_at=now,
        verification_note="older licence",
    )
    assert send_registry_reminders(now=now) == 0  # a later verified licence of the same kind covers it


def test_a_declaration_falling_due_is_a_reminder_to_the_member_once(reviewer):
    now = timezone.now()
    assert task() == 0
    later = now + timedelta(days=366)
    assert send_registry_reminders(now=later) >= 1
    reminder = Notification.objects.get(kind="declaration_due", recipient=reviewer)
    assert "declaration of interests" in reminder.subject
    assert send_registry_reminders(now=later + timedelta(days=1)) == 0


def test_the_latest_declaration_decides_whoever_filed_an_older_one_later(reviewer, make_staff):
    now = timezone.now()
    overdue = make_staff("rosa", REVIEWER, standing=False)
    give_standing(overdue, declared_at=now - timedelta(days=400))
    # Entered after the current one (a higher id) but declared 400 days ago: it is not the latest.
    Declaration.objects.create(member=reviewer, declared_at=now - timedelta(days=400), no_interests=True)
    assert send_registry_reminders(now=now) == 1
    reminder = Notification.objects.get(kind="declaration_due")
    assert reminder.recipient == overdue
    assert reminder.key == f"declaration_due:{Declaration.objects.get(member=overdue).pk}:{overdue.pk}"


def test_the_sweep_reads_the_same_queries_for_a_bigger_board(make_staff, publisher, django_assert_max_num_queries):
    later = timezone.now() + timedelta(days=3 * 365)  # every licence expired, every declaration due

    make_staff("rosa", REVIEWER)
    with django_assert_max_num_queries(20) as small:
        assert send_registry_reminders(now=later) == 3
    for name in ("rob", "ruth", "rex"):
        make_staff(name, REVIEWER)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert send_registry_reminders(now=later) == 9
