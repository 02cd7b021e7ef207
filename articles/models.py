"""Articles, their versions, review rounds, signatures and the audit trail.

The business flow reads these tables; django-reversion additionally keeps every
saved state of Article and ArticleVersion (see services.py).
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import models
from django.urls import reverse

from articles.lifecycle import Policy, State
from core.dates import add_months

STATE_CHOICES = [(state.value, state.label) for state in State]
POLICY_CHOICES = [(policy.value, policy.label) for policy in Policy]
REREVIEW_CHOICES = [(6, "6 months"), (12, "12 months"), (24, "24 months"), (36, "36 months")]


class Article(models.Model):
    """A stable identity; its content lives in versions."""

    slug = models.SlugField(max_length=200, unique=True)
    topic = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=20, choices=STATE_CHOICES, default=State.DRAFT, db_index=True)
    review_policy = models.CharField(max_length=10, choices=POLICY_CHOICES, default=Policy.BEFORE)
    approvals_required = models.PositiveSmallIntegerField(default=1)
    # Who may sign: a specialty at least one signer must practise, and whether a signer
    # may declare a conflict of interest at all.
    required_specialty = models.ForeignKey(
        "registry.Specialty", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conflicts_forbidden = models.BooleanField(default=False)
    rereview_months = models.PositiveSmallIntegerField(choices=REREVIEW_CHOICES, default=12)
    working_version = models.ForeignKey(
        "ArticleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_version = models.ForeignKey(
        "ArticleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField()
    # What the public page says of the live version's review, kept up to date by the
    # services on every transition so a reader's request needs no aggregate query.
    public_approved = models.BooleanField(default=False, editable=False)
    public_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    public_reviewers = models.JSONField(default=list, blank=True, editable=False)  # who signed the live version
    attention = models.CharField(max_length=500, blank=True, help_text="Why editors must look again, if they must.")
    attention_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # The head of this article's audit chain (its last event), written with each event in
    # the same transaction: verify_audit compares it with the chain, so removing the
    # latest events shows. Only record_event writes these (see save()).
    audit_head_id = models.BigIntegerField(null=True, blank=True, editable=False)
    audit_head_hash = models.CharField(max_length=64, blank=True, editable=False)

    HEAD_FIELDS = frozenset({"audit_head_id", "audit_head_hash"})

    class Meta:
        ordering = ["-state_changed_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(approvals_required__gte=1), name="article_needs_an_approval"),
        ]
        # The desk's list: its default order, that order within a state or a topic, and
        # the live pages due for re-review (see selectors.desk_list).
        indexes = [
            models.Index(fields=["state_changed_at", "id"], name="article_changed"),
            models.Index(fields=["state", "state_changed_at", "id"], name="article_state_changed"),
            models.Index(fields=["topic", "state_changed_at", "id"], name="article_topic_changed"),
            models.Index(
                fields=["rereview_months", "public_reviewed_at"],
                condition=models.Q(public_approved=True),
                name="article_rereview_due",
            ),
        ]

    def __str__(self):
        return self.working_version.title if self.working_version_id else self.slug

    def save(self, *args, **kwargs):
        # An instance loaded before the latest event was written must not put back an
        # older chain head: a plain save of an existing article leaves the head alone.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.HEAD_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:desk", args=[self.pk])

    @property
    def state_label(self):
        return State(self.state).label

    def get_public_url(self):
        return reverse("public:article", args=[self.slug])


class ArticleVersion(models.Model):
    """One saved state of an article's content. Never changed after it is written."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True, max_length=2000)
    body = models.TextField(blank=True, max_length=200_000)
    key_points = models.TextField(blank=True, max_length=5000, help_text="One point per line.")
    faq = models.JSONField(default=list, blank=True)  # [{"question": ..., "answer": ...}]
    aliases = models.JSONField(default=list, blank=True)  # ["also called" names]
    reference_list = models.JSONField(default=list, blank=True)  # keys the editor listed for this article
    # The cited references as they were when this version was saved, in citation order.
    # A reference edited later does not change what this version says (or its hash).
    references = models.JSONField(default=list, blank=True)
    # The cited figures as they were when this version was saved, in order of first
    # appearance, with the SHA-256 of every stored file: replacing an image needs a new
    # version, and the files are re-hashed wherever the signed hash is re-proved.
    figures = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=300)
    content_hash = models.CharField(max_length=64)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # What readers are told changed, in the page's history (the note above is internal);
    # written at publication, and required then when an earlier version was public.
    # Neither is part of the signed content.
    public_note = models.CharField(max_length=500, blank=True)
    first_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="one_number_per_version")]
        indexes = [models.Index(fields=["title"], name="version_title")]  # the desk list sorted by title

    def __str__(self):
        return f"{self.title} (v{self.number})"

    def canonical_content(self):
        return canonical_content(
            title=self.title,
            summary=self.summary,
            body=self.body,
            key_points=self.key_points,
            faq=self.faq,
            aliases=self.aliases,
            reference_list=self.reference_list,
            references=[hashed_reference(snapshot) for snapshot in self.references],
            figures=self.figures,
        )

    @property
    def key_point_list(self):
        return [line.strip() for line in self.key_points.splitlines() if line.strip()]


