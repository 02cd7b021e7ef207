"""Figures in the workflow, through the real services."""

from articles import figure_services, services
from articles.services import Content
from figures.services import FigureText
from tests.figures.images import png_upload

FIGURE_BODY = "## Dosage\n\nTake 5 mg once daily.\n\n![Dosing chart by weight](figure:dosing-chart)\n\nSee above."


def add_figure(article, editor, key="dosing-chart", color=(30, 120, 200), size=(1200, 800), replace=False, **words):
    text = FigureText(key=key, alt=words.pop("alt", "Doses by body weight"), **words)
    return figure_services.article_figure_put(
        article_id=article.pk, actor=editor, text=text, upload=png_upload(size, color), replace=replace
    )


def save(article, editor, body=FIGURE_BODY, note="Figure added"):
    article.refresh_from_db()
    version = article.working_version
    return services.article_save_version(
        article_id=article.pk,
        actor=editor,
        base_version_id=version.pk,
        content=Content(**{**Content.of(version).__dict__, "body": body}),
        note=note,
    )
