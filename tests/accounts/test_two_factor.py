"""Two-factor sign-in: the code after the password, enrolment with a QR code drawn by the
app, single-use recovery codes stored as keyed hashes, the publishers' reset, the admin
behind the same gate, and REQUIRE_TWO_FACTOR."""

import re
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import RecoveryCode, recovery_code_digest
from accounts.roles import EDITOR, PUBLISHER, REVIEWER
from articles.models import Event
from notifications.models import Notification
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import code_at, enrol

pytestmark = pytest.mark.django_db

THROTTLE_WAIT = 1.1  # django-otp refuses any code for 1 s after a wrong one


def sign_in_with_password(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PERSONA_PASSWORD})
    assert response.status_code == 302
    return response


def events(action):
    return Event.objects.filter(action=action)


def test_a_signer_with_an_authenticator_is_asked_for_a_code_before_any_page(client, reviewer):
    device = two_factor.authenticator_of(reviewer)
    sign_in_with_password(client, reviewer)
    for url in ("/dashboard/", "/desk/", "/desk/profile/", "/admin/", "/desk/two-factor/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/two-factor/?next="), url
    page = client.get("/accounts/two-factor/?next=/desk/")
    assert page.status_code == 200 and "Your two-factor code" in page.content.decode()

    response = client.post("/accounts/two-factor/", {"code": code_at(device, 0), "next": "/desk/"})
    assert response.status_code == 302 and response.url == "/desk/"
    assert client.get("/desk/").status_code == 200
    passed = events("second_factor_passed").get()
    assert passed.actor == reviewer and passed.details == {"username": "rhea", "method": "authenticator app"}


def test_a_wrong_code_at_sign_in_is_refused_and_recorded_and_the_right_one_then_works(client, reviewer):
    device = two_factor.authenticator_of(reviewer)
    sign_in_with_password(client, reviewer)
    wrong = f"{(int(code_at(device, 0)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/two-factor/", {"code": wrong})
    assert response.status_code == 403
    assert "That code was not accepted" in response.content.decode()
    assert events("second_factor_failed").get().details == {"username": "rhea"}
    assert client.get("/dashboard/").status_code == 302
    time.sleep(THROTTLE_WAIT)
    assert client.post("/accounts/two-factor/", {"code": code_at(device, 0)}).status_code == 302
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12a456", "<script>", "x" * 200])
def test_a_malformed_code_at_sign_in_gets_a_clear_message_and_nothing_is_stored(client, reviewer, typed):
    sign_in_with_password(client, reviewer)
    before = Event.objects.count()
    response = client.post("/accounts/two-factor/", {"code": typed})
    assert response.status_code == 400
    assert "A code is the 6 digits your authenticator app shows now" in response.content.decode()
    assert Event.objects.count() == before
    device = TOTPDevice.objects.get(user=reviewer)
    assert device.throttling_failure_count == 0 and device.last_t == -1


def test_a_code_is_not_accepted_twice(client, reviewer):
    device = two_factor.authenticator_of(reviewer)
    code = code_at(device, 0)
    sign_in_with_password(client, reviewer)
    assert client.post("/accounts/two-factor/", {"code": code}).status_code == 302
    other = Client()
    sign_in_with_password(other, reviewer)
    assert other.post("/accounts/two-factor/", {"code": code}).status_code == 403
    assert other.get("/dashboard/").status_code == 302


def test_an_editor_signs_in_with_the_password_alone(client, editor):
    sign_in_with_password(client, editor)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/accounts/two-factor/").status_code == 302  # nothing to type: on to the dashboard


