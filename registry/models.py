"""The reviewer registry: what stands behind "Reviewed by Dr X, M.D.".

Per board member: specialties (from a list publishers keep), degrees, licences and
board certifications, each verified by a named publisher on a date with a note of how;
a photo; and a yearly declaration of interests. The signing rules read these through
`registry.selectors.signing_standing`; a signature copies what it relied on.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Specialty(models.Model):
    """One entry of the controlled list of specialties (publishers add them)."""

    name = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"
        constraints = [models.UniqueConstraint(Lower("name"), name="specialty_named_once")]

    def __str__(self):
        return self.name


class MemberSpecialty(models.Model):
    """A board member practises this specialty (what a specialty quorum counts)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="specialties")
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="members")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "specialty"], name="specialty_once_per_member")]

    def __str__(self):
        return f"{self.member_id}: {self.specialty}"


class Credential(models.Model):
    """A degree, licence or board certification. It counts for signing only once a
    publisher has verified it (who, when, how) and, for a licence or certification,
    while `valid_until` has not passed."""

    DEGREE, LICENCE, CERTIFICATION = "degree", "licence", "certification"
    KINDS = [(DEGREE, "Degree"), (LICENCE, "Licence to practise"), (CERTIFICATION, "Board certification")]
    EXPIRING = (LICENCE, CERTIFICATION)  # the kinds that must carry a "valid until"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials")
    kind = models.CharField(max_length=20, choices=KINDS)
    title = models.CharField(max_length=150, help_text='e.g. "M.D.", "Medical licence", "Internal medicine"')
    issuer = models.CharField(max_length=200)
    number = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.CharField(max_length=500, blank=True, help_text="How it was verified.")

    class Meta:
        ordering = ["member_id", "kind", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(verified_at__isnull=True, verified_by__isnull=True)
                | models.Q(verified_at__isnull=False, verified_by__isnull=False),
                name="credential_verified_by_someone",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=("licence", "certification")) | models.Q(valid_until__isnull=False),
                name="licence_has_expiry",
            ),
        ]
        indexes = [models.Index(fields=["valid_until"], name="credential_valid_until")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title} ({self.issuer})"

    @property
    def is_verified(self):
        return self.verified_at is not None

    def is_current(self, today):
        return self.valid_until is None or self.valid_until >= today

    def described(self):
        """ "Licence to practise: Medical licence, Ohio State Medical Board, no. 35-123, Ohio"."""
        parts = [self.title, self.issuer, f"no. {self.number}" if self.number else "", self.region]
        return f"{self.get_kind_display()}: " + ", ".join(part for part in parts if part)

    def snapshot(self):
        """What a signature keeps of this credential as it was when signing."""
        return {
            "kind": self.kind,
            "title": self.title,
            "issuer": self.issuer,
            "number": self.number,
            "region": self.region,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "verified_at": self.verified_at.isoformat() if self.verified_at else None,
            "verified_by": self.verified_by.profile.printed_name if self.verified_by_id else "",
        }


class Declaration(models.Model):
    """A yearly declaration of interests: none, or the interests listed. Never changed
    once filed (the runtime role may not update or delete it): a new year, a new row."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations")
    declared_at = models.DateTimeField()
    no_interests = models.BooleanField()
    interests = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["member_id", "-declared_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(no_interests=True, interests="")
                | models.Q(no_interests=False) & ~models.Q(interests=""),
                name="declaration_none_or_listed",
            )
        ]
        indexes = [models.Index(fields=["member", "-declared_at"], name="declaration_latest")]

    def __str__(self):
        return f"{self.member_id} on {self.declared_at:%Y-%m-%d}"


class Photo(models.Model):
    """A member's portrait: re-encoded by the app (resized, no metadata) before storing."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="photo")
    image = models.FileField(upload_to="reviewers/", max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()

    def __str__(self):
        return self.image.name
