"""Reads for the staff pages. Each runs a fixed number of queries however many
articles, versions, rounds or reviewers there are (see tests/articles/test_queries.py)."""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.roles import REVIEWER
from articles.lifecycle import IN_REVIEW, Policy, State
from articles.models import (
    TRAIL_KINDS,
    Article,
    ArticleVersion,
    Event,
    FastTrackRequest,
    ReviewAssignment,
    ReviewComment,
    ReviewRound,
    Schedule,
    Signature,
    rereview_due_q,
)

_VERSIONS = ("working_version", "published_version")


def _open_round_prefetch():
    assignments = ReviewAssignment.objects.select_related("reviewer__profile").order_by("assigned_at")
    return Prefetch(
        "rounds",
        queryset=ReviewRound.objects.filter(outcome=ReviewRound.OPEN).prefetch_related(
            Prefetch("assignments", queryset=assignments)
        ),
        to_attr="open_rounds",
    )


def _with_open_round(queryset):
    opened = ReviewRound.objects.filter(article=OuterRef("pk"), outcome=ReviewRound.OPEN)
    return queryset.annotate(
        round_opened_at=Subquery(opened.values("opened_at")[:1]),
        round_due_at=Subquery(opened.values("due_at")[:1]),
    ).prefetch_related(_open_round_prefetch())


def _count(queryset, group_by):
    """A subquery counting `queryset`'s rows per `group_by`, 0 when there are none."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def with_approvals(queryset):
    """Annotate `approvals_given`: distinct board members whose approval covers the working
    version's exact content ("1 of 2 approvals")."""
    signed = (
        Signature.objects.filter(
            version=OuterRef("working_version"),
            kind=Signature.APPROVAL,
            content_hash=OuterRef("working_version__content_hash"),
        )
        .order_by()
        .values("version")
        .annotate(n=Count("signer", distinct=True))
        .values("n")
    )
    return queryset.annotate(approvals_given=Coalesce(Subquery(signed), 0))


def _with_seats(queryset):
    """Annotate `approvals_given`, `reviewers_pending` (on the open round, not signed yet) and
    `needs_reviewer`: the lifecycle's needs_another_reviewer, asked of every row at once."""
    signed = Signature.objects.filter(
        version=OuterRef(OuterRef("working_version")), signer=OuterRef("reviewer"), kind=Signature.APPROVAL
    )
    pending = ReviewAssignment.objects.filter(
        review_round__article=OuterRef("pk"), review_round__outcome=ReviewRound.OPEN
    ).exclude(Exists(signed))
    needs = Q(state=State.UNDER_REVIEW, approvals_required__gt=F("approvals_given") + F("reviewers_pending"))
    return (
        with_approvals(queryset)
        .annotate(reviewers_pending=_count(pending, "review_round__article"))
        .annotate(needs_reviewer=ExpressionWrapper(needs, output_field=BooleanField()))
    )


def _pending_schedules_prefetch():
    pending = Schedule.objects.filter(outcome=Schedule.PENDING).select_related("version", "created_by__profile")
    return Prefetch("schedules", queryset=pending.order_by("due_at", "pk"), to_attr="pending_schedules")


def board_members():
    """Active members of the Medical Advisory Board, for the assign form."""

    return (
        get_user_model().objects.filter(groups__name=REVIEWER, is_active=True).select_related("profile").order_by("pk")
    )


# How the desk list may be sorted: (label, ordering). Each ordering ends on the id, so a
# page boundary between rows that tie is the same on every request.
DESK_SORTS = {
    "changed": ("Last changed, newest first", ("-state_changed_at", "-pk")),
    "changed_oldest": ("Last changed, oldest first", ("state_changed_at", "pk")),
    "title": ("Title, A to Z", ("working_version__title", "pk")),
    "due": ("Review due, soonest first", (F("open_round__due_at").asc(nulls_last=True), "-state_changed_at", "-pk")),
}
# What needs attention, each a count on a publisher's desk list and a filter of it.
ATTENTION = {
    "overdue": "Review overdue",
    "second_signature": "Waiting for another signature",
    "rereview": "Re-review due",
}


