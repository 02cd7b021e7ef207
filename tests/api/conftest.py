"""API fixtures: personal tokens made through the service, a client that sends one."""

import pytest
from rest_framework.test import APIClient

from api.tokens import api_token_create


@pytest.fixture
def token_for(db):
    def make(user, name="tests"):
        return api_token_create(actor=user, name=name)[1]

    return make


@pytest.fixture
def api(token_for):
    """api(user) -> a client sending that user's new token; api() -> an anonymous client."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
        return client

    return make