class VersionPage(models.Model):
    """One audience's public page of a version, rendered when it is published (see
    public.py). Derived from the version's content, which never changes, so storing it
    is safe; a page made by an older renderer or in another citation style is made again.
    """

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="pages")
    audience = models.CharField(max_length=20)
    rendering_format = models.PositiveSmallIntegerField()
    citation_style = models.CharField(max_length=20)
    # The whole page, with markers where the review facts go per request; empty when
    # the page is withheld because the version failed its integrity check.
    html = models.TextField()
    withheld_because = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "audience"], name="one_page_per_audience")]

    def __str__(self):
        return f"{self.version} ({self.audience})"


class PublicChange(models.Model):
    """Outbox: a change readers must see (cached pages dropped, static export rewritten
    or removed), written in the transaction that made it. Applied after commit; beat's
    sweep applies what was not (broker or cache down, worker gone)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["id"], condition=models.Q(done_at__isnull=True), name="public_change_pending")]

    def __str__(self):
        return f"public change of article {self.article_id} ({'done' if self.done_at else 'pending'})"


def hashed_reference(snapshot):
    """The part of a reference snapshot a signature covers: what readers see, not ids."""
    return {name: value for name, value in snapshot.items() if name not in ("id", "formatted", "kind_label")}


def rereview_due_at(reviewed_at, months):
    """When a published, approved article is due for review again: its last review plus its
    interval (the public page shows it; the reminder sweep tells the signers)."""
    return add_months(reviewed_at, months)


def rereview_cutoff(now, months):
    """Articles on a `months` interval last reviewed before this moment are due for review."""
    return add_months(now, -months)


def rereview_due_q(now):
    """Live, approved articles whose last review is older than their interval: those the
    public page says are due for review (a filter; one index range per interval)."""
    overdue = models.Q()
    for months, _label in REREVIEW_CHOICES:
        overdue |= models.Q(rereview_months=months, public_reviewed_at__lt=rereview_cutoff(now, months))
    return overdue & models.Q(published_version__isnull=False, public_approved=True)


def faq_as_text(faq):
    """The FAQ as editors type it ("Q: ...\nA: ..." blocks; articles.forms.parse_faq reads it back)."""
    return "\n\n".join(f"Q: {item['question']}\nA: {item['answer']}" for item in faq)


# How an editor's text is normalised, written once: what a version stores (services.Content)
# and what its signature covers (canonical_content) apply the same rules.
def unix_newlines(text):
    return text.replace("\r\n", "\n")


def kept_aliases(aliases):
    """The "also called" names, trimmed, blank ones dropped."""
    return [alias.strip() for alias in aliases if alias.strip()]


def canonical_content(*, title, summary, body, key_points, faq, aliases, reference_list=(), references=(), figures=()):
    """The exact content a signature covers, as stable JSON text. Its rules must never
    change: stored versions' signatures are re-proved with them. Figures (snapshots with
    their files' hashes) count only when there are some, so a version without figures
    hashes as it did before figures existed."""
    document = {
        "title": title.strip(),
        "summary": summary.strip(),
        "body": unix_newlines(body).strip(),
        "key_points": [line.strip() for line in key_points.splitlines() if line.strip()],
        "faq": [{"question": item["question"].strip(), "answer": item["answer"].strip()} for item in faq],
        "aliases": kept_aliases(aliases),
        "reference_list": list(reference_list),
        "references": list(references),
    }
    if figures:
        document["figures"] = list(figures)
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(canonical_text):
    return hashlib.sha256(canonical_text.encode("utf-8")).hexdigest()


class Citation(models.Model):
    """Which library references a version cites, with their numbers (for "cited by")."""

    version = models.ForeignKey(ArticleVersion, on_delete=models.PROTECT, related_name="citations")
    reference = models.ForeignKey("references.Reference", on_delete=models.PROTECT, related_name="citations")
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["version_id", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "reference"], name="cited_once_per_version")]

    def __str__(self):
        return f"version {self.version_id} cites reference {self.reference_id} as [{self.number}]"


class ReviewRound(models.Model):
    """One pass of the medical board over one version."""

    OPEN, APPROVED, CHANGES_REQUESTED, SUPERSEDED = "open", "approved", "changes_requested", "superseded"
    OUTCOMES = [
        (OPEN, "Open"),
        (APPROVED, "Approved"),
        (CHANGES_REQUESTED, "Changes requested"),
        (SUPERSEDED, "Superseded"),
    ]

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="rounds")
    version = models.ForeignKey(ArticleVersion, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=20, choices=OUTCOMES, default=OPEN, db_index=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="one_number_per_round"),
            models.UniqueConstraint(
                fields=["article"], condition=models.Q(outcome="open"), name="one_open_round_per_article"
            ),
        ]
        indexes = [models.Index(fields=["due_at"], condition=models.Q(outcome="open"), name="review_round_open_due")]

    def __str__(self):
        return f"round {self.number} of article {self.article_id} ({self.get_outcome_display().lower()})"


class ReviewAssignment(models.Model):
    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review_round", "reviewer"], name="one_assignment_each")]

    def __str__(self):
        return f"reviewer {self.reviewer_id} on round {self.review_round_id}"


class ReviewComment(models.Model):
    """A review comment, which opens a thread; answers are comments with `thread` set.
    A thread is resolved (and reopened) on its opening comment; each change is an event
    in the article's trail, and verify_audit checks the row against the last one."""

    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=300, blank=True, help_text="The heading the comment is about, if any.")
    body = models.TextField(max_length=10_000)
    requests_changes = models.BooleanField(default=False)
    with_approval = models.BooleanField(default=False)  # written beside the author's signature
    created_at = models.DateTimeField()
    thread = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )  # the comment this one answers (always a thread's opening comment)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(thread__isnull=True) | models.Q(resolved_at__isnull=True),
                name="only_a_thread_is_resolved",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | models.Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="resolved_says_by_whom",
            ),
        ]

    def __str__(self):
        return f"comment by user {self.author_id} on round {self.review_round_id}"

    @property
    def is_resolved(self):
        return self.resolved_at is not None


