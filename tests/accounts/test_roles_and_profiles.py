import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import roles_of


@pytest.mark.django_db
def test_the_data_migration_creates_the_three_role_groups():
    # Not the `roles` fixture: this reads what the migrations left in the test database.
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Editor", "Reviewer", "Publisher"} <= names
    publisher = Group.objects.get(name="Publisher")
    assert publisher.permissions.filter(codename="change_profile").exists()


@pytest.mark.django_db
def test_every_new_user_gets_a_profile_with_a_unique_slug():
    User = get_user_model()
    first = User.objects.create_user("jroe1", first_name="Jane", last_name="Roe")
    second = User.objects.create_user("jroe2", first_name="Jane", last_name="Roe")
    assert first.profile.slug == "jane-roe"
    assert second.profile.slug == "jane-roe-2"


def test_printed_name_joins_name_and_credentials(reviewer):
    reviewer.profile.display_name = "Jane Roe"
    assert reviewer.profile.printed_name == "Jane Roe, M.D., FACP"


def test_roles_of_lists_only_role_groups_and_nothing_for_anonymous(editor, outsider):
    from django.contrib.auth.models import AnonymousUser

    assert roles_of(editor) == {"Editor"}
    assert roles_of(outsider) == frozenset()
    assert roles_of(AnonymousUser()) == frozenset()


def test_an_inactive_user_holds_no_roles(editor):
    editor.is_active = False
    assert roles_of(editor) == frozenset()


def test_reviewer_profile_page_is_public_and_shows_credentials(client, reviewer):
    response = client.get(reviewer.profile.get_absolute_url())
    assert response.status_code == 200
    assert "M.D., FACP" in response.content.decode()
    assert "Internal medicine" in response.content.decode()


def test_only_board_members_have_a_public_profile_page(client, editor, publisher, admin_user):
    for person in (editor, publisher, admin_user):
        assert client.get(person.profile.get_absolute_url()).status_code == 404
    assert client.get("/reviewers/admin/").status_code == 404


@pytest.mark.django_db
def test_a_public_address_is_never_the_login_name():
    User = get_user_model()
    nameless = User.objects.create_user("drsmith")
    named_like_login = User.objects.create_user("jane-roe", first_name="Jane", last_name="Roe")
    assert nameless.profile.slug == f"member-{nameless.pk}"
    assert named_like_login.profile.slug == f"member-{named_like_login.pk}"
    assert "drsmith" not in nameless.profile.get_absolute_url()


@pytest.mark.django_db
def test_unknown_profile_is_a_404(client):
    assert client.get("/reviewers/nobody-here/").status_code == 404


def test_a_profiles_public_address_cannot_be_changed_in_the_admin(admin_client, reviewer):
    url = f"/admin/accounts/profile/{reviewer.profile.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert reviewer.profile.slug in page and 'name="slug"' not in page
    form = {
        "user": reviewer.pk,
        "display_name": "Rhea Tester",
        "credentials": "M.D.",
        "specialty": "",
        "bio": "",
        "slug": "renamed",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    reviewer.profile.refresh_from_db()
    assert reviewer.profile.slug != "renamed" and reviewer.profile.credentials == "M.D."
