"""Importing a reference file: a preview report of what it holds, then, confirmed, the
new references stored all or none with one event for the file. The work goes a batch
of records at a time (references.jobs runs it in the background and shows its progress)."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from references import parsing
from references.models import Reference
from references.services import (
    find_duplicates,
    key_bases,
    new_reference,
    record_import,
    require_librarian,
    stored_keys_starting,
    unique_key,
)

# Records checked and stored together: the import's queries grow with the batches.
BATCH = 1000
CHECKING, STORING = "checking", "storing"


class KeysRefused(DomainError):
    """Keys typed on the preview cannot be used; nothing is stored and the preview is shown
    again with them. `refused`: (where, why) of each; `report`: what the preview shows."""

    def __init__(self, refused, report):
        one = len(refused) == 1
        super().__init__(
            f"{len(refused)} typed key{'' if one else 's'} cannot be used: "
            + "; ".join(f"{location}: {clash.rstrip('.')}" for location, clash in refused)
            + f". Change {'it' if one else 'them'} and confirm again."
        )
        self.report = report


class ImportCancelled(DomainError):
    default_message = "The import was cancelled; nothing was stored."


class LibraryChanged(DomainError):
    default_message = (
        "While the import ran, someone stored a reference with the same DOI, PubMed ID, title and year"
        " or key as one of these records. Nothing was stored: preview the file again to see what is new."
    )


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

    def as_data(self):
        """What the report page shows of the record, as plain JSON."""
        return {
            "number": self.number,
            "location": self.location,
            "key": self.key,
            "title": self.title,
            "creators": self.creators,
            "year": self.fields.get("year"),
            "doi": self.fields.get("doi", ""),
            "pmid": self.fields.get("pmid", ""),
            "retracted": self.retracted,
            "clash": self.clash,
            "clash_url": self.clash_url,
            "refused": self.refused,
            "url": self.reference.get_absolute_url() if self.reference else "",
        }


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

    def as_data(self):
        """The report as plain JSON, kept on the job that made it for its page."""
        return {
            "fmt": self.fmt,
            "committed": self.committed,
            "summary": self.summary,
            "clashes": len(self.clashes),
            "created": [new.as_data() for new in self.created],
            "duplicates": [
                {
                    "location": location,
                    "title": title,
                    "key": existing.key if existing else "",
                    "url": existing.get_absolute_url() if existing else "",
                    "why": why,
                }
                for location, title, existing, why in self.duplicates
            ],
            "rejected": [
                {"location": location, "reason": reason, "identifier": identifier}
                for location, reason, identifier in self.rejected
            ],
        }


def _sort_records(records, report, seen, first_number=0):
    """Rejected, duplicate (of the library or of an earlier record, `seen` across batches)
    and new records. The library is asked about the whole batch at once."""
    usable = [record for record in records if not record.error]
    stored = dict(zip(map(id, usable), find_duplicates([record.fields for record in usable]), strict=True))
    for number, record in enumerate(records, start=first_number):
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


def key_problem(key, taken, stored):
    if not parsing.usable_key(key):
        return "is not a citation key: letters, digits and - _ : . only, starting with a letter or digit"
    if key in stored:
        return "is already used by a reference in the library"
    if key in taken:
        return f"is already used by {taken[key]} in this file"
    return ""


@dataclass
class _Keys:
    """What key assignment carries from one batch to the next: the keys typed on the
    preview, the keys given out so far ({key: where}), and every key the file or the
    preview names (made keys avoid them, so a record later in the file keeps its own)."""

    typed: dict
    named: set
    taken: dict = field(default_factory=dict)

    @classmethod
    def of(cls, records, typed_keys):
        typed = {number: key.strip() for number, key in (typed_keys or {}).items() if key and key.strip()}
        named = {record.suggested_key.strip() for record in records if not record.error} | set(typed.values())
        return cls(typed, named - {""})


def _assign_keys(batch, keys):
    """The file's own keys where they are free, the keys typed on the preview, and keys
    made from first author and year for the rest, for one batch of new records. The
    library's keys are read in two queries, whatever the size of the batch."""
    taken = keys.taken
    wanted = {new.file_key for new in batch} | {keys.typed[new.number] for new in batch if new.number in keys.typed}
    stored = dict(Reference.objects.filter(key__in=wanted).values_list("key", "pk"))
    for new in batch:
        typed = keys.typed.get(new.number)
        if typed:
            problem = key_problem(typed, taken, stored)
            new.key, new.refused = typed, bool(problem)
            new.clash = f"@{typed} {problem}." if problem else ""
            taken.setdefault(typed, new.location)
        elif new.file_key:
            problem = key_problem(new.file_key, taken, stored)
            if not problem:
                new.key = new.file_key
                taken[new.key] = new.location
                continue
            new.clash = f"The file's key @{new.file_key} {problem}."
            if new.file_key in stored:
                new.clash_url = reverse("references:detail", args=[stored[new.file_key]])
    pending = [new for new in batch if not new.key]
    avoid = stored_keys_starting(key_bases([new.fields for new in pending])) | set(stored) | keys.named
    for new in pending:
        new.key = unique_key("", new.fields, taken, stored=avoid)
        taken[new.key] = new.location


