"""A second board member joins a review that needs two approvals: service, pages, lists."""

import pytest

from accounts.roles import EDITOR, REVIEWER
from articles import selectors, services
from articles.lifecycle import TransitionNotAllowed, needs_another_reviewer
from articles.models import Event, ReviewAssignment
from tests.conftest import unverified_licence
from tests.workflow import approve, claim, make_draft, submit


def two_approvals(article, publisher):
    services.article_set_policy(
        article_id=article.pk, actor=publisher, review_policy="before", approvals_required=2, rereview_months=12
    )
    article.refresh_from_db()


@pytest.fixture
def half_signed(draft, editor, reviewer, publisher):
    """Two approvals required; the first reviewer claimed and signed."""
    two_approvals(draft, publisher)
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    draft.refresh_from_db()
    return draft


def join(article, member):
    return services.article_join(article_id=article.pk, actor=member)


def test_a_second_member_joins_after_the_first_signed_and_then_signs_the_second_approval(half_signed, reviewer2):
    assert half_signed.state == "under_review"
    join(half_signed, reviewer2)
    assert ReviewAssignment.objects.filter(review_round__article=half_signed, reviewer=reviewer2).exists()
    event = Event.objects.filter(article=half_signed).order_by("-id").first()
    assert event.action == "join" and event.actor_id == reviewer2.pk
    assert event.comment == "joined the review (1 of 2 approvals)"
    approve(half_signed, reviewer2)
    half_signed.refresh_from_db()
    assert half_signed.state == "approved"


def test_a_member_may_join_once_someone_claimed_even_before_they_signed(draft, editor, reviewer, reviewer2, publisher):
    two_approvals(draft, publisher)
    submit(draft, editor)
    claim(draft, reviewer)
    join(draft, reviewer2)
    assert draft.rounds.get().assignments.count() == 2


def test_joining_is_refused_to_the_signer_the_joined_a_third_member_and_other_roles(
    half_signed, reviewer, reviewer2, editor, publisher, make_staff
):
    with pytest.raises(TransitionNotAllowed, match="already approved"):
        join(half_signed, reviewer)
    join(half_signed, reviewer2)
    with pytest.raises(TransitionNotAllowed, match="already reviewing"):
        join(half_signed, reviewer2)
    third = make_staff("theo", REVIEWER)
    with pytest.raises(TransitionNotAllowed, match="1 of 2 approvals and enough reviewers"):
        join(half_signed, third)
    for outsider in (editor, publisher):
        with pytest.raises(TransitionNotAllowed, match="Only a reviewer can join"):
            join(half_signed, outsider)


def test_a_complete_round_cannot_be_joined(half_signed, reviewer2, make_staff):
    join(half_signed, reviewer2)
    approve(half_signed, reviewer2)
    with pytest.raises(TransitionNotAllowed, match="approved cannot be joined"):
        join(half_signed, make_staff("theo", REVIEWER))


def test_an_editor_of_the_content_cannot_join(reviewer, publisher, make_staff):
    both = make_staff("bea", EDITOR, REVIEWER)
    article = make_draft(both)
    two_approvals(article, publisher)
    submit(article, both)
    claim(article, reviewer)
    with pytest.raises(TransitionNotAllowed, match="You edited this version"):
        join(article, both)
    assert list(selectors.waiting_for(both)) == []


def test_a_member_without_standing_cannot_join(half_signed, make_staff):
    newcomer = make_staff("nina", REVIEWER, standing=False)
    unverified_licence(newcomer)
    with pytest.raises(TransitionNotAllowed, match="has not verified your"):
        join(half_signed, newcomer)
    assert half_signed.rounds.get().assignments.count() == 1


def test_the_waiting_list_holds_rounds_that_need_another_reviewer_and_drops_them_once_joined(
    half_signed, draft, reviewer, reviewer2
):
    assert list(selectors.waiting_for(reviewer2)) == [half_signed]
    assert list(selectors.waiting_for(reviewer)) == []  # already on it
    row = selectors.review_queue().get()
    assert (row.approvals_given, row.reviewers_pending, row.needs_reviewer) == (1, 0, True)
    join(half_signed, reviewer2)
    assert list(selectors.waiting_for(reviewer2)) == []
    row = selectors.review_queue().get()
    assert (row.approvals_given, row.reviewers_pending, row.needs_reviewer) == (1, 1, False)


