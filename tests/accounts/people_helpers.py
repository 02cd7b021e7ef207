"""Reading the one-time links the people pages e-mail."""

import re

import pytest
from django.core import mail
from django.test import Client

LINK = re.compile(r"https?://[^/\s]+(/accounts/link/[\w-]+/)")


def mailed_links():
    """The paths of the one-time links e-mailed so far, oldest first."""
    return [match.group(1) for message in mail.outbox for match in LINK.finditer(message.body)]


def last_link():
    return mailed_links()[-1]


@pytest.fixture(autouse=True)
def mail_is_sent_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The links are e-mailed after commit, which a test's transaction never reaches:
    each request's callbacks run as the request ends."""
    handler = Client.request

    def request_then_commit(self, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return handler(self, **kwargs)

    monkeypatch.setattr(Client, "request", request_then_commit)
