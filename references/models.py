import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from references.kinds import KIND_CHOICES


class Reference(models.Model):
    """One source in the shared library, reused across articles."""

    key = models.CharField(max_length=80, unique=True, help_text="Cite it as [@key].")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default="research")
    title = models.CharField(max_length=1000)
    title_key = models.CharField(max_length=1000, editable=False)  # normalised, for duplicate detection
    authors = models.JSONField(default=list, blank=True)  # [{"family": ..., "given": ...}]
    organisation = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="Journal or publisher.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=50, blank=True)
    issue = models.CharField(max_length=50, blank=True)
    pages = models.CharField(max_length=50, blank=True)
    doi = models.CharField(max_length=300, blank=True)
    pmid = models.CharField(max_length=12, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    language = models.CharField(max_length=20, blank=True)
    accessed = models.DateField(null=True, blank=True)
    retracted = models.BooleanField(default=False)
    retraction_notice = models.CharField(max_length=500, blank=True)
    retraction_checked_at = models.DateTimeField(null=True, blank=True)
    formatted = models.JSONField(default=dict, editable=False)  # {"ama": html, "vancouver": html}
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["doi"], condition=~Q(doi=""), name="unique_reference_doi"),
            models.UniqueConstraint(fields=["pmid"], condition=~Q(pmid=""), name="unique_reference_pmid"),
            models.UniqueConstraint(fields=["title_key", "year"], name="unique_reference_title_year"),
        ]

    def __str__(self):
        return f"@{self.key}: {self.title}"

    def get_absolute_url(self):
        return reverse("references:detail", args=[self.pk])

    @property
    def kind_label(self):
        return dict(KIND_CHOICES).get(self.kind, "Other")

    @property
    def creator(self):
        """The first author's family name, or the organisation."""
        if self.authors:
            return self.authors[0].get("family", "")
        return self.organisation


class ImportUpload(models.Model):
    """A file uploaded for import, kept between its preview and its confirmation so that
    its bytes cross the network once. Removed when confirmed, and a day after upload."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    fmt = models.CharField(max_length=20)
    data = models.BinaryField()
    created_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.filename or 'upload'} ({self.fmt})"


class SourceNotice(models.Model):
    """A notice the publisher of a cited source issued about it (a retraction, a
    correction...), found by the watch at Crossref or PubMed or entered by a librarian.
    A fact about the source, not about the articles citing it: readers see it next to
    the reference at once, outside the content the board signed."""

    RETRACTION, WITHDRAWAL = "retraction", "withdrawal"
    CORRECTION, ERRATUM, CONCERN = "correction", "erratum", "expression_of_concern"
    KINDS = [
        (RETRACTION, "Retracted"),
        (WITHDRAWAL, "Withdrawn"),
        (CORRECTION, "Corrected"),
        (ERRATUM, "Erratum published"),
        (CONCERN, "Expression of concern"),
    ]
    # Kinds that take the source out of the evidence: the articles citing it are reviewed again.
    REOPENING = frozenset({RETRACTION, WITHDRAWAL})
    CROSSREF, PUBMED, LIBRARIAN = "crossref", "pubmed", "librarian"
    SOURCES = [(CROSSREF, "Crossref"), (PUBMED, "PubMed"), (LIBRARIAN, "Librarian")]

    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=30, choices=KINDS)
    source = models.CharField(max_length=20, choices=SOURCES)
    identifier = models.CharField(max_length=300, help_text="The notice's DOI or PubMed ID.")
    url = models.URLField(max_length=1000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    found_at = models.DateTimeField()

    class Meta:
        ordering = ["reference_id", "published_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["reference", "kind", "identifier"], name="one_notice_each"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} @{self.reference_id}: {self.identifier}"

    @property
    def reopens_review(self):
        return self.kind in self.REOPENING

    def public_data(self):
        """What readers see of the notice, as plain JSON."""
        return {
            "kind": self.kind,
            "label": self.get_kind_display(),
            "date": self.published_on.isoformat() if self.published_on else None,
            "url": self.url,
            "identifier": self.identifier,
        }


class ImportJob(models.Model):
    """One run of a file's preview or import in the background: its progress, its counts
    and, once finished, its report or the reason it stopped. Seen only by who started it."""

    PREVIEW, IMPORT = "preview", "import"
    MODES = [(PREVIEW, "Preview"), (IMPORT, "Import")]
    QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
    STATES = [(QUEUED, "Queued"), (RUNNING, "Running"), (DONE, "Done"), (FAILED, "Failed"), (CANCELLED, "Cancelled")]
    ACTIVE = (QUEUED, RUNNING)

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    upload = models.ForeignKey(ImportUpload, null=True, on_delete=models.SET_NULL, related_name="jobs")
    preview = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="imports")
    mode = models.CharField(max_length=10, choices=MODES)
    filename = models.CharField(max_length=255, blank=True)
    keys = models.JSONField(default=dict, blank=True)  # {record number: key typed on the preview}
    ip = models.GenericIPAddressField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    stage = models.CharField(max_length=100, blank=True)  # what a running job is doing now
    total = models.PositiveIntegerField(default=0)  # records in the file
    processed = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()  # the worker's last sign of life while running
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_mode_display()} of {self.filename or 'a file'} ({self.state})"

    def get_absolute_url(self):
        return reverse("references:import_job", args=[self.token])
