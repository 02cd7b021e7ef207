"""Adding, replacing and removing an article's figures.

Whoever may edit the article may change its figures (the lifecycle's edit rule). A
change touches no version: the working version keeps the figures it froze, and the next
version saved takes the new ones (the desk page says when a cited figure changed).
Every change is an event in the article's audit trail, with the image's SHA-256.
"""

from django.db import transaction
from django.utils import timezone

from articles.audit import record_event
from articles.lifecycle import Action
from articles.services import Step, _lock
from figures import services as figure_store


def _editing(article_id, actor, now):
    """The locked article, once the lifecycle lets `actor` edit it (else TransitionNotAllowed)."""
    step = Step(_lock(article_id), actor, now)
    step.decide(Action.EDIT)
    return step.article


def article_figure_put(*, article_id, actor, text, upload=None, replace=False, ip=None, now=None):
    """Add a figure to the article (or replace one, with `replace`). Refuses whoever may
    not edit the article, and everything figures.services.figure_put refuses, storing
    nothing in the database then. Returns the figure."""
    now = now or timezone.now()
    with transaction.atomic():
        article = _editing(article_id, actor, now)
        figure, created = figure_store.figure_put(
            article_id=article.pk, actor=actor, text=text, upload=upload, replace=replace, now=now
        )
        record_event(
            article=article,
            actor=actor,
            action="figure_added" if created else "figure_changed",
            from_state=article.state,
            to_state=article.state,
            now=now,
            comment=f"Figure {figure.key}",
            ip=ip,
            details={"key": figure.key, "sha256": figure.sha256, "new_image": upload is not None},
        )
    return figure


def article_figure_remove(*, article_id, actor, key, ip=None, now=None):
    """Remove a figure from the article's list (versions that froze it keep it).
    Refuses whoever may not edit the article, and a key it has no figure for."""
    now = now or timezone.now()
    with transaction.atomic():
        article = _editing(article_id, actor, now)
        figure_store.figure_remove(article_id=article.pk, key=key)
        record_event(
            article=article,
            actor=actor,
            action="figure_removed",
            from_state=article.state,
            to_state=article.state,
            now=now,
            comment=f"Figure {key}",
            ip=ip,
            details={"key": key},
        )
