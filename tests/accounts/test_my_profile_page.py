"""The desk page "Your profile": each person edits their own printed name and credentials."""

import pytest
from django.utils import timezone

from accounts import services
from articles.models import Event
from tests.two_factor import enrol


def _form(profile, **values):
    return {**services.identity_of(profile), "identity_token": services.identity_token(profile), **values}


def test_every_role_finds_your_profile_in_the_navigation(client, editor, reviewer, publisher):
    for person in (editor, reviewer, publisher):
        client.force_login(person)
        page = client.get("/dashboard/").content.decode()
        assert 'href="/desk/profile/"' in page
        assert client.get("/desk/profile/").status_code == 200


@pytest.mark.parametrize("who", ["outsider", "admin_user"])
def test_an_account_without_a_role_has_its_profile_page_too(client, request, who):
    person = request.getfixturevalue(who)
    client.force_login(person)
    assert 'href="/desk/profile/"' in client.get("/dashboard/").content.decode()
    assert client.get("/desk/profile/").status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/desk/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_reviewer_edits_their_credentials_and_sees_the_change_in_the_record(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        "/desk/profile/",
        _form(reviewer.profile, display_name="Rhea Tester", credentials="M.D., FACP, FASN"),
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302 and response["Location"] == "/desk/profile/"
    event = Event.objects.get(chain="account", action="identity_changed")
    assert event.actor_id == reviewer.pk and event.subject_id == str(reviewer.pk)
    assert event.details["old"]["credentials"] == "M.D., FACP" and event.client_ip == "198.51.100.7"
    page = client.get("/desk/profile/").content.decode()
    assert "Rhea Tester, M.D., FACP, FASN" in page
    assert "Printed name or credentials changed" in page and "“M.D., FACP, FASN”" in page


@pytest.mark.parametrize(
    "values, message",
    [
        ({"display_name": ""}, "A printed name is needed"),
        (
            {"display_name": "Rhea", "credentials": "C" * 500},
            "Credentials can be at most 150 characters (you typed 500).",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(client, reviewer, values, message):
    client.force_login(reviewer)
    response = client.post("/desk/profile/", _form(reviewer.profile, specialty="Typed specialty", **values))
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and 'value="Typed specialty"' in page
    assert not Event.objects.filter(chain="account").exists()


def test_a_stale_form_is_refused_shows_the_current_values_and_can_be_sent_again(client, reviewer, admin_user):
    client.force_login(reviewer)
    opened = _form(reviewer.profile, display_name="Rhea Mine")
    services.profile_update_identity(
        actor=admin_user,
        profile_id=reviewer.profile.pk,
        display_name="Rhea Admin",
        credentials="M.D.",
        specialty="",
        ip=None,
        now=timezone.now(),
    )
    response = client.post("/desk/profile/", opened)
    page = response.content.decode()
    assert response.status_code == 409
    assert "changed after the form was opened" in page
    assert 'value="Rhea Mine"' in page and "Rhea Admin, M.D." in page  # typed kept, current shown
    fresh_token = services.identity_token(type(reviewer.profile).objects.get(pk=reviewer.profile.pk))
    assert f'value="{fresh_token}"' in page
    again = client.post("/desk/profile/", {**opened, "identity_token": fresh_token})
    assert again.status_code == 302


def test_the_profile_page_changes_only_ones_own_profile(client, reviewer, reviewer2):
    client.force_login(reviewer2)
    client.post("/desk/profile/", _form(reviewer2.profile, display_name="Ravi Tester"))
    reviewer.profile.refresh_from_db()
    reviewer2.profile.refresh_from_db()
    assert reviewer.profile.display_name == "" and reviewer2.profile.display_name == "Ravi Tester"


def test_the_form_offers_the_name_signatures_print_when_no_printed_name_was_set(client, reviewer):
    client.force_login(reviewer)
    page = client.get("/desk/profile/").content.decode()
    assert 'name="display_name" value="Rhea Tester"' in page


def test_the_profile_page_reads_a_fixed_number_of_queries_however_long_the_record(client, reviewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reviewer)

    def queries_after(changes):
        for number in range(changes):
            services.profile_update_identity(
                actor=reviewer,
                profile_id=reviewer.profile.pk,
                display_name="Rhea",
                credentials=f"M.D. {number}",
                specialty="",
                ip=None,
                now=timezone.now(),
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/desk/profile/").status_code == 200
        return len(captured)

    assert queries_after(1) == queries_after(30)


def test_a_person_sees_role_and_account_changes_others_made_to_their_account(client, editor, admin_user, roles):
    services.user_set_roles(
        actor=admin_user, user_id=editor.pk, groups=[roles["Editor"], roles["Reviewer"]], ip=None, now=timezone.now()
    )
    services.user_update_account(
        actor=admin_user, user_id=editor.pk, changes={"email": "edna@example.com"}, ip=None, now=timezone.now()
    )
    enrol(editor)  # a reviewer now, who must sign in with a code
    client.force_login(editor)
    page = client.get("/desk/profile/").content.decode()
    assert "Roles changed" in page and "Roles: “Editor” → “Editor, Reviewer”" in page
    assert "E-mail: “edna@example.org” → “edna@example.com”" in page