def _no_progress(stage, done, total):
    pass


def _batches(items, size):
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


def _check(records, report, keys, progress, batch_size):
    """Sort and key the records a batch at a time, telling `progress` after each."""
    seen = {}
    for start, batch in _batches(records, batch_size):
        first_new = len(report.created)
        _sort_records(batch, report, seen, first_number=start)
        _assign_keys(report.created[first_new:], keys)
        progress(CHECKING, start + len(batch), len(records))


def _store(report, *, actor, filename, ip, now, progress, finish, batch_size):
    """Insert the new references a batch at a time, all in one transaction: a refusal,
    a cancellation or a clash with a reference stored meanwhile leaves nothing behind.
    Each batch is one event in the trail, with the values of the references it added."""
    batches = -(-len(report.created) // batch_size)
    try:
        with transaction.atomic():
            for number, (start, batch) in enumerate(_batches(report.created, batch_size), start=1):
                rows = [new_reference(actor, new.fields, new.key, now) for new in batch]
                stored = Reference.objects.bulk_create(rows)
                for new, reference in zip(batch, stored, strict=True):
                    new.reference = reference
                record_import(report, stored, filename, actor, now, ip, part=(number, batches))
                progress(STORING, start + len(batch), len(report.created))
            if not report.created:
                record_import(report, [], filename, actor, now, ip)
            report.committed = True
            finish(report)
    except IntegrityError:
        report.committed = False
        raise LibraryChanged() from None


def import_references(
    *,
    actor,
    data,
    fmt=None,
    filename="",
    commit=False,
    keys=None,
    ip=None,
    now=None,
    progress=None,
    finish=None,
    batch_size=BATCH,
):
    """Read a file and report what it holds: new references with the key each gets,
    duplicates (with the record already stored) and rejected records (with the reason
    and where). Records keep the file's own citation keys unless taken; `keys`
    ({record number: key}) are keys typed on the preview. With commit, store the new
    ones, all or none, and write one event with the file's name and the counts.

    The work goes `batch_size` records at a time, so its queries grow with the batches,
    not the records. `progress(stage, done, total)` is told after each batch and may
    stop the import by raising ImportCancelled; `finish(report)` runs inside the
    transaction that stores the references, last. Their citation entries (AMA,
    Vancouver: citeproc takes some 30 ms a record) are made afterwards, by the task
    format_pending (references.tasks) that the import job and beat queue.

    FileRejected when the file is unusable; KeysRefused when a typed key is taken or
    malformed; LibraryChanged when someone stored one of the records meanwhile."""
    require_librarian(actor)
    now = now or timezone.now()
    progress = progress or _no_progress
    fmt, records = parsing.parse(data, fmt=fmt, filename=filename)
    report = ImportReport(fmt=fmt)
    _check(records, report, _Keys.of(records, keys), progress, batch_size)
    if commit:
        refused = [(new.location, new.clash) for new in report.created if new.refused]
        if refused:
            raise KeysRefused(refused, report)
        _store(
            report,
            actor=actor,
            filename=filename,
            ip=ip,
            now=now,
            progress=progress,
            finish=finish or _no_finish,
            batch_size=batch_size,
        )
    return report


def _no_finish(report):
    pass