def _overdue_rounds(now):
    return ReviewRound.objects.filter(outcome=ReviewRound.OPEN, due_at__lt=now)


def _waiting_for_another_signature():
    """Articles under review whose working version has at least one approval in the open
    round and fewer than the article needs (a subquery of their ids, read from the
    signatures side: there are far fewer open signatures than articles)."""
    return (
        Article.objects.filter(
            state=State.UNDER_REVIEW,
            rounds__outcome=ReviewRound.OPEN,
            rounds__signatures__kind=Signature.APPROVAL,
            rounds__signatures__version=F("working_version"),
        )
        .values("pk")
        .annotate(approvals=Count("rounds__signatures"))
        .filter(approvals__lt=F("approvals_required"))
        .values("pk")
    )


def _attention_filter(attention, now):
    return {
        "overdue": lambda: Q(pk__in=_overdue_rounds(now).values("article_id")),
        "second_signature": lambda: Q(pk__in=_waiting_for_another_signature()),
        "rereview": lambda: rereview_due_q(now),
    }[attention]()


def desk_articles():
    """Every article with its working and live versions and approvals, most recently changed first."""
    return with_approvals(Article.objects.select_related(*_VERSIONS)).order_by("-state_changed_at", "-pk")


def desk_list(*, now, title="", state="", topic="", assignee_id=None, attention="", sort="changed"):
    """The desk's list of articles: titles containing `title`, in `state`, on `topic`,
    assigned on their open round to `assignee_id`, needing `attention` (a key of
    ATTENTION), in a DESK_SORTS order. Bare rows, for counting and paging: desk_page()
    reads the page's articles in full."""
    articles = Article.objects.all()
    if title:
        articles = articles.filter(working_version__title__icontains=title)
    if state:
        articles = articles.filter(state=state)
    if topic:
        articles = articles.filter(topic=topic)
    if assignee_id is not None:
        assigned = ReviewAssignment.objects.filter(
            review_round__article=OuterRef("pk"), review_round__outcome=ReviewRound.OPEN, reviewer_id=assignee_id
        )
        articles = articles.filter(Exists(assigned))
    if attention:
        articles = articles.filter(_attention_filter(attention, now))
    if sort == "title":
        # Every article has a working version: saying so makes the join an inner one,
        # which lets PostgreSQL walk the titles' index instead of sorting every row.
        articles = articles.filter(working_version__isnull=False)
    if sort == "due":
        articles = articles.annotate(
            open_round=FilteredRelation("rounds", condition=Q(rounds__outcome=ReviewRound.OPEN))
        )
    return articles.order_by(*DESK_SORTS[sort][1])


