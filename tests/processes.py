"""Real processes for tests: the production start (gunicorn with deploy/gunicorn.conf.py,
a Celery worker, nginx with deploy/nginx.conf) on the test database, each on a port the
OS gave, each stopped by the test that started it."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import app_database_url

ROOT = Path(__file__).resolve().parents[1]
# TEST_REDIS_URL lets two test runs on one machine keep to their own Redis database.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**extra):
    """The README's production settings, pointed at the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "editorial.settings",
        "DATABASE_URL": app_database_url(),  # the runtime role, as production runs the app
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,
        "SECRET_KEY": "process-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_EXPORT_DIR": "",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def collect_static(static_root):
    """collectstatic into `static_root`, as the release step does (WhiteNoise's manifest)."""
    env = production_env(STATIC_ROOT=str(static_root))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


class Started:
    def __init__(self, process, name, url=None):
        self.process, self.name, self.url = process, name, url

    def stop(self):
        self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        print(f"{self.name} output:\n{output or ''}")  # shown by pytest when a test fails


def _start(args, env, name):
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def start_gunicorn(env, workers=2):
    port = free_port()
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_LOG_LEVEL": "warning",
    }
    process = _start(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "editorial.wsgi"], env, "gunicorn"
    )
    web = Started(process, "gunicorn", f"http://127.0.0.1:{port}")
    wait_until_answering(web, web.url + "/healthz")
    return web


def start_celery_worker(env):
    process = _start(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "editorial",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        env,
        "celery worker",
    )
    deadline, seen = time.monotonic() + 60, []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        if "ready." in line:
            return Started(process, "celery worker")
        if process.poll() is not None:
            break
    process.kill()
    pytest.fail("the Celery worker did not start:\n" + "".join(seen))


def wait_until_answering(started, url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if started.process.poll() is not None:
            output = started.process.communicate()[0]
            pytest.fail(f"{started.name} exited:\n{output}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers, whatever it says
        except OSError:
            time.sleep(0.1)
    started.process.kill()
    pytest.fail(f"{started.name} did not answer at {url} in {seconds} s")


def get(url, headers=None):
    """(status, body text) of a GET; no redirects followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def flush_test_redis():
    """Empty the tests' Redis database (no task left from another test), or fail naming the cause."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not running at 127.0.0.1:6379 (start it: see .ci/run)")


def use_broker(url):
    """Point this process's Celery app at a broker (tests otherwise run tasks eagerly).
    It closes the app, and a closed app registers no task whose module is first imported
    after that: import the tasks a test sends at the top of its module."""
    from editorial.celery import app

    app.loader.import_default_modules()  # every app's tasks, registered before the app is closed
    app.close()  # drop pooled connections to the previous broker
    app.amqp._producer_pool = None  # built on kombu's default URL by eager runs
    app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = url or "memory://localhost/"
    app.conf.task_always_eager = url is None


NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
SHIPPED_NGINX_CONF = ROOT / "deploy" / "nginx.conf"


def start_nginx(app_url, export_dir, work_dir):
    """nginx running deploy/nginx.conf, with its three addresses pointed at this test."""
    if not Path(NGINX).exists():
        if os.environ.get("CI"):
            pytest.fail(f"nginx is missing at {NGINX} (apt-get install nginx; .ci/run does)")
        pytest.skip(f"nginx is missing at {NGINX} (apt-get install nginx)")
    port = free_port()
    shipped = SHIPPED_NGINX_CONF.read_text()
    site = shipped.replace("server 127.0.0.1:8000;", f"server {app_url.split('//', 1)[1]};")
    site = site.replace("root /srv/imprimatur/export;", f"root {export_dir};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    assert site.count(str(export_dir)) == 1 and f":{port};" in site and app_url.split("//", 1)[1] in site, (
        "deploy/nginx.conf no longer has the addresses this test points elsewhere"
    )
    (work_dir / "site.conf").write_text(site)
    temp = work_dir / "temp"
    temp.mkdir()
    user = "user root;" if os.geteuid() == 0 else ""  # the worker must read the test's files
    (work_dir / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
pid {work_dir}/nginx.pid;
error_log {work_dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {work_dir}/site.conf;
}}
""")
    process = _start(
        [NGINX, "-p", str(work_dir), "-c", str(work_dir / "nginx.conf"), "-g", "daemon off;"], os.environ, "nginx"
    )
    started = Started(process, "nginx", f"http://127.0.0.1:{port}")
    wait_until_answering(started, started.url + "/healthz")
    return started
