import pytest

from tests.conftest import PERSONA_PASSWORD


def test_wrong_password_gets_a_clear_message_and_keeps_the_username(client, editor):
    response = client.post("/accounts/login/", {"username": editor.username, "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "did not match" in page
    assert f'value="{editor.username}"' in page


def test_sign_in_lands_on_the_dashboard(client, editor):
    response = client.post("/accounts/login/", {"username": editor.username, "password": PERSONA_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


@pytest.mark.django_db
def test_dashboard_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "persona, shown, hidden",
    [
        ("editor", ["Editor dashboard"], ["Reviewer dashboard", "Publisher dashboard"]),
        ("reviewer", ["Reviewer dashboard"], ["Editor dashboard", "Publisher dashboard"]),
        ("publisher", ["Publisher dashboard"], ["Editor dashboard", "Reviewer dashboard"]),
        ("outsider", ["holds no editorial role"], ["Editor dashboard", "Reviewer dashboard", "Publisher dashboard"]),
    ],
)
def test_each_role_sees_its_own_dashboard(client, request, persona, shown, hidden):
    client.force_login(request.getfixturevalue(persona))
    page = client.get("/dashboard/").content.decode()
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


def test_a_person_with_two_roles_sees_both_sections(client, make_staff):
    client.force_login(make_staff("dual", "Editor", "Reviewer"))
    page = client.get("/dashboard/").content.decode()
    assert "Editor dashboard" in page and "Reviewer dashboard" in page


def test_sign_out_is_a_post_and_ends_the_session(client, editor):
    client.force_login(editor)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/dashboard/").status_code == 302


def test_password_change_needs_the_old_password(client, editor):
    client.force_login(editor)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "nope", "new_password1": "Another-long-pass-77", "new_password2": "Another-long-pass-77"},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PERSONA_PASSWORD,
            "new_password1": "Another-long-pass-77",
            "new_password2": "Another-long-pass-77",
        },
    )
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("Another-long-pass-77")


@pytest.mark.django_db
def test_an_unknown_url_gets_the_site_404_page_not_a_debug_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "Traceback" not in page and "URLconf" not in page


def test_the_reports_are_offered_on_postgresql_and_not_on_a_first_run_sqlite(client, editor, monkeypatch):
    from django.db import connection

    client.force_login(editor)
    assert 'href="/desk/reports/"' in client.get("/dashboard/").content.decode()
    monkeypatch.setattr(connection, "vendor", "sqlite")  # the context processor's only question
    assert 'href="/desk/reports/"' not in client.get("/dashboard/").content.decode()
