"""Static export: each published article's pages written as plain HTML files, so a
deployment can serve them from nginx or a CDN without touching the app.

Layout under STATIC_EXPORT_DIR: articles/<slug>/index.html (the default audience),
articles/<slug>/<audience>/index.html, and static/ with the stylesheet.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from articles.rendering import AUDIENCES, DEFAULT_AUDIENCE

ASSETS = ["css/site.css"]


def _root():
    return Path(settings.STATIC_EXPORT_DIR) if settings.STATIC_EXPORT_DIR else None


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)  # readers never see a half-written file


def export_assets(root):
    from django.templatetags.static import static

    for asset in ASSETS:
        source = finders.find(asset)
        target = root / static(asset).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def export_article(article_id):
    """Write (or rewrite) every audience's page of a published article; remove the
    files of one that is no longer published. Returns the paths written."""
    from articles import public
    from articles.models import Article

    root = _root()
    if root is None:
        return []
    article = public.published_articles().filter(pk=article_id).only("pk", "slug").first()
    if article is None:
        slug = Article.objects.filter(pk=article_id).values_list("slug", flat=True).first()
        if slug:
            remove_export(slug)
        return []
    export_assets(root)
    written = []
    for audience in AUDIENCES:
        html = public.finish_page(public.load_page(audience, pk=article_id))
        folder = root / "articles" / article.slug / ("" if audience == DEFAULT_AUDIENCE else audience)
        _write(folder / "index.html", html)
        written.append(folder / "index.html")
    return written


def remove_export(slug):
    root = _root()
    if root is not None:
        shutil.rmtree(root / "articles" / slug, ignore_errors=True)
