"""Benchmark: figures, from upload to the rendered page.

Run with `.venv/bin/python bench/figures.py` (in `make bench`). In a throwaway
PostgreSQL database and media folder it prints the time to take in one 2400 x 1600
photo-like JPEG (decode, clean re-encoding, three renditions, storage), then for
articles showing 1 and 20 figures: the time to save a version (figures frozen), to
re-prove it (every figure file read back and hashed), to render its three public
pages, and the queries of the desk's article and edit pages.
"""

import os
import statistics
import tempfile
import time
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from harness import person, run_in_throwaway_database


def photo_like(width=2400, height=1600):
    from PIL import Image

    noise = Image.frombytes("RGB", (width // 8, height // 8), os.urandom(width * height * 3 // 64))
    out = BytesIO()
    noise.resize((width, height), Image.Resampling.BICUBIC).save(out, "JPEG", quality=90)
    return out.getvalue()


def timed(call, runs=5):
    timings = []
    for _ in range(runs):
        begin = time.perf_counter()
        result = call()
        timings.append(time.perf_counter() - begin)
    return result, statistics.median(timings) * 1000


def run():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from accounts.roles import EDITOR
    from articles import figure_services, services
    from articles.integrity import verify_version_content
    from articles.services import Content
    from figures.services import FigureText
    from public.pages import render_pages

    editor = person("bench-editor", EDITOR)
    content = photo_like()
    client = Client()
    client.force_login(editor)
    for count in (1, 20):
        article = services.article_create(
            actor=editor, slug=f"figures-{count}", topic="Bench", content=Content(title="Bench", body="x"), note="n"
        )
        begin = time.perf_counter()
        for number in range(count):
            upload = SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")  # processed in full each time
            figure_services.article_figure_put(
                article_id=article.pk,
                actor=editor,
                text=FigureText(key=f"f{number}", alt=f"Figure {number}"),
                upload=upload,
            )
        per_upload = (time.perf_counter() - begin) * 1000 / count
        body = "\n\n".join(f"## Part {n}\n\n![Figure {n}](figure:f{n})" for n in range(count))
        article.refresh_from_db()
        begin = time.perf_counter()
        version = services.article_save_version(
            article_id=article.pk,
            actor=editor,
            base_version_id=article.working_version_id,
            content=Content(title="Bench", body=body),
            note="figures",
        )
        saved = (time.perf_counter() - begin) * 1000
        _, proved = timed(lambda version=version: verify_version_content(version))
        _, rendered = timed(lambda version=version: render_pages(version))
        queries = {}
        for name, path in (("article page", f"/desk/{article.pk}/"), ("edit page", f"/desk/{article.pk}/edit/")):
            client.get(path)  # the first view after a save also reads the session's messages
            with CaptureQueriesContext(connection) as captured:
                client.get(path)
            queries[name] = len(captured.captured_queries)
        print(
            f"{count:>2} figure(s): upload {per_upload:.0f} ms each, save {saved:.0f} ms, re-prove {proved:.1f} ms, "
            f"render 3 pages {rendered:.1f} ms; desk queries: "
            + ", ".join(f"{name} {number}" for name, number in queries.items())
        )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        run_in_throwaway_database(run)