class Signature(models.Model):
    """An electronic signature: who signed what content, when, and what it means.
    Today every signature is a reviewer's approval; publication is an audit event."""

    APPROVAL = "approval"
    KINDS = [(APPROVAL, "Approval")]
    APPROVAL_MEANING = "Approved for medical accuracy"

    kind = models.CharField(max_length=20, choices=KINDS)
    review_round = models.ForeignKey(ReviewRound, null=True, on_delete=models.PROTECT, related_name="signatures")
    version = models.ForeignKey(ArticleVersion, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures")
    signer_username = models.CharField(max_length=150, blank=True)  # login name as of signing
    printed_name = models.CharField(max_length=300)
    credentials = models.CharField(max_length=150, blank=True)
    meaning = models.CharField(max_length=200)
    content_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    # The month through which the signer checked the literature (its first day), as they
    # stated it when signing; the page shows the latest of the live version's.
    literature_through = models.DateField(null=True, blank=True)
    # What the signer stated about conflicts of interest for this article, and the
    # verified credentials the signature relied on, as they were when signing.
    NOT_ASKED, NO_CONFLICT, CONFLICT_DECLARED = "", "none", "declared"
    CONFLICTS = [
        (NOT_ASKED, "Not asked (signed before conflicts were recorded)"),
        (NO_CONFLICT, "No conflict of interest for this article"),
        (CONFLICT_DECLARED, "Conflict of interest declared"),
    ]
    conflict = models.CharField(max_length=10, choices=CONFLICTS, blank=True, default=NOT_ASKED)
    conflict_interests = models.TextField(blank=True, default="", max_length=2000)
    credentials_at_signing = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "signer", "kind"], name="one_signature_per_signer_and_version"),
        ]

    def __str__(self):
        return f"{self.printed_name}: {self.meaning} (version {self.version_id}, {self.signed_at:%Y-%m-%d %H:%M})"

    @property
    def is_valid(self):
        """A signature holds only for the exact content it covered."""
        return self.content_hash == self.version.content_hash


