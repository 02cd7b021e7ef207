"""A printed name and credentials are a record: who may change them, and how a change is kept."""

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import Profile
from articles.lifecycle import may_change_identity, may_set_roles
from articles.models import Event
from notifications.models import Notification


@pytest.mark.parametrize(
    "actor_id, superuser, person_id, allowed",
    [
        (1, False, 1, True),  # one's own
        (1, False, 2, False),  # a publisher (or anyone) on someone else
        (1, True, 2, True),  # an administrator on anyone
        (1, True, 1, True),
    ],
)
def test_who_may_change_a_printed_name_is_a_rule(actor_id, superuser, person_id, allowed):
    assert may_change_identity(actor_id=actor_id, actor_is_superuser=superuser, person_id=person_id) is allowed


@pytest.mark.parametrize("actor_id, person_id, allowed", [(1, 1, False), (1, 2, True)])
def test_nobody_may_set_their_own_roles(actor_id, person_id, allowed):
    assert may_set_roles(actor_id=actor_id, person_id=person_id) is allowed


def _update(actor, person, **values):
    profile = person.profile
    typed = {**services.identity_of(profile), **values}
    return services.profile_update_identity(
        actor=actor, profile_id=profile.pk, ip="203.0.113.9", now=timezone.now(), **typed
    )


def test_a_publisher_cannot_change_another_persons_identity(publisher, reviewer):
    with pytest.raises(services.AccountChangeRefused, match="Only the person themselves or an administrator"):
        _update(publisher, reviewer, display_name="Dr Impostor", credentials="M.D., FACP")
    reviewer.profile.refresh_from_db()
    assert reviewer.profile.display_name == "" and reviewer.profile.credentials == "M.D., FACP"
    assert not Event.objects.filter(chain="account").exists()


def test_an_administrators_change_is_recorded_with_old_and_new_values_and_the_person_is_told(
    admin_user, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        profile, event = _update(admin_user, reviewer, display_name="Rhea Tester-Smith", credentials="M.D., FACP, FRCP")
    assert profile.printed_name == "Rhea Tester-Smith, M.D., FACP, FRCP"
    event.refresh_from_db()
    assert (event.chain, event.action, event.subject_id, event.actor_id) == (
        "account",
        "identity_changed",
        str(reviewer.pk),
        admin_user.pk,
    )
    assert event.details == {
        "username": "rhea",
        "old": {"display_name": "", "credentials": "M.D., FACP"},
        "new": {"display_name": "Rhea Tester-Smith", "credentials": "M.D., FACP, FRCP"},
    }
    assert event.client_ip == "203.0.113.9"
    assert event.event_hash == event.compute_hash()
    note = Notification.objects.get(recipient=reviewer, kind="identity")
    assert "“M.D., FACP” → “M.D., FACP, FRCP”" in note.message and note.url == "/desk/profile/"


def test_a_person_changes_their_own_identity_and_the_change_is_recorded(reviewer):
    _, event = _update(reviewer, reviewer, display_name="Rhea Tester", specialty="Nephrology")
    assert event.actor_id == reviewer.pk and event.details["new"] == {
        "display_name": "Rhea Tester",
        "specialty": "Nephrology",
    }


def test_saving_the_same_identity_writes_nothing(reviewer):
    _update(reviewer, reviewer, display_name="Rhea Tester")
    profile, event = _update(reviewer, reviewer, display_name="  Rhea Tester ")
    assert event is None
    assert Event.objects.filter(chain="account").count() == 1


@pytest.mark.parametrize(
    "values, message",
    [
        ({"display_name": "   "}, "A printed name is needed"),
        (
            {"display_name": "Rhea", "credentials": "M" * 500},
            "Credentials can be at most 150 characters (you typed 500)",
        ),
        ({"display_name": "Rhea\nTester"}, "Printed name must be one line"),
    ],
)
def test_bad_identity_values_are_refused_with_a_reason(reviewer, values, message):
    with pytest.raises(services.AccountChangeRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        _update(reviewer, reviewer, **values)
    assert not Event.objects.filter(chain="account").exists()


def test_a_form_opened_on_an_older_identity_is_refused(reviewer, admin_user):
    token = services.identity_token(reviewer.profile)
    _update(admin_user, reviewer, display_name="Rhea Tester")
    with pytest.raises(services.StaleIdentity):
        services.profile_update_identity(
            actor=reviewer,
            profile_id=reviewer.profile.pk,
            display_name="Someone",
            credentials="",
            specialty="",
            expected_token=token,
            ip=None,
            now=timezone.now(),
        )
    assert Profile.objects.get(pk=reviewer.profile.pk).display_name == "Rhea Tester"


def test_a_new_signature_prints_the_name_as_recorded_by_the_service(draft, editor, reviewer):
    from django.contrib.auth import get_user_model

    from tests.workflow import approve, claim, submit

    _update(reviewer, reviewer, display_name="Rhea T. Tester", credentials="M.D., FACP, FASN")
    reviewer = get_user_model().objects.get(pk=reviewer.pk)  # the next request's user
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    signature = draft.working_version.signatures.get()
    assert signature.printed_name == "Rhea T. Tester, M.D., FACP, FASN"
    change = Event.objects.get(chain="account", action="identity_changed")
    assert change.created_at <= signature.signed_at
