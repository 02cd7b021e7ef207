"""A lock holds across processes: the production start (gunicorn, two workers) on the
test database. Failures counted by whichever worker answered lock the name for every
worker, and for signing in this process too."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from accounts.lockout import SignerLocked, signing_password_ok
from tests.conftest import PERSONA_PASSWORD
from tests.processes import production_env, start_gunicorn

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in_status(base_url, username, password):
    """Open the login page and post the form, as a browser would: the answer's status."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
    with opener.open(base_url + "/accounts/login/", timeout=10) as page:
        token = TOKEN.search(page.read().decode()).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    try:
        with opener.open(base_url + "/accounts/login/", data=form.encode(), timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def web(static_root):
    started = start_gunicorn(production_env(STATIC_ROOT=str(static_root)), workers=2)
    yield started
    started.stop()


def test_failures_at_any_worker_lock_the_name_everywhere(web, editor):
    statuses = [sign_in_status(web.url, "edna", f"guess-{n}") for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert [sign_in_status(web.url, "edna", PERSONA_PASSWORD) for _ in range(4)] == [429] * 4
    with pytest.raises(SignerLocked, match="“edna” is locked"):
        signing_password_ok(editor, PERSONA_PASSWORD, ip="192.0.2.1")
