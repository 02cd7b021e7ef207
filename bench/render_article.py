"""Benchmark: render an article with 150 citations to 100 references.

Run with `make bench` (or `.venv/bin/python bench/render_article.py`). It builds
the data in a throwaway PostgreSQL database (DATABASE_URL, default the local server),
then prints the time to render the stored version (Markdown, citations and the
numbered reference list) and the queries the desk page runs.
"""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from harness import person, run_in_throwaway_database


def run():
    from django.test import Client

    from accounts.roles import EDITOR
    from articles import services
    from articles.rendering import render_markdown, render_reference_list
    from articles.services import Content
    from references.normalize import normalize_title
    from references.services import reference_create

    editor = person("bench-editor", EDITOR)
    started = time.perf_counter()
    for n in range(100):
        fields = {
            "kind": "research",
            "title": f"Benchmark study {n}",
            "authors": [{"family": f"Author{n}", "given": "A"}],
            "source": "J Bench",
            "year": 1990 + n % 30,
            "volume": str(n),
            "pages": f"{n}-{n + 9}",
            "doi": f"10.5555/bench.{n}",
        }
        fields["title_key"] = normalize_title(fields["title"])
        reference_create(actor=editor, fields=fields, key=f"ref{n}")
    print(f"created 100 references (formatted in AMA and Vancouver) in {time.perf_counter() - started:.2f} s")
    body = "\n\n".join(
        f"## Section {i}\n\nA claim with a dose of {i} mg "
        f"[@ref{(3 * i) % 100}; @ref{(3 * i + 1) % 100}; @ref{(3 * i + 2) % 100}]."
        for i in range(50)
    )
    article = services.article_create(
        actor=editor, slug="bench", topic="Bench", content=Content(title="Bench", body=body), note="bench"
    )
    version = article.working_version
    markers = body.count("[@")
    print(
        f"article: {markers} citation markers, {sum(m.count('@') for m in body.split('[')[1:])} citations, "
        f"{len(version.references)} distinct references"
    )
    timings = []
    for _ in range(30):
        begin = time.perf_counter()
        render_markdown(version.body, version.references)
        render_reference_list(version.references, "ama")
        timings.append(time.perf_counter() - begin)
    print(
        f"render (body + reference list): median {statistics.median(timings) * 1000:.1f} ms, "
        f"min {min(timings) * 1000:.1f} ms over {len(timings)} runs"
    )
    client = Client()
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/desk/{article.pk}/")
    print(f"desk page: HTTP {response.status_code}, {len(queries.captured_queries)} SQL queries")


if __name__ == "__main__":
    run_in_throwaway_database(run)