class Schedule(models.Model):
    """A publication (or unpublication) set for a time, pinned to one version and its hash.

    At the due time it acts only if that version is still the one concerned (the working
    version for a publication, the live one for an unpublication), its content still has
    the pinned hash and, for a publication, its approvals still match it. Otherwise it
    does nothing and says why in `outcome_note`. Rows are closed, never deleted.
    """

    PUBLISH, UNPUBLISH = "publish", "unpublish"
    KINDS = [(PUBLISH, "Publication"), (UNPUBLISH, "Unpublication")]
    PENDING, DONE, CANCELLED, REFUSED = "pending", "done", "cancelled", "refused"
    OUTCOMES = [(PENDING, "Pending"), (DONE, "Done"), (CANCELLED, "Cancelled"), (REFUSED, "Refused")]

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="schedules")
    kind = models.CharField(max_length=10, choices=KINDS)
    version = models.ForeignKey(ArticleVersion, on_delete=models.PROTECT, related_name="schedules")
    content_hash = models.CharField(max_length=64)
    due_at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True, help_text="Why it is unpublished (unpublications).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=OUTCOMES, default=PENDING)
    outcome_note = models.CharField(max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "kind"], condition=models.Q(outcome="pending"), name="one_pending_schedule_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="pending", closed_at__isnull=True)
                | (~models.Q(outcome="pending") & models.Q(closed_at__isnull=False)),
                name="schedule_closed_unless_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=models.Q(outcome="pending"), name="schedule_pending_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.version} at {self.due_at:%Y-%m-%d %H:%M} UTC ({self.outcome})"

    @property
    def is_publication(self):
        return self.kind == self.PUBLISH


class FastTrackRequest(models.Model):
    """A publisher's request to switch an article to review after publication. It takes
    effect only when another publisher or a board member confirms it with their password."""

    PENDING, CONFIRMED, WITHDRAWN, DECLINED = "pending", "confirmed", "withdrawn", "declined"
    STATUSES = [
        (PENDING, "Waiting for confirmation"),
        (CONFIRMED, "Confirmed"),
        (WITHDRAWN, "Withdrawn"),
        (DECLINED, "Declined"),
    ]
    CONFIRM_MEANING = "Confirmed publication before medical review"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="fast_track_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=20, choices=STATUSES, default=PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The confirmer's printed name and credentials as signed (password re-entered).
    signed_name = models.CharField(max_length=300, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=models.Q(status="pending"), name="one_pending_fast_track_per_article"
            ),
        ]

    def __str__(self):
        return f"Fast-track of {self.article} ({self.get_status_display()})"


