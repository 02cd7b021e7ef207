"""Benchmark: the public article page, against nginx serving static files.

Run with `make bench-public` (needs Debian's nginx and wrk: `apt-get install nginx wrk`,
PostgreSQL and Redis). It builds a published article of about 2,000 words citing 40
references in a throwaway PostgreSQL database, then measures with wrk (2 threads,
32 connections, 15 s, loopback), all in one run:

  1. the app under gunicorn (deploy/gunicorn.conf.py, 2 sync workers, DEBUG off,
     Django's stock PostgreSQL backend) with the page cache off,
  2. the same with the page cache on, in Redis (shared between the workers),
  3. nginx with the shipped deploy/nginx.conf serving the article's static export,
  4. nginx serving a plain static copy of the page,

and prints requests/s, p50 and p99 for each, and each one's ratio to the last.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DB_NAME = "imprimatur_bench_public"
SERVER_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DURATION = os.environ.get("BENCH_DURATION", "15s")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
WORK = Path(tempfile.mkdtemp(prefix="imprimatur-bench-"))
EXPORT = WORK / "export"
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "editorial.settings",
    "DATABASE_URL": f"{SERVER_URL}/{DB_NAME}",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "AUDIT_KEY": "bench-only-audit-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "STATIC_EXPORT_DIR": str(EXPORT),
    "STATIC_ROOT": str(WORK / "staticfiles"),
    "LOG_LEVEL": "WARNING",
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    # The benchmark signs in the shell, with no authenticator: signers need no second factor here.
    "REQUIRE_TWO_FACTOR": "false",
}
ENV.pop("CELERY_BROKER_URL", None)

WORDS = (
    "the patient clinical evidence dose treatment daily symptoms review guideline trial outcome risk adults "
    "children care doctor nurse months weeks common rare effect benefit harm"
).split()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)


def build_data():
    subprocess.run(
        ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True, stderr=subprocess.DEVNULL
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    script = f"""
import random
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from accounts.roles import install_roles
from articles import services
from articles.services import Content
from references.normalize import normalize_title
from references.services import reference_create
from django.utils import timezone
from registry.demo import make_eligible
install_roles(apps)
def person(name, role):
    user = get_user_model().objects.create_user(name, password="bench-password-123", email=name + "@example.org")
    user.groups.add(Group.objects.get(name=role))
    return user
editor, reviewer, reviewer2, publisher = (person("e", "Editor"), person("r", "Reviewer"), person("r2", "Reviewer"),
                                          person("p", "Publisher"))
for n in range(40):
    fields = {{"kind": "research", "title": f"Benchmark study {{n}} of a common condition", "source": "J Bench",
              "authors": [{{"family": f"Author{{n}}", "given": "A"}}, {{"family": "Second", "given": "B"}}],
              "year": 1990 + n % 30, "volume": str(n), "pages": f"{{n}}-{{n + 9}}", "doi": f"10.5555/bench.{{n}}"}}
    fields["title_key"] = normalize_title(fields["title"])
    reference_create(actor=editor, fields=fields, key=f"ref{{n}}")
random.seed(7)
words = {WORDS!r}
sections = []
for s in range(10):
    paragraphs = []
    for p in range(4):
        sentence = " ".join(random.choice(words) for _ in range(48))
        paragraphs.append(sentence.capitalize() + f". [@ref{{(s * 4 + p) % 40}}]")
    sections.append(f"## Section {{s + 1}}\\n\\n" + "\\n\\n".join(paragraphs))
body = "\\n\\n".join(sections)
article = services.article_create(actor=editor, slug="bench-article", topic="Bench", note="bench",
    content=Content(title="What is the benchmark condition?", summary="A generated article for benchmarks.", body=body,
                    key_points="One\\nTwo\\nThree", aliases=("Bench syndrome",)))
services.article_set_policy(article_id=article.pk, actor=publisher, review_policy="before", approvals_required=2,
                            rereview_months=12)
