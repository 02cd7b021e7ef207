"""At signing, the reviewer states the month through which the literature was checked;
the page and its JSON-LD show the latest one of the live version's signatures."""

import json
import re
from datetime import date

import pytest

from articles import services
from articles.models import Signature
from core.errors import TransitionNotAllowed
from tests.conftest import PERSONA_PASSWORD
from tests.workflow import claim, publish, refused, signing_code, submit


def sign(article, reviewer, through):
    article.refresh_from_db()
    return services.article_approve(
        article_id=article.pk,
        actor=reviewer,
        password=PERSONA_PASSWORD,
        code=signing_code(reviewer),
        expected_hash=article.working_version.content_hash,
        literature_through=through,
        conflict="none",
    )


@pytest.fixture
def in_review(draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    return draft


def test_the_stated_month_is_signed_and_shown_on_the_page_and_json_ld(client, in_review, reviewer, publisher):
    signature = sign(in_review, reviewer, date(2026, 3, 17))
    assert Signature.objects.get(pk=signature.pk).literature_through == date(2026, 3, 1)
    publish(in_review, publisher)
    page = client.get("/articles/sample-condition/").content.decode()
    assert 'Literature reviewed through <time datetime="2026-03">March 2026</time>.' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["temporalCoverage"] == "../2026-03"


def test_a_month_still_to_come_is_refused(in_review, reviewer):
    with pytest.raises(TransitionNotAllowed, match="still to come"):
        sign(in_review, reviewer, date(2999, 1, 1))
    assert not Signature.objects.exists()


def test_the_desk_refuses_a_malformed_month_and_keeps_it(client, in_review, reviewer):
    client.force_login(reviewer)
    in_review.refresh_from_db()
    response = client.post(
        f"/desk/{in_review.pk}/approve/",
        {"password": "x", "content_hash": in_review.working_version.content_hash, "literature_through": "March"},
    )
    page = refused(client, response, in_review)
    assert "year and month" in page and 'value="March"' in page
