"""What follows a change readers must see, so that no process serves the old page.

- At publication the live version's pages are rendered and stored in the same
  transaction, once its signed content is re-proved (integrity.verify_signed_content);
  a version that fails is withheld (readers get a 404) and the alarm raised.
- Every change writes a PublicChange row in its transaction (an outbox). After commit
  the changing process drops the article's cached pages at once (the cache is shared)
  and asks a worker to apply the row: drop them again, rewrite or remove the static
  export. Beat's sweep applies whatever a lost task, a broker or a cache outage left.
- reconcile() (beat, and `manage.py render_public_pages`) renders the pages a deploy
  made outdated and brings the whole export in line with what is published.
"""

import logging
from datetime import timedelta
from itertools import groupby

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import PUBLISHER, active_members
from articles import selectors
from articles.audit import flag_for_attention
from articles.integrity import verify_signed_content
from articles.lifecycle import Action
from articles.models import Article, ArticleVersion, PublicChange, VersionPage
from notifications.services import notify
from public import cache, pages, static_export

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=5)
BATCH = 100


class CacheUnreachable(Exception):
    pass


# ---------------------------------------------------------------- in the transaction


def record(article, now=None):
    """Write the outbox row of a change to `article`; after commit, drop its cached
    pages from here and queue the rest. Neither can fail the change: the row waits."""
    PublicChange.objects.create(article_id=article.pk, created_at=now or timezone.now())
    slug = article.slug
    transaction.on_commit(lambda: (cache.forget(slug), queue_apply()))


def store_version_pages(version, *, article=None, now=None):
    """Store the version's public pages, rendered once its content is re-proved; when it
    is not, store withheld (empty) pages and raise the alarm. Returns the problem or
    None. Runs in a transaction; `article` is the caller's locked row, if it holds one."""
    problem = verify_signed_content(version)
    rendered = pages.render_pages(version) if problem is None else pages.withheld_pages(version, problem)
    # Two processes may render the same version at once: the second one's rows replace
    # the first one's instead of failing on the unique constraint.
    VersionPage.objects.bulk_create(
        rendered,
        update_conflicts=True,
        unique_fields=["version", "audience"],
        update_fields=["html", "withheld_because", "rendering_format", "citation_style"],
    )
    if problem is not None:
        _raise_alarm(version, problem, article=article, now=now or timezone.now())
    return problem


def _raise_alarm(version, problem, *, article, now):
    """A withheld page: flag the article, add it to its audit trail, tell the publishers."""
    if article is None:
        article = Article.objects.select_for_update().get(pk=version.article_id)
    reason = f"Public page withheld: {problem}"[:500]
    log.error("article %s: %s", article.pk, reason)
    flag_for_attention(article, reason, action=Action.WITHHOLD, actor=None, now=now, version=version)
    notify(
        kind="page_withheld",
        recipients=list(active_members(PUBLISHER)),
        article=article,
        key=f"page_withheld:version{version.pk}",
        facts={"title": version.title, "reason": reason},
        now=now,
        url=reverse("articles:article", args=[article.pk]),
    )


def store_missing_pages(article_id):
    """Render the live version's pages if none are stored for this renderer and citation
    style (after a deploy changed either, before reconcile ran). True when it rendered."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id, published_version__isnull=False).first()
        if article is None or pages.current_pages(article.published_version_id).exists():
            return False
        log.warning("article %s had no stored public page; rendered it now", article_id)
        version = ArticleVersion.objects.select_related("article").get(pk=article.published_version_id)
        store_version_pages(version, article=article)
        record(article)
    return True


# ---------------------------------------------------------------- after commit


def queue_apply():
    """Ask a worker to apply the waiting rows; a broker that is down is not an error here."""
    from public.tasks import apply_public_changes  # noqa: PLC0415 - tasks import this module: deferred Celery

    try:
        apply_public_changes.delay()
    except Exception as error:  # kombu raises several kinds when the broker is unreachable
        log.warning("public changes not queued (%s); the sweep will apply them", error)


def _claim(now, limit):
    due = Q(done_at__isnull=True) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
    with transaction.atomic():
        ids = list(
            PublicChange.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        PublicChange.objects.filter(id__in=ids).update(claimed_at=now, attempts=F("attempts") + 1)
    return ids


def _apply(article_id):
    static_export.export_article(article_id)
    slug = Article.objects.filter(pk=article_id).values_list("slug", flat=True).first()
    if slug and not cache.forget(slug):
        raise CacheUnreachable("the page cache could not be reached to drop the old pages")


def apply_pending(*, now=None, limit=BATCH):
    """Apply claimed outbox rows, one article at a time; a failure leaves its rows for
    the next sweep. Safe to run in several workers at once. Returns how many were done."""
    now = now or timezone.now()
    rows = PublicChange.objects.filter(id__in=_claim(now, limit)).order_by("article_id").values_list("article_id", "id")
    done = 0
    for article_id, group in groupby(rows, key=lambda row: row[0]):
        ids = [row_id for _, row_id in group]
        try:
            _apply(article_id)
        except Exception as error:  # the export disk, the cache: keep the rows, say why
            log.warning("public change of article %s not applied: %s", article_id, error)
            PublicChange.objects.filter(id__in=ids).update(claimed_at=None, error=str(error)[:500])
            continue
        PublicChange.objects.filter(id__in=ids).update(done_at=timezone.now(), error="")
        done += len(ids)
    return done


def reconcile():
    """Render every live version's missing pages, rewrite the export of everything
    published and remove the exported pages of anything not. Returns files written."""
    current = pages.current_pages(OuterRef("published_version_id"))
    for article_id in selectors.published_articles().filter(~Exists(current)).values_list("pk", flat=True):
        store_missing_pages(article_id)
    return static_export.export_all()
