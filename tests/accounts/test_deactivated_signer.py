"""A signer who leaves is deactivated, never deleted: every page that names them still works,
and the record of their signatures and of the account changes still verifies."""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import services


@pytest.fixture
def departed(published, admin_user, reviewer):
    """The reviewer who signed the published version, renamed in print and then deactivated."""
    services.profile_update_identity(
        actor=admin_user,
        profile_id=reviewer.profile.pk,
        display_name="Rhea Q. Public",
        credentials="M.D.",
        specialty="",
        ip=None,
        now=timezone.now(),
    )
    services.user_update_account(
        actor=admin_user, user_id=reviewer.pk, changes={"is_active": False}, ip=None, now=timezone.now()
    )
    reviewer.refresh_from_db()
    assert not reviewer.is_active
    return published


def test_the_public_page_still_names_a_deactivated_signer_as_signed(client, departed):
    response = client.get(f"/articles/{departed.slug}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rhea Tester, M.D., FACP" in page and "Rhea Q. Public" not in page  # the name the signature kept


def test_the_review_lines_link_to_a_former_members_page_still_answers(client, departed, reviewer, editor):
    response = client.get(reviewer.profile.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "No longer a member of the Medical Advisory Board" in page and departed.working_version.title in page
    assert client.get(editor.profile.get_absolute_url()).status_code == 404  # never signed, never a member


def test_desk_pages_still_work_for_every_role_after_the_signer_left(client, departed, editor, reviewer2, publisher):
    for person in (editor, reviewer2, publisher):
        client.force_login(person)
        for url in (f"/desk/{departed.pk}/", f"/desk/{departed.pk}/history/", "/dashboard/", "/desk/"):
            response = client.get(url)
            assert response.status_code == 200, (person.username, url)
        assert "Rhea Tester, M.D., FACP" in client.get(f"/desk/{departed.pk}/").content.decode()


def test_audit_exports_still_name_a_deactivated_signer(client, departed, publisher):
    client.force_login(publisher)
    csv_response = client.get(f"/desk/{departed.pk}/audit.csv")
    json_response = client.get(f"/desk/{departed.pk}/audit.json")
    assert csv_response.status_code == json_response.status_code == 200
    document = json.loads(json_response.content)
    assert [s["printed_name"] for s in document["signatures"]] == ["Rhea Tester, M.D., FACP"]
    assert "rhea" in csv_response.content.decode()


def test_republishing_after_the_signer_left_keeps_their_name_on_the_review_line(client, departed, publisher):
    from articles import services as article_services

    article_services.article_unpublish(article_id=departed.pk, actor=publisher, reason="Checking a dose")
    departed.refresh_from_db()
    from tests.workflow import publish

    publish(departed, publisher)
    page = client.get(f"/articles/{departed.slug}/").content.decode()
    assert "Rhea Tester, M.D., FACP" in page


def test_the_trail_with_account_changes_still_verifies(departed, capsys):
    call_command("verify_audit")  # exits 1 on a problem
    assert "Audit trail intact" in capsys.readouterr().out