def test_a_signer_who_must_enrol_can_open_nothing_but_the_enrolment_page(client, make_staff):
    newcomer = make_staff("nora", REVIEWER, enrolled=False)
    sign_in_with_password(client, newcomer)
    for url in ("/dashboard/", "/desk/", "/desk/api-tokens/", "/notifications/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/desk/two-factor/?next="), url
    page = client.get("/desk/two-factor/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "sign in with a code as well as a password" in html and "Turn on two-factor sign-in" in html
    assert 'href="/dashboard/"' not in html  # no way round it in the navigation
    assert client.post("/accounts/logout/").status_code == 302


def test_the_enrolment_page_draws_the_qr_code_itself_as_inline_svg(client, make_staff):
    newcomer = make_staff("nora", PUBLISHER, enrolled=False)
    client.force_login(newcomer)
    html = client.get("/desk/two-factor/").content.decode()
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    figure = re.search(r'<figure role="img" aria-label="[^"]+" class="qr" data-testid="qr-code">(.*?)</figure>', html)
    assert figure and figure.group(1).startswith("<svg") and "<path" in figure.group(1)
    assert figure.group(1) == two_factor.qr_code_svg(device)  # the otpauth:// address of this very device
    assert "otpauth://totp/Imprimatur" in device.config_url
    assert "<img" not in html and "chart.googleapis" not in html
    assert two_factor.secret_for_typing(device) in html
    # Reloading shows the same secret: the device waits for its confirming code.
    assert two_factor.secret_for_typing(device) in client.get("/desk/two-factor/").content.decode()
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1


def test_enrolling_shows_ten_recovery_codes_once_stores_them_hashed_and_records_it(client, make_staff):
    newcomer = make_staff("nora", REVIEWER, enrolled=False)
    sign_in_with_password(client, newcomer)
    client.get("/desk/two-factor/")
    device = TOTPDevice.objects.get(user=newcomer)
    response = client.post("/desk/two-factor/", {"action": "enrol", "device_id": device.pk, "code": code_at(device, 0)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(device__user=newcomer).values_list("digest", flat=True))
    assert stored == {recovery_code_digest(code.replace("-", "")) for code in codes}
    assert not any(code.replace("-", "") in digest for code in codes for digest in stored)
    assert client.get("/dashboard/").status_code == 200  # the enrolling code passed this session
    again = client.get("/desk/two-factor/").content.decode()
    assert codes[0] not in again and "<strong>10</strong> recovery codes left" in again
    event = events("two_factor_enrolled").get()
    assert event.actor == newcomer and event.details == {"username": "nora", "recovery_codes": 10}


@pytest.mark.parametrize(("typed", "status"), [("12ab56", 400), ("abcde-fgh23", 400), ("000000", 403)])
def test_a_malformed_or_wrong_code_at_enrolment_enrols_nothing(client, make_staff, typed, status):
    newcomer = make_staff("nora", REVIEWER, enrolled=False)
    client.force_login(newcomer)
    client.get("/desk/two-factor/")
    device = TOTPDevice.objects.get(user=newcomer)
    if typed == "000000" and code_at(device, 0) == typed:
        typed = "000001"
    response = client.post("/desk/two-factor/", {"action": "enrol", "device_id": device.pk, "code": typed})
    assert response.status_code == status
    assert "Nothing was changed" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=newcomer, confirmed=True).exists()
    assert not RecoveryCode.objects.exists() and not events("two_factor_enrolled").exists()
    assert client.get("/dashboard/").status_code == 302


def _enrol_by_page(client, user):
    """Enrol `user` through the page; returns (device, recovery codes, the code typed)."""
    client.force_login(user)
    client.get("/desk/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    code = code_at(device, 0)
    response = client.post("/desk/two-factor/", {"action": "enrol", "device_id": device.pk, "code": code})
    return device, re.findall(r"<li><code>([a-z2-9-]{11})</code></li>", response.content.decode()), code


def test_a_recovery_code_signs_in_once(client, make_staff):
    newcomer = make_staff("nora", REVIEWER, enrolled=False)
    _, codes, _ = _enrol_by_page(client, newcomer)
    first = Client()
    sign_in_with_password(first, newcomer)
    assert first.post("/accounts/two-factor/", {"code": f" {codes[3].upper()} "}).status_code == 302
    page = first.get("/dashboard/")
    assert page.status_code == 200 and "9 left" in page.content.decode()
    second = Client()
    sign_in_with_password(second, newcomer)
    assert second.post("/accounts/two-factor/", {"code": codes[3]}).status_code == 403
    assert two_factor.recovery_codes_left(newcomer) == 9
    assert events("second_factor_passed").get().details["method"] == "recovery code"


def test_new_recovery_codes_need_a_fresh_code_and_void_the_old_ones(client, make_staff):
    newcomer = make_staff("nora", REVIEWER, enrolled=False)
    device, old_codes, spent = _enrol_by_page(client, newcomer)
    response = client.post("/desk/two-factor/", {"action": "recovery_codes", "code": spent})
    assert response.status_code == 403  # the enrolment's code was spent
    time.sleep(THROTTLE_WAIT)
    response = client.post("/desk/two-factor/", {"action": "recovery_codes", "code": code_at(device, 1)})
    assert response.status_code == 200
    new_codes = re.findall(r"<li><code>([a-z2-9-]{11})</code></li>", response.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert two_factor._accepting_device(newcomer, old_codes[0].replace("-", "")) is None
    assert events("recovery_codes_replaced").get().actor == newcomer


def test_a_publisher_resets_someones_two_factor_recorded_and_the_person_told(client, publisher, reviewer):
    # The reviewer is signed in elsewhere: that session ends, so it cannot enrol a new
    # authenticator without the password.
    elsewhere = Client()
    sign_in_with_password(elsewhere, reviewer)
    elsewhere.post("/accounts/two-factor/", {"code": code_at(two_factor.authenticator_of(reviewer), 0)})
    assert elsewhere.get("/desk/").status_code == 200
    client.force_login(publisher)
    listing = client.get("/desk/two-factor/team/")
    assert listing.status_code == 200 and "rhea" in listing.content.decode()
    response = client.post(f"/desk/two-factor/team/{reviewer.pk}/reset/")
    assert response.status_code == 302
    assert not two_factor.is_enrolled(reviewer)
    event = events("two_factor_reset").get()
    assert (event.actor, event.subject_id, event.chain) == (publisher, str(reviewer.pk), "account")
    assert event.details == {"username": "rhea", "sessions": 1}
    assert elsewhere.get("/desk/two-factor/").url.startswith("/accounts/login/")
    told = Notification.objects.get(kind="two_factor")
    assert told.recipient_id == reviewer.pk and "reset your two-factor" in told.message
    # The reviewer's next sign-in enrols anew.
    other = Client()
    sign_in_with_password(other, reviewer)
    assert other.get("/desk/").url.startswith("/desk/two-factor/")


def test_nobody_resets_their_own_two_factor_and_reviewers_reset_nobodys(client, publisher, reviewer, reviewer2):
    client.force_login(publisher)
    response = client.post(f"/desk/two-factor/team/{publisher.pk}/reset/")
    assert response.status_code == 403 and "nobody resets their own" in response.content.decode()
    assert client.post("/desk/two-factor/team/999999/reset/").status_code == 403
    client.force_login(reviewer)
    assert client.get("/desk/two-factor/team/").status_code == 403
    assert client.post(f"/desk/two-factor/team/{reviewer2.pk}/reset/").status_code == 403
    assert two_factor.is_enrolled(publisher) and two_factor.is_enrolled(reviewer2)
    assert not events("two_factor_reset").exists()


def test_the_teams_two_factor_page_runs_the_same_queries_however_many_people(
    client, publisher, make_staff, django_assert_max_num_queries
):
    client.force_login(publisher)
    counts = []
    for size in (2, 8):
        for index in range(size):
            make_staff(f"member{size}x{index}", REVIEWER, enrolled=index % 2 == 0)
        with django_assert_max_num_queries(10) as captured:
            assert client.get("/desk/two-factor/team/").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_admin_login_is_no_way_around_the_second_factor(client, admin_user):
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PERSONA_PASSWORD})
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/accounts/two-factor/")
    assert client.get("/admin/auth/user/").url.startswith("/accounts/two-factor/")


def test_an_administrator_without_an_authenticator_must_enrol_before_the_admin(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", PERSONA_PASSWORD)
    client.post("/admin/login/", {"username": "root", "password": PERSONA_PASSWORD})
    assert client.get("/admin/").url.startswith("/desk/two-factor/")
    assert client.get("/desk/two-factor/").status_code == 200  # no editorial role needed to enrol
    assert not two_factor.is_enrolled(root)


def test_with_the_setting_off_signers_without_an_authenticator_sign_in_with_the_password(client, settings, make_staff):
    settings.REQUIRE_TWO_FACTOR = False
    newcomer = make_staff("nora", REVIEWER)
    assert not two_factor.is_enrolled(newcomer)
    sign_in_with_password(client, newcomer)
    assert client.get("/desk/").status_code == 200
    assert not two_factor.code_needed(newcomer)
    # Someone who enrolled still uses it.
    enrol(newcomer)
    other = Client()
    sign_in_with_password(other, newcomer)
    assert other.get("/desk/").url.startswith("/accounts/two-factor/")


def test_the_roles_that_must_enrol(make_staff, admin_user):
    assert two_factor.required_for(make_staff("r", REVIEWER, enrolled=False))
    assert two_factor.required_for(make_staff("p", PUBLISHER, enrolled=False))
    assert two_factor.required_for(admin_user)
    assert not two_factor.required_for(make_staff("e", EDITOR))


def test_two_factor_events_keep_the_trail_verifiable(client, publisher, reviewer, make_staff, capsys):
    newcomer = make_staff("nora", REVIEWER, enrolled=False)
    _enrol_by_page(client, newcomer)
    sign_in_with_password(Client(), reviewer)
    fresh = Client()
    sign_in_with_password(fresh, reviewer)
    fresh.post("/accounts/two-factor/", {"code": "000000"})
    client.force_login(publisher)
    client.post(f"/desk/two-factor/team/{reviewer.pk}/reset/")
    assert events("two_factor_reset").exists() and events("two_factor_enrolled").exists()
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out.lower()


def test_the_admin_offers_no_way_to_read_or_change_authenticators(admin_client):
    assert admin_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert "otp_totp" not in admin_client.get("/admin/").content.decode()


def test_a_password_due_for_change_waits_for_the_code_first(client, reviewer, settings):
    """Both ask for something before any other page: the code comes first, then the password."""
    settings.PASSWORD_MAX_AGE_DAYS = 90
    reviewer.date_joined = reviewer.date_joined - timedelta(days=91)
    reviewer.save(update_fields=["date_joined"])
    sign_in_with_password(client, reviewer)
    for url in ("/dashboard/", "/accounts/password_change/"):
        assert client.get(url).url.startswith("/accounts/two-factor/"), url
    response = client.post("/accounts/two-factor/", {"code": code_at(two_factor.authenticator_of(reviewer), 0)})
    assert response.status_code == 302
    assert client.get("/dashboard/").url == "/accounts/password_change/"
    assert client.get("/accounts/password_change/").status_code == 200


def test_a_password_due_for_change_waits_for_enrolment_first(client, make_staff, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    newcomer = make_staff("nora", REVIEWER, enrolled=False)
    newcomer.date_joined = newcomer.date_joined - timedelta(days=91)
    newcomer.save(update_fields=["date_joined"])
    sign_in_with_password(client, newcomer)
    assert client.get("/dashboard/").url.startswith("/desk/two-factor/")
    assert client.get("/desk/two-factor/").status_code == 200
