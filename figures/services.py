"""Writes to an article's figures. The articles app calls these with the article row
locked, once its rules allow the person to edit it (articles.figure_services)."""

from dataclasses import dataclass

from django.conf import settings

from figures import processing
from figures.markup import KEY
from figures.models import Figure
from figures.processing import FigureRefused


@dataclass(frozen=True)
class FigureText:
    """The words that go with a figure, as the editor typed them."""

    key: str
    alt: str
    caption: str = ""
    credit: str = ""
    licence: str = ""

    def cleaned(self):
        key = self.key.strip()
        if not KEY.match(key) or len(key) > 60:
            raise FigureRefused(
                "A figure key is made of letters, digits, hyphens and underscores (at most 60), "
                "for example dosing-chart."
            )
        if not self.alt.strip():
            raise FigureRefused(
                "Describe the image in its alt text: readers who cannot see it hear or read that instead."
            )
        limits = {"alt text": (self.alt, 500), "caption": (self.caption, 1000), "credit": (self.credit, 300)}
        limits["licence"] = (self.licence, 200)
        for label, (text, limit) in limits.items():
            if len(text.strip()) > limit:
                raise FigureRefused(f"The {label} may be at most {limit} characters.")
        return {
            "key": key,
            "alt": " ".join(self.alt.split()),  # one line: it is pasted into the body
            "caption": self.caption.strip(),
            "credit": self.credit.strip(),
            "licence": self.licence.strip(),
        }


def figures_of(article_id):
    """The article's figures, by key: one query."""
    return {figure.key: figure for figure in Figure.objects.filter(article_id=article_id)}


def figure_put(*, article_id, actor, text, upload, replace, now):
    """Add a figure, or with `replace` change an existing one's words and (when a file is
    given) its image. Refuses a key already taken (unless replacing), a replacement of a
    figure that does not exist, a new figure without a file, more than FIGURES_PER_ARTICLE
    figures, and any file processing.prepared() refuses. Returns (figure, created)."""
    fields = text.cleaned()
    existing = Figure.objects.filter(article_id=article_id, key=fields["key"]).first()
    if existing is not None and not replace:
        raise FigureRefused(
            f"This article already has a figure with the key “{fields['key']}”: tick “Replace” to change it, "
            "or choose another key.",
            status=409,
        )
    if existing is None and replace:
        raise FigureRefused(f"This article has no figure with the key “{fields['key']}” to replace.", status=404)
    if existing is None and upload is None:
        raise FigureRefused("Choose the image file of the figure.")
    if existing is None and Figure.objects.filter(article_id=article_id).count() >= settings.FIGURES_PER_ARTICLE:
        raise FigureRefused(
            f"An article may have at most {settings.FIGURES_PER_ARTICLE} figures: remove one it does not cite first.",
            status=409,
        )
    image = {}
    if upload is not None:
        stored = processing.prepared(upload)
        image = {"sha256": stored.sha256, "image": stored.facts()}
    if existing is None:
        figure = Figure.objects.create(
            article_id=article_id, uploaded_by=actor, uploaded_at=now, updated_at=now, **fields, **image
        )
        return figure, True
    for name, value in {**fields, **image}.items():
        setattr(existing, name, value)
    existing.updated_at = now
    existing.save()
    return existing, False


def figure_remove(*, article_id, key):
    """Remove a figure from the article's list. Its files stay: versions that froze it
    keep showing them."""
    deleted, _ = Figure.objects.filter(article_id=article_id, key=key).delete()
    if not deleted:
        raise FigureRefused(f"This article has no figure with the key “{key}”.", status=404)
