"""deploy/nginx.conf in front of the app (gunicorn with deploy/gunicorn.conf.py): the
static export is served first, everything else reaches the app."""

import pytest

from articles import services
from public.tasks import refresh_exports
from tests.processes import get, production_env, start_gunicorn, start_nginx, use_broker

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = "/articles/sample-condition/"
DEAD_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def export_dir(tmp_path, settings):
    folder = tmp_path / "export"
    folder.mkdir()
    settings.STATIC_EXPORT_DIR = str(folder)
    return folder


@pytest.fixture
def site(tmp_path, export_dir, static_root):
    web = start_gunicorn(
        production_env(STATIC_ROOT=str(static_root), STATIC_EXPORT_DIR=str(export_dir), BEHIND_PROXY="true")
    )
    work = tmp_path / "nginx"
    work.mkdir()
    try:
        nginx = start_nginx(web.url, export_dir, work)
    except BaseException:
        web.stop()
        raise
    yield nginx
    nginx.stop()
    web.stop()


def test_nginx_serves_the_exported_page_with_the_apps_cache_headers(site, published, export_dir):
    refresh_exports()
    exported = export_dir / "articles" / "sample-condition" / "index.html"
    exported.write_text(exported.read_text() + "<!-- from the export -->")
    status, body, headers = get(site.url + PAGE)
    assert status == 200 and "What is sample condition?" in body and "<!-- from the export -->" in body
    assert headers["Cache-Control"] == "public, max-age=60" and headers["ETag"] and headers["Last-Modified"]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    stylesheet = body.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert get(site.url + stylesheet)[0] == 200
    status, body, _ = get(site.url + PAGE + "professional/")
    assert status == 200 and "healthcare professionals" in body


def test_a_withdrawn_page_is_404_once_reconciled_even_when_its_follow_up_was_lost(
    site, published, publisher, export_dir
):
    refresh_exports()
    use_broker(DEAD_BROKER)  # the follow-up task is never delivered
    try:
        services.article_unpublish(article_id=published.pk, actor=publisher, reason="withdrawn")
    finally:
        use_broker(None)
    assert (export_dir / "articles" / "sample-condition" / "index.html").exists()
    refresh_exports()  # beat's reconciliation
    assert get(site.url + PAGE)[0] == 404
    assert get(site.url + PAGE + "professional/")[0] == 404


def test_desk_search_and_the_audience_form_reach_the_app(site, published):
    refresh_exports()
    status, _, headers = get(site.url + "/desk/")
    assert status == 302 and "/login/" in headers["Location"]
    status, body, _ = get(site.url + "/articles/?q=sample")
    assert status == 200 and "What is sample condition?" in body
    status, _, headers = get(site.url + PAGE + "audience/?audience=professional")
    assert status == 302 and headers["Location"].endswith(PAGE + "professional/")
    status, _, headers = get(site.url + PAGE, headers={"Cookie": "audience=professional"})
    assert status == 302 and headers["Location"].endswith(PAGE + "professional/")
    assert get(site.url + "/healthz")[0] in (200, 503)  # answered by the app, whatever its parts say
