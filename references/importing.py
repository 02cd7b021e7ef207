"""Importing a reference file: a preview report of what it holds, then, confirmed, the
new references stored all or none with one event for the file."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import reversion
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from references import parsing
from references.models import ImportUpload, Reference
from references.services import (
    find_duplicates,
    key_bases,
    record_import,
    require_librarian,
    save_new,
    stored_keys_starting,
    unique_key,
)


class KeysRefused(DomainError):
    """Keys typed on the preview cannot be used; nothing is stored and the preview is shown
    again. `upload` is the kept ImportUpload when the refusal comes from import_confirm."""

    upload = None

    def __init__(self, report):
        refused = [new for new in report.created if new.refused]
        one = len(refused) == 1
        super().__init__(
            f"{len(refused)} typed key{'' if one else 's'} cannot be used: "
            + "; ".join(f"{new.location}: {new.clash.rstrip('.')}" for new in refused)
            + f". Change {'it' if one else 'them'} and confirm again."
        )
        self.report = report


class UploadGone(DomainError):
    """The upload a confirmation names is not kept (confirmed already, expired, or someone else's)."""

    default_message = (
        "That upload is no longer kept: it was confirmed already or is more than a day old."
        " Choose the file again to see a fresh preview."
    )


UPLOAD_KEPT = timedelta(days=1)


@dataclass
class NewReference:
    """A record the import adds: where it is in the file, the key it gets and, when the
    file's own key cannot be kept, why (the preview then lets the key be changed)."""

    number: int  # the record's place in the file; names its key field on the preview
    location: str
    fields: dict
    file_key: str = ""
    key: str = ""
    clash: str = ""
    clash_url: str = ""
    refused: bool = False  # a key typed on the preview that cannot be used
    reference: Reference | None = None  # once stored

    @property
    def title(self):
        return self.fields["title"]

    @property
    def retracted(self):
        return self.fields.get("retracted", False)

    @property
    def creators(self):
        """'Okafor, Lindqvist, Tanaka et al.' or the organisation, for the preview."""
        families = [person.get("family", "") for person in self.fields.get("authors", [])]
        if not families:
            return self.fields.get("organisation", "")
        return ", ".join(families[:3]) + (" et al." if len(families) > 3 else "")


@dataclass
class ImportReport:
    fmt: str
    created: list = field(default_factory=list)  # [NewReference]
    duplicates: list = field(default_factory=list)  # [(location, title, existing Reference or None, why)]
    rejected: list = field(default_factory=list)  # [(location, reason, identifier to look up or "")]
    committed: bool = False

    @property
    def summary(self):
        added = "added" if self.committed else "to add"
        return (
            f"{len(self.created)} {added}, {len(self.duplicates)} already in the library, {len(self.rejected)} rejected"
        )

    @property
    def clashes(self):
        return [new for new in self.created if new.clash]


def _sort_records(records, report):
    """Rejected, duplicate (of the library or of an earlier record) and new records.
    The library is asked about all records at once."""
    usable = [record for record in records if not record.error]
    stored = dict(zip(map(id, usable), find_duplicates([record.fields for record in usable]), strict=True))
    seen = {}
    for number, record in enumerate(records):
        if record.error:
            report.rejected.append((record.location, record.error, record.identifier))
            continue
        fields = record.fields
        existing, why = stored[id(record)]
        if existing:
            report.duplicates.append((record.location, fields["title"], existing, why))
            continue
        identity = [
            ("doi", fields.get("doi")),
            ("pmid", fields.get("pmid")),
            ("title", (fields["title_key"], fields.get("year"))),
        ]
        earlier = next((seen[item] for item in identity if item[1] and item in seen), None)
        if earlier:
            report.duplicates.append((record.location, fields["title"], None, f"repeats {earlier} in this file"))
            continue
        for item in identity:
            if item[1]:
                seen[item] = record.location
        report.created.append(NewReference(number, record.location, fields, file_key=record.suggested_key.strip()))


def _key_problem(key, taken, stored):
    if not parsing.usable_key(key):
        return "is not a citation key: letters, digits and - _ : . only, starting with a letter or digit"
    if key in stored:
        return "is already used by a reference in the library"
    if key in taken:
        return f"is already used by {taken[key]} in this file"
    return ""


def _assign_keys(report, typed_keys):
    """The file's own keys where they are free, the keys typed on the preview, and keys
    made from first author and year for the rest. The library's keys are read in two
    queries, whatever the number of records."""
    typed_keys = {number: key.strip() for number, key in (typed_keys or {}).items() if key and key.strip()}
    wanted = {new.file_key for new in report.created} | set(typed_keys.values())
    stored = dict(Reference.objects.filter(key__in=wanted).values_list("key", "pk"))
    taken = {}
    for new in report.created:
        typed = typed_keys.get(new.number)
        if typed:
            problem = _key_problem(typed, taken, stored)
            new.key, new.refused = typed, bool(problem)
            new.clash = f"@{typed} {problem}." if problem else ""
            taken.setdefault(typed, new.location)
        elif new.file_key:
            problem = _key_problem(new.file_key, taken, stored)
            if not problem:
                new.key = new.file_key
                taken[new.key] = new.location
                continue
            new.clash = f"The file's key @{new.file_key} {problem}."
            if new.file_key in stored:
                new.clash_url = reverse("references:detail", args=[stored[new.file_key]])
    pending = [new for new in report.created if not new.key]
    library_keys = stored_keys_starting(key_bases([new.fields for new in pending])) | set(stored)
    for new in pending:
        new.key = unique_key("", new.fields, taken, stored=library_keys)
        taken[new.key] = new.location


def import_references(*, actor, data, fmt=None, filename="", commit=False, keys=None, ip=None, now=None):
    """Read a file and report what it holds: new references with the key each gets,
    duplicates (with the record already stored) and rejected records (with the reason
    and where). Records keep the file's own citation keys unless taken; `keys`
    ({record number: key}) are keys typed on the preview. With commit, store the new
    ones, all or none, and write one event with the file's name and the counts.
    FileRejected when the file is unusable; KeysRefused when a typed key is taken or
    malformed."""
    require_librarian(actor)
    now = now or timezone.now()
    fmt, records = parsing.parse(data, fmt=fmt, filename=filename)
    report = ImportReport(fmt=fmt)
    _sort_records(records, report)
    _assign_keys(report, keys)
    if commit:
        if any(new.refused for new in report.created):
            raise KeysRefused(report)
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(actor)
            reversion.set_comment(f"Imported from a {parsing.FORMATS[fmt]} file")
            for new in report.created:
                new.reference = save_new(actor, new.fields, new.key, now)
            record_import(report, filename, actor, now, ip)
        report.committed = True
    return report


def import_preview(*, actor, data, fmt=None, filename="", now=None):
    """The report of what a file holds, and the file kept server-side (an ImportUpload)
    for its confirmation; uploads older than a day are removed. FileRejected when the
    file is unusable (then nothing is kept)."""
    now = now or timezone.now()
    report = import_references(actor=actor, data=data, fmt=fmt, filename=filename, now=now)
    ImportUpload.objects.filter(created_at__lt=now - UPLOAD_KEPT).delete()
    upload = ImportUpload.objects.create(
        uploaded_by=actor, filename=filename[:255], fmt=report.fmt, data=data, created_at=now
    )
    return report, upload


def import_confirm(*, actor, token, keys=None, ip=None, now=None):
    """Store what a previewed upload holds (import_references with commit) and remove the
    upload in the same transaction, so a second click imports nothing twice: it waits
    for the first and then finds the upload gone. UploadGone for an unknown, expired or
    someone else's upload; KeysRefused keeps the upload for a second try."""
    now = now or timezone.now()
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        raise UploadGone() from None
    with transaction.atomic():
        upload = (
            ImportUpload.objects.select_for_update()
            .filter(token=token, uploaded_by=actor, created_at__gte=now - UPLOAD_KEPT)
            .first()
        )
        if upload is None:
            raise UploadGone()
        try:
            report = import_references(
                actor=actor,
                data=bytes(upload.data),
                fmt=upload.fmt,
                filename=upload.filename,
                commit=True,
                keys=keys,
                ip=ip,
                now=now,
            )
        except KeysRefused as refusal:
            refusal.upload = upload  # kept for the second try
            raise
        upload.delete()
    return report
