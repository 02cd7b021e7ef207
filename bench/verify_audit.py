"""Benchmark: verify_audit over 1,000,000 generated events.

Run with `make bench-audit` (or `.venv/bin/python bench/verify_audit.py`). Articles
and their keyed event chains are generated in a throwaway PostgreSQL database (events
written with COPY); `manage.py verify_audit` then runs as its own process, first on a
tenth of the trail and then on all of it, and the script prints each run's time and the
process's peak memory, so that flat memory shows as two close figures.
"""

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from django.conf import settings
from django.db import connection

from harness import person, run_in_throwaway_database

EVENTS = int(os.environ.get("BENCH_EVENTS", 1_000_000))
PER_ARTICLE = 100
ROOT = Path(__file__).resolve().parents[1]
COLUMNS = (
    "article_id",
    "seq",
    "actor_id",
    "actor_name",
    "created_at",
    "action",
    "from_state",
    "to_state",
    "version_id",
    "content_hash",
    "comment",
    "client_ip",
    "key_id",
    "previous_hash",
    "event_hash",
)


def generate(first_article, articles, editor):
    from articles.models import GENESIS_HASH, Article, Event

    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    made = Article.objects.bulk_create(
        Article(
            slug=f"bench-{first_article + n}",
            topic="Bench",
            state="draft",
            created_by_id=editor,
            created_at=start,
            state_changed_at=start,
        )
        for n in range(articles)
    )
    heads = []
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY articles_event ({', '.join(COLUMNS)}) FROM STDIN") as copy,
    ):
        for article in made:
            previous = GENESIS_HASH
            for seq in range(1, PER_ARTICLE + 1):
                event = Event(
                    article_id=article.pk,
                    seq=seq,
                    actor_id=editor,
                    actor_name="Bench Editor",
                    created_at=start + timedelta(minutes=seq),
                    action="create" if seq == 1 else "comment",
                    from_state="" if seq == 1 else "draft",
                    to_state="draft",
                    content_hash="",
                    comment=f"note {seq} on article {article.pk}",
                    key_id=settings.AUDIT_KEY_ID,
                    previous_hash=previous,
                )
                event.event_hash = event.compute_hash()
                copy.write_row([getattr(event, column) for column in COLUMNS])
                previous = event.event_hash
            heads.append((article.pk, previous))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article AS a SET audit_head_hash = h.hash, audit_head_id = e.id"
            " FROM unnest(%s::bigint[], %s::text[]) AS h(id, hash) JOIN articles_event AS e ON e.event_hash = h.hash"
            " WHERE a.id = h.id",
            [[pk for pk, _ in heads], [digest for _, digest in heads]],
        )
        cursor.execute("ANALYZE")


def verify_in_own_process():
    env = {**os.environ, "DATABASE_URL": _database_url()}
    begin = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - begin
    said = process.stdout.read().strip()
    process.stdout.close()
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), said


def _database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run():
    from accounts.roles import EDITOR

    editor = person("bench-editor", EDITOR).pk
    made = 0
    for target in (EVENTS // 10, EVENTS):
        articles = (target - made) // PER_ARTICLE
        begin = time.perf_counter()
        generate(made // PER_ARTICLE, articles, editor)
        made += articles * PER_ARTICLE
        print(f"generated {made:,} events in all ({time.perf_counter() - begin:.1f} s for this part)")
        elapsed, peak_mib, code, said = verify_in_own_process()
        print(
            f"verify_audit over {made:,} events: {elapsed:.1f} s, peak memory {peak_mib:.0f} MiB, exit {code}: {said}"
        )


if __name__ == "__main__":
    run_in_throwaway_database(run)