class Event(models.Model):
    """Append-only audit trail. The database refuses UPDATE, DELETE and TRUNCATE on this
    table, and the app's runtime login holds only SELECT and INSERT on it.

    Events form chains: one per article, and one per other kind of subject (accounts,
    references, site pages, sign-ins; see TRAIL_KINDS). Each event stores its chain, its
    place in it (`seq`) and the hash of the event before it, and its own hash is an HMAC under AUDIT_KEY (named by
    `key_id`), so a row changed, removed or re-chained behind the application's back
    shows (`manage.py verify_audit`).
    """

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    chain = models.CharField(max_length=40)  # "article:<id>", or a kind of subject such as "account"
    subject_id = models.CharField(max_length=64, blank=True)  # the row the event is about, within its kind
    seq = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=300)  # printed name as of the event
    actor_username = models.CharField(max_length=150, blank=True)  # login name as of the event
    created_at = models.DateTimeField()
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    version = models.ForeignKey(ArticleVersion, null=True, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64, blank=True)
    comment = models.TextField(blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)  # e.g. {"old": {...}, "new": {...}}
    key_id = models.CharField(max_length=20)
    previous_hash = models.CharField(max_length=64)
    event_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="one_place_per_event_in_chain")]
        indexes = [models.Index(fields=["created_at"], name="event_created_at")]

    def __str__(self):
        return f"{self.chain} #{self.seq}: {self.action}"

    def chained_fields(self):
        return {
            "article": self.article_id,
            "chain": self.chain,
            "subject_id": self.subject_id,
            "details": self.details,
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "actor_username": self.actor_username,
            "created_at": self.created_at.isoformat(),
            "action": self.action,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "version": self.version_id,
            "content_hash": self.content_hash,
            "comment": self.comment,
            "client_ip": self.client_ip,
            "previous_hash": self.previous_hash,
            "seq": self.seq,
            "key_id": self.key_id,
        }

    def compute_hash(self):
        """The event's HMAC-SHA-256 under its key. Raises LookupError for an unknown key id."""
        text = json.dumps(self.chained_fields(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hmac.new(audit_key(self.key_id), text.encode("utf-8"), hashlib.sha256).hexdigest()


def audit_key(key_id):
    """The bytes of the audit key named `key_id`: the current one or a retired one."""
    if key_id == settings.AUDIT_KEY_ID:
        return settings.AUDIT_KEY.encode("utf-8")
    try:
        return settings.AUDIT_RETIRED_KEYS[key_id].encode("utf-8")
    except KeyError:
        raise LookupError(f"no audit key with id {key_id!r} is configured (AUDIT_RETIRED_KEYS)") from None


def audit_key_age(key_id):
    """How old a key is among the configured ones: 0 for the current key, and the retired
    keys older in the order AUDIT_RETIRED_KEYS lists them (oldest first)."""
    retired = list(settings.AUDIT_RETIRED_KEYS)
    return 0 if key_id == settings.AUDIT_KEY_ID else len(retired) - retired.index(key_id) if key_id in retired else -1


GENESIS_HASH = "0" * 64
# Chains of events about things other than articles, one chain per kind.
TRAIL_KINDS = ("account", "sign-in", "reference", "site")


class AuditChain(models.Model):
    """The head of a chain of events that is not an article's (an article keeps its own
    head on its row): written with each event, in the same transaction."""

    name = models.CharField(max_length=40, primary_key=True)
    head_id = models.BigIntegerField(null=True, blank=True)
    head_hash = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return self.name


class SitePage(models.Model):
    """A page of the site that publishers edit, such as the editorial policy."""

    key = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=100_000, help_text="Markdown.")
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return self.title


class ReaderReport(models.Model):
    """A reader's report of an error on a public page: what is wrong, optionally the
    source that says so and an address for the reply. Editors triage it by its due
    date: accepted (the next version saved is the correction, reviewed as usual) or
    declined with a reason. The reader's text is stored as typed and always escaped."""

    OPEN, ACCEPTED, DECLINED = "open", "accepted", "declined"
    STATES = [(OPEN, "Waiting for triage"), (ACCEPTED, "Accepted"), (DECLINED, "Declined")]
    MAX_TEXT, MAX_SOURCE = 4000, 1000

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="reader_reports")
    version = models.ForeignKey(ArticleVersion, on_delete=models.PROTECT, related_name="+")  # the one read
    text = models.TextField(max_length=MAX_TEXT)
    source = models.CharField(max_length=MAX_SOURCE, blank=True)
    email = models.EmailField(blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=STATES, default=OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(max_length=2000, blank=True)
    correction = models.ForeignKey(
        ArticleVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="corrects_reports"
    )  # the version saved after the report was accepted

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["due_at"], condition=models.Q(state="open"), name="reader_report_open_due"),
            models.Index(fields=["client_ip", "created_at"], name="reader_report_by_address"),
        ]

    def __str__(self):
        return f"Report {self.pk} on {self.article_id} ({self.state})"
