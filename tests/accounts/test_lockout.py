"""Sign-in throttling: LOCKOUT_FAILURES wrong passwords for one login name, or from one
address, lock it for LOCKOUT_MINUTES; the lock refuses even the right password, is an
event in the "sign-in" chain, is told to the person and the publishers, and a publisher
or an administrator can lift it on the record."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts import lockout
from articles.models import Event
from notifications.models import Notification
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import VerifiedClient, enrol

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def sign_in(client, username, password, ip="198.51.100.7", page=LOGIN):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, username, times, ip="198.51.100.7", page=LOGIN):
    return [sign_in(client, username, f"guess-{n}", ip, page).status_code for n in range(times)]


def trail(action=None):
    events = Event.objects.filter(chain="sign-in").order_by("seq")
    return list(events.filter(action=action) if action else events)


def test_the_fifth_wrong_password_locks_and_the_right_one_is_then_refused(client, editor):
    assert fail(client, "edna", 4) == [200, 200, 200, 200]  # the form again, with the reason
    fifth = sign_in(client, "edna", "guess-5")
    assert fifth.status_code == 429
    right = sign_in(client, "edna", PERSONA_PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    page = right.content.decode()
    assert "Sign-in locked" in page and "the login name “edna” is locked until" in page
    assert ", and the address 198.51.100.7 until" in page  # the guesses came from one address
    assert "publisher or an administrator" in page
    assert 'href="/accounts/login/"' in page and "<nav" in page  # a page of the site, not a bare text


def test_four_failures_do_not_lock(client, editor):
    fail(client, "edna", 4)
    assert sign_in(client, "edna", PERSONA_PASSWORD).status_code == 302


def test_the_lock_ends_after_lockout_minutes(client, editor, settings):
    settings.LOCKOUT_MINUTES = 15
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "edna", 5)
    with time_machine.travel(start + timedelta(minutes=14, seconds=59), tick=False):
        assert sign_in(client, "edna", PERSONA_PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert sign_in(client, "edna", PERSONA_PASSWORD).status_code == 302


def test_the_lockout_page_says_until_when_in_utc(client, editor):
    start = timezone.now().replace(hour=9, minute=30, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        fail(client, "edna", 5)
        page = sign_in(client, "edna", PERSONA_PASSWORD).content.decode()
    assert "locked until 09:45 UTC" in page


def test_the_thresholds_come_from_the_settings(client, editor, settings):
    settings.LOCKOUT_FAILURES = 2
    assert fail(client, "edna", 2) == [200, 429]


def test_an_address_trying_many_names_is_locked_for_every_name(client, editor, reviewer):
    assert fail(client, "nobody-1", 1) + fail(client, "nobody-2", 1) + fail(client, "edna", 3) == [200] * 4 + [429]
    # The address is locked: even a right password for another name from it is refused...
    refused = sign_in(client, "rhea", PERSONA_PASSWORD)
    assert refused.status_code == 429 and "the address 198.51.100.7 is locked" in refused.content.decode()
    # ...while the names themselves, from another address, are not locked.
    assert sign_in(client, "rhea", PERSONA_PASSWORD, ip="203.0.113.9").status_code == 302


def test_a_name_is_locked_whatever_address_the_guesses_come_from(client, editor):
    for n in range(5):
        sign_in(client, "edna", "wrong", ip=f"203.0.113.{n + 1}")
    assert sign_in(client, "edna", PERSONA_PASSWORD, ip="192.0.2.200").status_code == 429


def test_the_address_counted_is_the_one_the_trusted_proxies_give(client, editor, settings):
    settings.PROXY_COUNT = 1

    def through_the_proxy(username, password, forwarded):
        return client.post(
            LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    for n in range(5):  # the client writes the left part of the header: it does not escape the count
        through_the_proxy(f"name-{n}", "x", f"{n}.{n}.{n}.{n}, 203.0.113.50")
    assert through_the_proxy("edna", PERSONA_PASSWORD, "203.0.113.50") == 429
    assert through_the_proxy("edna", PERSONA_PASSWORD, "203.0.113.51") == 302


def test_the_admin_login_counts_and_is_locked_too(client, publisher):
    statuses = fail(client, "paula", 5, page=ADMIN_LOGIN)
    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(client, "paula", PERSONA_PASSWORD, page=ADMIN_LOGIN).status_code == 429
    # One counter per name: the lock made at the admin's login refuses the desk's login too.
    assert sign_in(client, "paula", PERSONA_PASSWORD).status_code == 429
    failures = trail("sign_in_failed")
    assert [event.details["page"] for event in failures][:5] == [ADMIN_LOGIN] * 5


def test_every_failure_and_the_lockout_are_events_that_verify(client, editor, capsys):
    fail(client, "edna", 5)
    sign_in(client, "edna", PERSONA_PASSWORD)
    actions = [event.action for event in trail()]
    # The failure that locked comes before its lockouts (the name's and the address's); the
    # refused right password is a failure too.
    assert actions == ["sign_in_failed"] * 5 + ["locked_out", "locked_out", "sign_in_failed"]
    [locked] = [event for event in trail("locked_out") if event.details["scope"] == "account"]
    assert locked.subject_id == str(editor.pk) and locked.actor is None and locked.client_ip == "198.51.100.7"
    assert locked.details["username"] == "edna" and locked.details["scope"] == "account"
    assert locked.details["failures"] == 5 and locked.details["until"].endswith("+00:00")
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_a_lockout_of_name_and_address_at_once_is_two_events(client, editor):
    fail(client, "edna", 5)
    assert sorted(event.details["scope"] for event in trail("locked_out")) == ["account", "address"]


def test_the_person_and_the_publishers_are_told_once(
    client, editor, publisher, make_staff, django_capture_on_commit_callbacks
):
    from accounts.roles import PUBLISHER

    other_publisher = make_staff("pete", PUBLISHER)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            sign_in(client, "edna", "wrong", ip=f"203.0.113.{n + 1}")
        sign_in(client, "edna", PERSONA_PASSWORD)  # refused while locked: no second notice
    notices = Notification.objects.filter(kind="lockout").order_by("recipient__username")
    assert [notice.recipient for notice in notices] == [editor, publisher, other_publisher]
    mine = notices.get(recipient=editor)
    assert mine.subject == "Your account is locked after wrong passwords"
    assert "203.0.113.5" in mine.message and "“edna”" in mine.message
    assert "/desk/lockouts/" in notices.get(recipient=publisher).url
    assert sorted(message.to[0] for message in mail.outbox) == [
        "edna@example.org",
        "paula@example.org",
        "pete@example.org",
    ]


def test_an_address_lockout_is_told_to_the_publishers_only(client, editor, publisher):
    for n in range(5):
        sign_in(client, f"nobody-{n}", "x")
    assert [notice.recipient for notice in Notification.objects.filter(kind="lockout")] == [publisher]


def test_a_publisher_unlocks_a_name_on_the_record(client, editor, publisher, capsys):
    fail(client, "edna", 5, ip="203.0.113.1")
    client.force_login(publisher)
    page = client.get("/desk/lockouts/")
    assert page.status_code == 200 and "edna" in page.content.decode()
    response = client.post("/desk/lockouts/", {"scope": "account", "value": "edna"}, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 302
    [unlocked] = trail("unlocked")
    assert (unlocked.actor, unlocked.subject_id, unlocked.client_ip) == (publisher, str(editor.pk), "192.0.2.9")
    assert unlocked.details["username"] == "edna" and unlocked.details["attempts_forgotten"] == 1
    client.logout()
    assert sign_in(client, "edna", PERSONA_PASSWORD, ip="198.51.100.99").status_code == 302
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_a_publisher_unlocks_an_address(client, editor, publisher):
    for n in range(5):
        sign_in(client, f"nobody-{n}", "x", ip="203.0.113.77")
    client.force_login(publisher)
    client.post("/desk/lockouts/", {"scope": "address", "value": "203.0.113.77"})
    client.logout()
    assert sign_in(client, "edna", PERSONA_PASSWORD, ip="203.0.113.77").status_code == 302


def test_an_administrator_without_a_role_may_unlock(client, editor, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", PERSONA_PASSWORD)
    enrol(admin)  # administrators pass a second factor like signers
    fail(client, "edna", 5)
    client = VerifiedClient()
    client.force_login(admin)
    assert 'href="/desk/lockouts/"' in client.get("/dashboard/").content.decode()
    assert client.post("/desk/lockouts/", {"scope": "account", "value": "edna"}).status_code == 302
    assert trail("unlocked")[0].actor == admin


@pytest.mark.parametrize("persona", ["editor", "reviewer", "outsider"])
def test_other_roles_cannot_see_or_lift_locks(client, request, persona, publisher):
    fail(client, "paula", 5)
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/desk/lockouts/").status_code == 403
    assert client.post("/desk/lockouts/", {"scope": "account", "value": "paula"}).status_code == 403
    assert trail("unlocked") == []
    assert 'href="/desk/lockouts/"' not in client.get("/dashboard/").content.decode()


def test_the_unlock_service_refuses_other_roles(reviewer):
    with pytest.raises(lockout.UnlockRefused, match="Only a publisher or an administrator"):
        lockout.unlock(actor=reviewer, scope="account", value="edna")


@pytest.mark.parametrize(
    "values", [{"scope": "account", "value": "  "}, {"scope": "address", "value": "not-an-address"}, {"scope": "x"}]
)
def test_an_unlock_without_a_name_or_an_address_is_refused_keeping_what_was_typed(client, publisher, values):
    client.force_login(publisher)
    response = client.post("/desk/lockouts/", values)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say which login name or which address to unlock." in page
    assert f'value="{values.get("value", "")}"' in page
    assert trail("unlocked") == []


def test_the_locks_page_reads_a_fixed_number_of_queries(client, publisher, django_assert_max_num_queries):
    client.force_login(publisher)

    def lock_names(first, count):
        for n in range(first, first + count):
            fail(Client(), f"name-{n}", 5, ip=f"203.0.{n}.1")

    lock_names(0, 2)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/desk/lockouts/").content.decode().count("Unlock name-") == 2
    queries_for_two = len(few)
    lock_names(2, 6)
    with django_assert_max_num_queries(queries_for_two):
        assert client.get("/desk/lockouts/").content.decode().count("Unlock name-") == 8


def test_the_command_unlocks_on_the_record_in_the_name_of_a_publisher(client, editor, publisher, capsys):
    fail(client, "edna", 5)
    call_command("unlock_sign_in", "--address", "198.51.100.7", "--by", "paula")
    assert "Unlocked the address 198.51.100.7" in capsys.readouterr().out
    [unlocked] = trail("unlocked")
    assert (unlocked.actor, unlocked.details["scope"], unlocked.client_ip) == (publisher, "address", None)
    assert sign_in(client, "edna", PERSONA_PASSWORD).status_code == 302  # the name's count went with the address's


@pytest.mark.parametrize(
    "arguments, reason",
    [
        (["--name", "edna", "--by", "edna"], "Only a publisher or an administrator"),
        (["--name", "edna", "--by", "nobody"], "No active account is named “nobody”"),
        (["--address", "not-an-address", "--by", "paula"], "Say which login name or which address"),
    ],
)
def test_the_command_refuses_others_and_bad_input(editor, publisher, arguments, reason):
    with pytest.raises(CommandError, match=reason):
        call_command("unlock_sign_in", *arguments)
    assert trail("unlocked") == []