article.refresh_from_db()
services.article_submit(article_id=article.pk, actor=editor, expected_version_id=article.working_version_id)
services.article_claim(article_id=article.pk, actor=reviewer)
services.article_assign(article_id=article.pk, actor=publisher, reviewer_id=reviewer2.pk)
article.refresh_from_db()
for signer in (reviewer, reviewer2):
    make_eligible(signer, verifier=publisher, now=timezone.now())
    services.article_approve(article_id=article.pk, actor=signer, password="bench-password-123",
                             expected_hash=article.working_version.content_hash, conflict="none")
services.article_publish(article_id=article.pk, actor=publisher, expected_version_id=article.working_version_id)
print(len(body.split()), "words")
"""
    words = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=ENV, check=True, capture_output=True, text=True
    ).stdout.strip()
    return words


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def gunicorn(cache_on):
    port = free_port()
    env = {**ENV, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "GUNICORN_LOG_LEVEL": "warning"}
    if cache_on:
        env["CACHE_URL"] = REDIS_URL
        subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, stdout=subprocess.DEVNULL)
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "editorial.wsgi"], cwd=ROOT, env=env
    )
    return process, f"http://127.0.0.1:{port}/articles/bench-article/"


def nginx(plain_html, app_address):
    """One nginx: the shipped deploy/nginx.conf (its addresses pointed here) and a
    plain server for the static copy."""
    site_port, plain_port = free_port(), free_port()
    # nginx's workers run as an unprivileged user: let them read the files.
    for path in [WORK, *WORK.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (WORK / "plain").mkdir(mode=0o755)
    (WORK / "plain" / "index.html").write_bytes(plain_html)
    (WORK / "plain" / "index.html").chmod(0o644)
    (WORK / "logs").mkdir()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = (
        site.replace("server 127.0.0.1:8000;", f"server {app_address};")
        .replace("root /srv/imprimatur/export;", f"root {EXPORT};")
        .replace("listen 80;", f"listen 127.0.0.1:{site_port};")
    )
    (WORK / "site.conf").write_text(site)
    conf = WORK / "nginx.conf"
    conf.write_text(f"""
worker_processes 2;
pid {WORK}/nginx.pid;
error_log {WORK}/logs/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    include /etc/nginx/mime.types;
    include {WORK}/site.conf;
    server {{
        listen 127.0.0.1:{plain_port};
        location /plain/ {{ alias {WORK}/plain/; }}
    }}
}}
""")
    process = subprocess.Popen(["nginx", "-p", str(WORK), "-c", str(conf), "-g", "daemon off;"])
    return (process, f"http://127.0.0.1:{site_port}/articles/bench-article/", f"http://127.0.0.1:{plain_port}/plain/")


def run_wrk(url):
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{DURATION}", "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, latency.get("50", "?"), latency.get("99", "?"), int(errors.group(1)) if errors else 0


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def main():
    for tool in ("nginx", "wrk", "createdb"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install nginx wrk postgresql-client")
    print(f"building the article ({build_data()}, 40 references) ...")
    results = []
    plain_html = b""
    for label, cache_on in (("app, page cache off", False), ("app, page cache on", True)):
        process, url = gunicorn(cache_on)
        try:
            plain_html = wait_for(url)
            results.append((label, *run_wrk(url)))
        finally:
            stop(process)
    process, export_url, plain_url = nginx(plain_html, "127.0.0.1:9")
    try:
        wait_for(plain_url)
        assert b"bench-article" in wait_for(export_url)
        results.append(("nginx, static export", *run_wrk(export_url)))
        results.append(("nginx, plain static copy", *run_wrk(plain_url)))
    finally:
        stop(process)
    baseline = results[-1][1]
    print(f"page: {len(plain_html) // 1024} KB; wrk -t2 -c32 -d{DURATION} on loopback, {os.cpu_count()} cores")
    print(f"{'what':28} {'req/s':>10} {'p50':>9} {'p99':>9} {'vs nginx plain':>15} {'errors':>7}")
    for label, rps, p50, p99, errors in results:
        print(f"{label:28} {rps:10.0f} {p50:>9} {p99:>9} {rps / baseline:14.1%} {errors:7d}")
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=False)
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
