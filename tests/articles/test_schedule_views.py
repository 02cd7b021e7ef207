"""The schedule forms on the desk page: times read in UTC as the form says, bad input
kept and explained, cancelling for publishers only, schedules shown where publishers look."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from articles import services
from articles.models import Schedule
from tests.workflow import refused


def test_the_schedule_form_says_utc_and_reads_the_time_as_utc_whatever_the_time_zone(
    client, approved, publisher, settings
):
    settings.TIME_ZONE = "America/New_York"
    client.force_login(publisher)
    page = client.get(f"/desk/{approved.pk}/").content.decode()
    assert "Publish version 1 at (UTC)" in page

    response = client.post(
        f"/desk/{approved.pk}/schedule/", {"publish_at": "2030-01-15T14:00", "version_id": approved.working_version_id}
    )

    assert response.status_code == 302
    schedule = Schedule.objects.get(article=approved)
    assert schedule.due_at == datetime(2030, 1, 15, 14, 0, tzinfo=dt_timezone.utc)
    page = client.get(f"/desk/{approved.pk}/").content.decode()
    assert "Publication of version 1 at 2030-01-15 14:00 UTC" in page


@pytest.mark.parametrize(
    "typed, message",
    [
        ("next tuesday", "is not a date and time"),
        ("2001-01-01T09:00", "has passed"),
        ("", "Give the date and time"),
    ],
)
def test_a_bad_or_past_time_is_refused_saying_why_and_keeps_what_was_typed(client, approved, publisher, typed, message):
    client.force_login(publisher)
    response = client.post(
        f"/desk/{approved.pk}/schedule/", {"publish_at": typed, "version_id": approved.working_version_id}
    )
    page = refused(client, response, approved)
    assert message in page and f'value="{typed}"' in page
    assert not Schedule.objects.exists()


def test_a_bad_expiry_keeps_the_time_and_reason_typed(client, published, publisher):
    client.force_login(publisher)
    response = client.post(
        f"/desk/{published.pk}/schedule-unpublish/",
        {"unpublish_at": "2001-01-01 09:00", "reason": "Superseded guidance"},
    )
    page = refused(client, response, published)
    assert "has passed" in page and 'value="2001-01-01 09:00"' in page and 'value="Superseded guidance"' in page


def test_a_publisher_schedules_an_expiry_from_the_desk_page(client, published, publisher):
    client.force_login(publisher)
    response = client.post(
        f"/desk/{published.pk}/schedule-unpublish/",
        {"unpublish_at": "2030-02-01 08:30", "reason": "Superseded guidance"},
    )
    assert response.status_code == 302
    page = client.get(f"/desk/{published.pk}/").content.decode()
    assert "Unpublication of version 1 at 2030-02-01 08:30 UTC" in page and "Superseded guidance" in page


def schedule_soon(article, publisher):
    now = timezone.now()
    return services.article_schedule(
        article_id=article.pk,
        actor=publisher,
        expected_version_id=article.working_version_id,
        publish_at=now + timedelta(days=1),
        now=now,
    )


@pytest.mark.parametrize("persona", ["editor", "reviewer"])
def test_editors_and_reviewers_see_the_schedule_but_cancelling_is_refused_with_the_reason(
    client, request, approved, publisher, persona
):
    schedule = schedule_soon(approved, publisher)
    client.force_login(request.getfixturevalue(persona))
    page = client.get(f"/desk/{approved.pk}/").content.decode()
    assert "Publication of version 1 at" in page and "Cancel publication" not in page

    response = client.post(f"/desk/{approved.pk}/cancel-schedule/", {"schedule_id": schedule.pk})

    assert "Only a publisher can cancel a schedule." in refused(client, response, approved)
    schedule.refresh_from_db()
    assert schedule.outcome == Schedule.PENDING


def test_a_publisher_cancels_from_the_desk_page(client, approved, publisher):
    schedule = schedule_soon(approved, publisher)
    client.force_login(publisher)
    assert "Cancel publication" in client.get(f"/desk/{approved.pk}/").content.decode()
    response = client.post(f"/desk/{approved.pk}/cancel-schedule/", {"schedule_id": schedule.pk}, follow=True)
    assert response.status_code == 200 and "Schedule cancelled." in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.outcome == Schedule.CANCELLED


def test_cancelling_a_schedule_that_is_gone_says_so(client, approved, publisher):
    client.force_login(publisher)
    response = client.post(f"/desk/{approved.pk}/cancel-schedule/", {"schedule_id": "x"})
    assert "Nothing is scheduled" in refused(client, response, approved)


def test_the_publish_queue_and_dashboard_show_scheduled_items_including_live_ones(
    client, approved, published, publisher
):
    schedule_at = timezone.now()
    services.article_schedule_unpublish(
        article_id=published.pk,
        actor=publisher,
        reason="Expires",
        unpublish_at=schedule_at + timedelta(days=2),
        now=schedule_at,
    )
    client.force_login(publisher)
    for url in ("/desk/publish/", "/dashboard/"):
        page = client.get(url).content.decode()
        assert "Unpublication of version 1 at" in page, url
