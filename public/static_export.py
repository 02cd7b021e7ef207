"""Static export: each published article's pages written as plain HTML files, so a
deployment can serve them from nginx or a CDN without touching the app.

Layout under STATIC_EXPORT_DIR: articles/<slug>/index.html (the default audience),
articles/<slug>/<audience>/index.html, articles/<slug>/figures/<sha256>/<file> (the
figures' files, copied from storage; the pages point at these copies), and static/
with the stylesheet.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.templatetags.static import static

from articles import selectors
from articles.models import Article
from articles.rendering import AUDIENCES, DEFAULT_AUDIENCE
from figures.html import url as figure_url
from figures.processing import files_of
from public import pages

ASSETS = ["css/site.css"]


def _root():
    return Path(settings.STATIC_EXPORT_DIR) if settings.STATIC_EXPORT_DIR else None


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)  # readers never see a half-written file


def export_assets(root):

    for asset in ASSETS:
        source = finders.find(asset)
        target = root / static(asset).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def export_figures(root, slug, figures):
    """Copy the figures' files beside the article's pages; returns {stored address:
    exported address}, for the pages to point at the copies."""
    addresses = {}
    for figure in figures:
        for name in files_of(figure):
            relative = Path("articles", slug, "figures", *Path(name).parts[1:])
            target = root / relative
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                with default_storage.open(name, "rb") as source, target.open("wb") as copy:
                    shutil.copyfileobj(source, copy)
            addresses[figure_url(name)] = "/" + relative.as_posix()
    return addresses


def _pointing_at(html, addresses):
    for stored, exported in addresses.items():
        html = html.replace(stored, exported)
    return html


def export_article(article_id):
    """Write (or rewrite) every audience's page of a published article; remove the
    files of one that is not published or whose page is withheld. Returns the paths
    written."""
    root = _root()
    if root is None:
        return []
    slug, figures = Article.objects.filter(pk=article_id).values_list("slug", "published_version__figures").first() or (
        None,
        None,
    )
    loaded = {audience: pages.load_page(audience, pk=article_id) for audience in AUDIENCES}
    if any(page is None or not page.page_html for page in loaded.values()):
        if slug:
            remove_export(slug)
        return []
    export_assets(root)
    addresses = export_figures(root, slug, figures or [])
    written = []
    for audience, page in loaded.items():
        folder = root / "articles" / slug / ("" if audience == DEFAULT_AUDIENCE else audience)
        _write(folder / "index.html", _pointing_at(pages.finish_page(page), addresses))
        written.append(folder / "index.html")
    return written


def export_all():
    """Rewrite every published article's pages and remove every other exported folder,
    including those of slugs that no longer exist. Returns how many files were written."""
    root = _root()
    if root is None:
        return 0
    written = 0
    exported = set()
    for article_id, slug in selectors.published_articles().values_list("pk", "slug"):
        files = export_article(article_id)
        written += len(files)
        if files:
            exported.add(slug)
    folders = root / "articles"
    for folder in folders.iterdir() if folders.is_dir() else []:
        if folder.name not in exported:
            shutil.rmtree(folder, ignore_errors=True) if folder.is_dir() else folder.unlink()
    return written


def remove_export(slug):
    root = _root()
    if root is not None:
        shutil.rmtree(root / "articles" / slug, ignore_errors=True)
