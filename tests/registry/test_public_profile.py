"""The public profile of a board member: credentials with "verified <month year>",
specialties, declared interests and articles reviewed; the review line links to it."""

import pytest
from django.utils import timezone

from registry.models import Credential, Declaration, MemberSpecialty, Specialty
from tests.workflow import approve, claim, publish, submit

pytestmark = pytest.mark.django_db


def test_the_profile_shows_verified_credentials_specialties_interests_and_reviews(
    client, draft, editor, reviewer, publisher, django_assert_max_num_queries
):
    now = timezone.now()
    MemberSpecialty.objects.create(
        member=reviewer, specialty=Specialty.objects.create(name="Internal medicine", created_at=now)
    )
    Declaration.objects.create(member=reviewer, declared_at=now, no_interests=False, interests="Consultant to Acme")
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    publish(draft, publisher)

    article_page = client.get(f"/articles/{draft.slug}/").content.decode()
    url = reviewer.profile.get_absolute_url()
    assert f'<a href="{url}">Rhea Tester, M.D., FACP</a>' in article_page
    with django_assert_max_num_queries(8):
        page = client.get(url).content.decode()
    assert f"(verified {now:%B %Y})" in page
    assert "Licence to practise: Medical licence, State Medical Board" in page
    assert "Internal medicine" in page
    assert "Consultant to Acme" in page
    assert "What is sample condition?" in page


def test_an_unverified_credential_is_not_shown_to_readers(client, reviewer):
    Credential.objects.filter(member=reviewer).update(verified_at=None, verified_by=None)
    assert "Licence to practise" not in client.get(reviewer.profile.get_absolute_url()).content.decode()