def desk_page(articles, number, per_page=50):
    """Page `number` of desk_list() `articles`, each with its versions, its open round's
    due date (`round_due_at`) and that round with its reviewers (`open_rounds`). The
    page's ids are found first, so a deep page skips bare index entries rather than
    whole rows with their versions; then four queries read what the page shows."""
    page = Paginator(articles.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    found = with_approvals(Article.objects.select_related(*_VERSIONS)).in_bulk(ids)
    rounds = (
        ReviewRound.objects.filter(article_id__in=ids, outcome=ReviewRound.OPEN)
        .only("pk", "article_id", "due_at")
        .prefetch_related(
            Prefetch(
                "assignments", ReviewAssignment.objects.select_related("reviewer__profile").order_by("assigned_at")
            )
        )
    )
    open_round = {review_round.article_id: review_round for review_round in rounds}
    for article_id, article in found.items():
        review_round = open_round.get(article_id)
        article.open_rounds = [review_round] if review_round else []
        article.round_due_at = review_round.due_at if review_round else None
    page.object_list = [found[article_id] for article_id in ids]
    return page


def desk_attention_counts(now):
    """How many articles need each kind of attention, and how many are approved and not
    published: one statement of four counts, each answered from an index."""

    def counted(queryset):
        return Subquery(queryset.order_by().values(count=Func(Value(1), function="COUNT")).values("count"))

    names = ("overdue", "second_signature", "rereview", "approved")
    # Every count is about articles, so with no article there is no row and all are 0.
    row = (
        Article.objects.order_by()
        .annotate(
            overdue=counted(_overdue_rounds(now)),
            second_signature=counted(Article.objects.filter(pk__in=_waiting_for_another_signature())),
            rereview=counted(Article.objects.filter(rereview_due_q(now))),
            approved=counted(Article.objects.filter(state=State.APPROVED)),
        )
        .values(*names)
        .first()
    )
    return row or dict.fromkeys(names, 0)


# The topics, one index probe each (a "loose index scan"): DISTINCT would read every row.
TOPICS_SQL = """
WITH RECURSIVE topics AS (
    (SELECT topic FROM articles_article WHERE topic > '' ORDER BY topic LIMIT 1)
    UNION ALL
    SELECT (SELECT a.topic FROM articles_article a WHERE a.topic > topics.topic ORDER BY a.topic LIMIT 1)
    FROM topics WHERE topics.topic IS NOT NULL
)
SELECT topic FROM topics WHERE topic IS NOT NULL
"""


def desk_topics():
    """The topics articles use, for the desk list's filter, in order."""
    if connection.vendor != "postgresql":
        return list(Article.objects.exclude(topic="").order_by("topic").values_list("topic", flat=True).distinct())
    with connection.cursor() as cursor:
        cursor.execute(TOPICS_SQL)
        return [topic for (topic,) in cursor.fetchall()]


def review_queue(*, reviewer=None):
    """Articles waiting for or in review, oldest submission first, each saying how many
    approvals it has and whether it needs another reviewer; only those assigned to
    `reviewer` when given."""
    queryset = Article.objects.filter(state__in=IN_REVIEW).select_related("working_version")
    if reviewer is not None:
        queryset = queryset.filter(rounds__outcome=ReviewRound.OPEN, rounds__assignments__reviewer=reviewer).distinct()
    return _with_seats(_with_open_round(queryset)).order_by("round_opened_at", "pk")


def waiting_for(reviewer):
    """Reviews `reviewer` could take on: submitted and unclaimed, or under review and needing
    another reviewer; not those they are on, nor those whose content they edited since the
    last approval (as the lifecycle's claim and join refuse them)."""
    on_round = ReviewAssignment.objects.filter(
        review_round__article=OuterRef("pk"), review_round__outcome=ReviewRound.OPEN, reviewer=reviewer
    )
    last_approved = (
        ReviewRound.objects.filter(article=OuterRef(OuterRef("pk")), outcome=ReviewRound.APPROVED)
        .order_by()
        .values("article")
        .annotate(top=Max("version__number"))
        .values("top")
    )
    edited = ArticleVersion.objects.filter(
        article=OuterRef("pk"), created_by=reviewer, number__gt=Coalesce(Subquery(last_approved), 0)
    )
    return (
        review_queue()
        .filter(Q(state=State.SUBMITTED) | Q(needs_reviewer=True))
        .exclude(Exists(on_round))
        .exclude(Exists(edited))
    )


def publish_queue():
    """Approved versions waiting for publication, fast-tracked ones in review, and
    every article with a pending schedule (publication or unpublication)."""
    ready = Q(state=State.APPROVED) | Q(state=State.UNPUBLISHED) | Q(state__in=IN_REVIEW, review_policy=Policy.AFTER)
    scheduled = Exists(Schedule.objects.filter(article=OuterRef("pk"), outcome=Schedule.PENDING))
    return (
        with_approvals(Article.objects.annotate(scheduled=scheduled))
        .filter(ready | Q(scheduled=True))
        .select_related(*_VERSIONS)
        .prefetch_related(_pending_schedules_prefetch())
        .order_by("state_changed_at")
    )


def editor_worklist():
    return (
        Article.objects.filter(state__in=(State.DRAFT, State.CHANGES_REQUESTED))
        .select_related("working_version")
        .order_by("-state_changed_at")
    )


def article_for_desk(article_id):
    """An article with everything its staff page shows, in a fixed number of queries."""
    signatures = Signature.objects.select_related("version").order_by("signed_at")
    replies = ReviewComment.objects.select_related("author__profile").order_by("created_at", "pk")
    threads = (
        ReviewComment.objects.filter(thread__isnull=True)
        .select_related("author__profile", "resolved_by__profile")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "pk")
    )
    assignments = ReviewAssignment.objects.select_related("reviewer__profile").order_by("assigned_at")
    rounds = (
        ReviewRound.objects.select_related("version")
        .prefetch_related(
            Prefetch("assignments", queryset=assignments),
            Prefetch("comments", queryset=threads, to_attr="threads"),
            Prefetch("signatures", queryset=signatures),
        )
        .order_by("-number")
    )
    return (
        Article.objects.select_related(*_VERSIONS, "working_version__created_by__profile")
        .prefetch_related(Prefetch("rounds", queryset=rounds, to_attr="all_rounds"), _pending_schedules_prefetch())
        .get(pk=article_id)
    )


