"""The whole API schema, fuzzed against the app in-process on PostgreSQL: no 500 for any
generated input, and every answer (status, content type, body) matches the schema.

Seed data and a token make the run reach real rows: generated ids and slugs are bent,
half the time, onto stored ones, and the last test asserts that successes happened."""

import itertools

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from accounts.roles import EDITOR, PUBLISHER, REVIEWER
from api.tokens import api_token_create

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
STATUSES = []
CALLS = itertools.count()


@pytest.fixture
def seeded(make_staff, published, editor):
    # The raw WSGI app closes the test's connection after each request; Django's
    # test client disconnects these signals itself, so do the same here.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    everyone = make_staff("fuzz", EDITOR, REVIEWER, PUBLISHER, credentials="M.D.")
    token = api_token_create(actor=everyone, name="fuzz")[1]
    yield {"token": token, "article_id": published.pk, "slug": published.slug, "reviewer": "rhea"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _bend_onto_seed(case, seeded):
    """Half the generated ids and slugs name stored rows, so the happy paths run too."""
    parameters = case.path_parameters or {}
    if next(CALLS) % 2:
        return
    for name, value in parameters.items():
        if name == "article_id" and isinstance(value, int):
            parameters[name] = seeded["article_id"]
        elif name == "slug" and isinstance(value, str):
            parameters[name] = seeded["slug"]


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_answers_every_generated_request_as_its_schema_says(case, seeded):
    _bend_onto_seed(case, seeded)
    response = case.call_and_validate(headers={"Authorization": f"Bearer {seeded['token']}"})
    STATUSES.append((case.operation.label, response.status_code))


def test_the_fuzzing_reached_stored_rows_and_succeeded_somewhere():
    assert STATUSES, "the fuzzing test did not run"
    succeeded = {label for label, status in STATUSES if 200 <= status < 300}
    print("API fuzzing: successes on", sorted(succeeded))
    assert any(label.startswith("GET /api/articles/{slug}") for label in succeeded), succeeded
    assert any(label.startswith("GET /api/desk/") for label in succeeded), succeeded
    assert len(succeeded) >= 6, succeeded
