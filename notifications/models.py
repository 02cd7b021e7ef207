from django.conf import settings
from django.db import models

KINDS = [
    ("submitted", "Article submitted for review"),
    ("assigned", "Review assigned to you"),
    ("changes_requested", "Changes requested"),
    ("approved", "Article approved"),
    ("published", "Article published"),
    ("schedule", "Scheduled publication done, refused or cancelled"),
    ("comment", "Review comment"),
    ("review_overdue", "Review overdue"),
    ("review_escalated", "Overdue review escalated"),
    ("changes_untouched", "Requested changes waiting"),
    ("approved_unpublished", "Approved, not yet published"),
    ("rereview_due", "Re-review due"),
    ("reference_flag", "Cited reference changed or retracted"),
    ("reader_report", "A reader reported an error"),
    ("report_overdue", "Reader report waiting past its triage date"),
    ("report_escalated", "Overdue reader report escalated"),
    ("page_withheld", "Public page withheld"),
    ("identity", "Your printed name or credentials changed"),
    ("two_factor", "Your two-factor sign-in was reset"),
    ("lockout", "Sign-in locked after wrong passwords"),
    ("credential_expiring", "A licence or board certification expiring"),
    ("declaration_due", "Yearly declaration of interests due"),
]
KIND_LABELS = dict(KINDS)

EMAIL, IN_APP, DIGEST = "email", "in_app", "digest"
MODES = [(EMAIL, "E-mail and in-app"), (IN_APP, "In-app only"), (DIGEST, "Daily digest e-mail")]


class Notification(models.Model):
    """An outbox row, written in the same transaction as the change that causes it.

    `key` is unique: whatever retries or repeats a sweep, one notification is one row,
    and its e-mail is sent by whichever worker claims the row first.
    """

    PENDING, SENDING, SENT, SKIPPED, DIGEST_PENDING, FAILED = (
        "pending",
        "sending",
        "sent",
        "skipped",
        "digest",
        "failed",
    )
    EMAIL_STATES = [(s, s) for s in (PENDING, SENDING, SENT, SKIPPED, DIGEST_PENDING, FAILED)]

    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=KINDS)
    article = models.ForeignKey("articles.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=300)
    message = models.TextField()
    html = models.TextField(blank=True)  # the message as the HTML e-mail shows it; empty on older rows
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=EMAIL_STATES, default=PENDING)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["email_state", "created_at"], name="notification_email_queue"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient_id}: {self.subject}"


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=KINDS)
    mode = models.CharField(max_length=10, choices=MODES, default=EMAIL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.kind}: {self.mode} for user {self.user_id}"