def version_history(article):
    """Every version of the article, newest first, with who saved it and its rounds."""
    rounds = ReviewRound.objects.order_by("number")
    signatures = Signature.objects.filter(kind=Signature.APPROVAL).order_by("signed_at")
    return (
        ArticleVersion.objects.filter(article=article)
        .select_related("created_by__profile")
        .prefetch_related(Prefetch("rounds", queryset=rounds), Prefetch("signatures", queryset=signatures))
        .order_by("-number")
    )


def review_baseline(article):
    """(version, why) to compare the working version against: the last approved
    version, or else the one last reviewed; (None, "") when there is neither."""
    closed = (
        ReviewRound.objects.filter(article=article)
        .exclude(outcome=ReviewRound.OPEN)
        .exclude(version_id=article.working_version_id)
        .select_related("version")
    )
    approved = closed.filter(outcome=ReviewRound.APPROVED).order_by("-number").first()
    if approved:
        return approved.version, "the last approved version"
    reviewed = closed.exclude(outcome=ReviewRound.SUPERSEDED).order_by("-number").first()
    if reviewed:
        return reviewed.version, "the version last reviewed"
    return None, ""


def audit_trail(article):
    return Event.objects.filter(article=article).select_related("version").order_by("id")


# What the whole-trail export calls each kind of subject: articles' chains, and one
# chain per other kind (TRAIL_KINDS).
EXPORT_KINDS = ("article", *TRAIL_KINDS)


def whole_trail(*, start=None, end=None, username="", kind=""):
    """Events of every chain in the order they were written, optionally from `start`
    (an aware datetime, inclusive) until `end` (exclusive), about one person (what they
    did under their login name, and the sign-in and account events naming that login:
    changes to their account, failed sign-ins tried in their name) and of one kind."""
    events = Event.objects.select_related("version").order_by("created_at", "id")
    if start is not None:
        events = events.filter(created_at__gte=start)
    if end is not None:
        events = events.filter(created_at__lt=end)
    if username:
        events = events.filter(
            Q(actor_username=username) | Q(chain__in=("sign-in", "account"), details__username=username)
        )
    if kind == "article":
        events = events.filter(article__isnull=False)
    elif kind:
        events = events.filter(chain=kind)
    return events


def pending_fast_track_requests():
    """Requests to review an article after publication, waiting for a second person."""
    return (
        FastTrackRequest.objects.filter(status=FastTrackRequest.PENDING)
        .select_related("article__working_version", "requested_by__profile")
        .order_by("requested_at", "pk")
    )


# ---------------------------------------------------------------- what readers may see


def published_articles():
    """Articles with a live (published) version: all the public site and API may show."""
    return Article.objects.filter(published_version__isnull=False)


def signed_by(articles, user):
    """Those of `articles` whose live version `user` signed as approver, by title."""
    return (
        articles.filter(
            published_version__signatures__signer=user,
            published_version__signatures__kind=Signature.APPROVAL,
        )
        .order_by("published_version__title")
        .distinct()
    )


def approval_signer_ids():
    """The ids of everyone who ever signed an approval (a subquery)."""
    return Signature.objects.filter(kind=Signature.APPROVAL).values("signer_id")


def citing_articles(reference):
    """Articles whose working or published version cites the reference."""
    return (
        Article.objects.filter(
            Q(working_version__citations__reference=reference) | Q(published_version__citations__reference=reference)
        )
        .select_related("working_version", "published_version")
        .distinct()
        .order_by("working_version__title")
    )