@pytest.mark.parametrize("required, given, pending", [(2, 0, 1), (2, 1, 0), (2, 1, 1), (1, 0, 1), (3, 1, 1)])
def test_the_queue_asks_the_lifecycle_s_question_of_every_row(
    required, given, pending, draft, editor, publisher, make_staff
):
    """The queue's SQL and lifecycle.needs_another_reviewer agree."""
    services.article_set_policy(
        article_id=draft.pk, actor=publisher, review_policy="before", approvals_required=required, rereview_months=12
    )
    submit(draft, editor)
    members = [make_staff(f"m{n}", REVIEWER) for n in range(given + pending)]
    claim(draft, members[0])
    for member in members[1:]:
        services.article_assign(article_id=draft.pk, actor=publisher, reviewer_id=member.pk)
    for member in members[:given]:
        approve(draft, member)
    row = selectors.review_queue().get()
    assert (row.approvals_given, row.reviewers_pending) == (given, pending)
    expected = needs_another_reviewer(approvals_required=required, approvals_so_far=given, reviewers_pending=pending)
    assert row.needs_reviewer is expected


# ---------------------------------------------------------------- the pages


def test_the_second_member_sees_1_of_2_and_joins_from_the_article_page(client, half_signed, reviewer2):
    client.force_login(reviewer2)
    page = client.get(f"/desk/{half_signed.pk}/").content.decode()
    assert "1 of 2 approvals" in page and "Join this review" in page and "Sign approval" not in page
    response = client.post(f"/desk/{half_signed.pk}/join/")
    assert response.status_code == 302 and response["Location"] == f"/desk/{half_signed.pk}/"
    page = client.get(f"/desk/{half_signed.pk}/").content.decode()
    assert "You joined this review" in page and "Sign approval" in page and "Join this review" not in page


def test_a_member_who_cannot_join_is_told_why_instead_of_a_lone_comment_box(client, half_signed, reviewer2, make_staff):
    join(half_signed, reviewer2)
    client.force_login(make_staff("theo", REVIEWER))
    page = client.get(f"/desk/{half_signed.pk}/").content.decode()
    assert "Join this review" not in page
    assert "You are not reviewing this article. This review has 1 of 2 approvals and enough reviewers" in page


def test_a_member_without_standing_sees_what_the_registry_lacks_instead_of_the_button(client, half_signed, make_staff):
    newcomer = make_staff("nina", REVIEWER, standing=False)
    client.force_login(newcomer)
    page = client.get(f"/desk/{half_signed.pk}/").content.decode()
    assert "Join this review" not in page and "no licence or board certification of yours is on record" in page


def test_a_refused_join_goes_back_to_the_page_with_the_reason(client, half_signed, reviewer):
    client.force_login(reviewer)
    response = client.post(f"/desk/{half_signed.pk}/join/", follow=True)
    assert response.redirect_chain == [(f"/desk/{half_signed.pk}/", 302)]
    assert "You have already approved this version." in response.content.decode()


def test_queues_and_dashboards_say_1_of_2_approvals(client, half_signed, reviewer2, publisher):
    client.force_login(reviewer2)
    dashboard = client.get("/dashboard/").content.decode()
    assert "1 of 2 approvals" in dashboard and "needs another reviewer: join it" in dashboard
    for url in ("/desk/review/", "/desk/review/?waiting=1", "/desk/"):
        page = client.get(url).content.decode()
        assert half_signed.working_version.title in page and "1 of 2 approvals" in page, url
    assert "needs another reviewer" in client.get("/desk/review/").content.decode()
    client.force_login(publisher)
    page = client.get(f"/desk/{half_signed.pk}/").content.decode()
    assert "1 of 2 approvals" in page
