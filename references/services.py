"""Every write to the reference library."""

import hashlib
import itertools
import json
import logging
import re

import reversion
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import roles_of
from core.errors import TransitionNotAllowed
from core.roles import may_clear_retraction, may_manage_library
from references.citations import KEY
from references.formatting import entries
from references.links import record_trail_event
from references.models import Reference, SourceNotice
from references.normalize import key_base

EDITABLE_FIELDS = (
    "kind",
    "title",
    "authors",
    "organisation",
    "source",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "url",
    "language",
    "accessed",
    "retracted",
)
# What the edit form changes. The retraction flag has its own actions (mark, clear),
# each audited with its reason, so an edit can never clear it in passing.
FORM_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "retracted")
VALID_KEY = re.compile(rf"^{KEY}$")
log = logging.getLogger(__name__)


class DuplicateReference(Exception):
    def __init__(self, existing, reason):
        super().__init__(f"This reference is already in the library as @{existing.key} ({reason}).")
        self.existing, self.reason, self.message = existing, reason, str(self)


# What else must change, in the same transaction, when a reference changes: the articles
# app registers flagging the articles that cite it (ArticlesConfig.ready), so the library
# knows nothing of articles.
_change_listeners = []


def on_reference_changed(listener):
    """Call `listener(reference, reason, now, *, actor, notify, include_published)` inside
    the transaction of every reference edit, retraction and cleared retraction; what it
    returns (ids of the articles it flagged) is what those services return."""
    if listener not in _change_listeners:
        _change_listeners.append(listener)
    return listener


def _reference_changed(reference, reason, now, *, actor, notify=False, include_published=False):
    flagged = []
    for listener in _change_listeners:
        flagged.extend(
            listener(reference, reason, now, actor=actor, notify=notify, include_published=include_published) or []
        )
    return flagged


# What follows a new notice on a source (a retraction, a correction...): the articles app
# registers showing it on the live pages citing it and, for a retraction or withdrawal,
# reopening their review (ArticlesConfig.ready).
_notice_listeners = []


def on_source_notice(listener):
    """Call `listener(notice, now, *, actor)` inside the transaction that records a new
    SourceNotice, after the reference itself has changed."""
    if listener not in _notice_listeners:
        _notice_listeners.append(listener)
    return listener


def require_librarian(actor):
    if not may_manage_library(roles_of(actor)):
        raise TransitionNotAllowed("Only editors and publishers manage the reference library.")


def find_duplicate(fields, exclude_id=None):
    """(existing reference, why) when the same DOI, PMID, or title and year is stored."""
    [found] = find_duplicates([fields], exclude_id=exclude_id)
    return found


def find_duplicates(field_sets, exclude_id=None):
    """(existing reference or None, why) for each record, in the order given, in three
    queries whatever their number: the same DOI, else PMID, else title and year."""
    dois = {fields["doi"] for fields in field_sets if fields.get("doi")}
    pmids = {fields["pmid"] for fields in field_sets if fields.get("pmid")}
    stored = Reference.objects.exclude(pk=exclude_id)
    by_doi = {reference.doi: reference for reference in stored.filter(doi__in=dois)} if dois else {}
    by_pmid = {reference.pmid: reference for reference in stored.filter(pmid__in=pmids)} if pmids else {}
    by_title = {}
    title_keys = {fields["title_key"] for fields in field_sets}
    for reference in stored.filter(title_key__in=title_keys).order_by("key"):
        by_title.setdefault((reference.title_key, reference.year), reference)
    found = []
    for fields in field_sets:
        if fields.get("doi") in by_doi:
            found.append((by_doi[fields["doi"]], "same DOI"))
        elif fields.get("pmid") in by_pmid:
            found.append((by_pmid[fields["pmid"]], "same PubMed ID"))
        else:
            existing = by_title.get((fields["title_key"], fields.get("year")))
            found.append((existing, "same title and year") if existing else (None, ""))
    return found


def key_bases(field_sets):
    """The first-author-and-year base each record's made key starts from."""
    return [
        key_base(
            fields["authors"][0]["family"] if fields.get("authors") else fields.get("organisation", ""),
            fields.get("year"),
        )
        for fields in field_sets
    ]


def stored_keys_starting(bases):
    """The library's keys that start with any of the bases, in one query."""
    bases = sorted(set(bases))
    if not bases:
        return set()
    # Bases are lower-case letters and digits only (key_base), so they need no escaping.
    return set(Reference.objects.filter(key__regex=rf"^({'|'.join(bases)})").values_list("key", flat=True))


def unique_key(wanted, fields, taken=(), stored=None):
    """A free citation key: the wanted one if valid and free, else first author + year (+a, b, ...).
    `stored`, when given, is the set of library keys to avoid (read beforehand, in bulk)."""

    def free(candidate):
        if candidate in taken:
            return False
        if stored is not None:
            return candidate not in stored
        return not Reference.objects.filter(key=candidate).exists()

    if wanted and VALID_KEY.match(wanted) and free(wanted):
        return wanted
    [base] = key_bases([fields])
    for suffix in itertools.chain([""], "abcdefghijklmnopqrstuvwxyz", (f"-{n}" for n in itertools.count(2))):
        if free(base + suffix):
            return base + suffix


def fingerprint(reference):
    """A hash of the fields a reader sees: changes when the reference's content does."""
    data = {name: getattr(reference, name) for name in EDITABLE_FIELDS}
    data["accessed"] = data["accessed"].isoformat() if data["accessed"] else None
    data["key"] = reference.key
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _recorded_values(reference):
    """What the trail keeps of a reference: its key and the fields a librarian sets, as plain JSON."""
    values = {name: getattr(reference, name) for name in (*EDITABLE_FIELDS, "retraction_notice")}
    values["accessed"] = values["accessed"].isoformat() if values["accessed"] else None
    values["key"] = reference.key
    return values


def _changes(old, new):
    """{"old": {...}, "new": {...}} of the fields whose values differ; with no old values
    (a new reference) the new ones that are filled in."""
    changed = [name for name in new if old.get(name) != new[name] and (name in old or new[name] not in ("", None, []))]
    return {"old": {name: old[name] for name in changed if name in old}, "new": {name: new[name] for name in changed}}


def _record(reference, action, actor, now, *, old, comment="", ip=None):
    """The reference's event in the trail's "reference" chain, with what changed."""
    return record_trail_event(
        kind="reference",
        action=action,
        actor=actor,
        now=now,
        subject_id=reference.pk,
        comment=comment,
        ip=ip,
        details=_changes(old, _recorded_values(reference)),
    )


def _format_all(reference):
    reference.formatted = entries(reference, stored=False)


def _apply(reference, fields, names=EDITABLE_FIELDS):
    for name in names:
        if name in fields:
            setattr(reference, name, fields[name])
    reference.title_key = fields.get("title_key", reference.title_key)


def new_reference(actor, fields, key, now):
    """An unsaved reference with the given fields; an import stores them in bulk, its
    citation entries left for format_pending_references."""
    reference = Reference(key=key, created_by=actor, created_at=now, updated_at=now)
    _apply(reference, fields)
    return reference


def save_new(actor, fields, key, now):
    """Store a new reference, formatted; the caller writes its event."""
    reference = new_reference(actor, fields, key, now)
    _format_all(reference)
    reference.save()
    return reference


FORMAT_BATCH = 100


def format_pending_references():
    """Make the citation entries of references stored without them (an import's), a
    batch at a time, each batch locked so that two workers, or an edit, never write
    over each other. Returns how many were formatted. Until then pages format an
    entry when they show it (references.formatting.entries)."""
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                Reference.objects.select_for_update(skip_locked=True).filter(formatted={}).order_by("pk")[:FORMAT_BATCH]
            )
            for reference in batch:
                _format_all(reference)
            Reference.objects.bulk_update(batch, ["formatted"])
        done += len(batch)
        if len(batch) < FORMAT_BATCH:
            return done


def reference_create(*, actor, fields, key="", ip=None, now=None):
    """Add a reference, with an event holding its values. Refuses a duplicate (same
    DOI, PMID, or title and year), naming the record already stored."""
    require_librarian(actor)
    now = now or timezone.now()
    existing, reason = find_duplicate(fields)
    if existing:
        raise DuplicateReference(existing, reason)
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(actor)
        reversion.set_comment("Added to the library")
        try:
            with transaction.atomic():
                reference = save_new(actor, fields, unique_key(key, fields), now)
        except IntegrityError:
            # Someone stored the same source a moment ago.
            existing, reason = find_duplicate(fields)
            if existing:
                raise DuplicateReference(existing, reason) from None
            raise
        _record(reference, "create", actor, now, old={}, comment=f"Added @{reference.key}", ip=ip)
    return reference


def reference_update(*, actor, reference_id, fields, key, expected_updated_at, ip=None, now=None):
    """Edit a reference. Refuses a stale form, a duplicate and a taken key. Articles whose
    working version cites it are flagged: their next version picks up the change and
    goes through review; published and approved versions keep what was reviewed.
    An edit that changes something is an event with the old and new values. Returns
    (the reference, ids of the articles flagged), the ids None when nothing that
    articles cite changed."""
    require_librarian(actor)
    now = now or timezone.now()
    with transaction.atomic(), reversion.create_revision():
        reference = Reference.objects.select_for_update().get(pk=reference_id)
        if expected_updated_at is not None and reference.updated_at.isoformat() != expected_updated_at:
            raise TransitionNotAllowed("Someone changed this reference since you opened it. Reload and edit again.")
        existing, reason = find_duplicate(fields, exclude_id=reference.pk)
        if existing:
            raise DuplicateReference(existing, reason)
        if key != reference.key:
            if not VALID_KEY.match(key or ""):
                raise TransitionNotAllowed(
                    "A key is letters, digits and - _ : . only, starting with a letter or digit."
                )
            if Reference.objects.filter(key=key).exclude(pk=reference.pk).exists():
                raise TransitionNotAllowed(f"The key @{key} is already used by another reference.")
        before, old = fingerprint(reference), _recorded_values(reference)
        _apply(reference, fields, FORM_FIELDS)
        reference.key = key
        _format_all(reference)
        reference.updated_at = now
        reference.save()
        reversion.set_user(actor)
        reversion.set_comment("Edited")
        if _recorded_values(reference) != old:
            _record(reference, "edit", actor, now, old=old, comment=f"Edited @{reference.key}", ip=ip)
        flagged = None
        if fingerprint(reference) != before:
            flagged = _reference_changed(
                reference, f"Reference @{reference.key} was edited; save a new version to include it.", now, actor=actor
            )
    return reference, flagged


def reference_mark_retracted(*, reference_id, notice, actor=None, ip=None, now=None):
    """Mark a reference retracted and flag every article citing it for re-review. The
    retraction watch calls this with no actor; a librarian marking it by hand is named
    in the history and on each article's event. Returns the flagged article ids; none
    when it was already marked."""
    now = now or timezone.now()
    notice = (notice or "").strip()
    if actor is not None:
        require_librarian(actor)
        if not notice:
            raise TransitionNotAllowed("Say where the retraction was published (a notice, DOI or link).")
    with transaction.atomic(), reversion.create_revision():
        reference = Reference.objects.select_for_update().get(pk=reference_id)
        reference.retraction_checked_at = now
        if reference.retracted:
            reference.save(update_fields=["retraction_checked_at"])
            return []
        if actor is not None:
            reversion.set_user(actor)
        reversion.set_comment(f"Marked retracted: {notice[:200]}")
        return _mark_retracted_locked(
            reference,
            notice,
            f"Marked retracted: {notice[:500]}",
            f"Cited reference @{reference.key} was retracted ({notice[:200]}).",
            actor,
            now,
            ip,
        )


def _mark_retracted_locked(reference, notice, comment, reason, actor, now, ip):
    """Mark the locked reference retracted (`notice` kept on it), with its event, and flag
    the articles citing it, published ones included, telling their editors. Returns the
    flagged article ids."""
    old = _recorded_values(reference)
    reference.retracted, reference.retraction_notice = True, notice[:500]
    reference.updated_at = now
    reference.save()
    _record(reference, "mark_retracted", actor, now, old=old, comment=comment, ip=ip)
    return _reference_changed(reference, reason, now, actor=actor, notify=True, include_published=True)


def reference_record_notice(
    *, reference_id, kind, source, identifier, url="", published_on=None, actor=None, ip=None, now=None
):
    """Record a notice on a source (the watch, with no actor). A retraction or withdrawal
    also marks the reference retracted and flags the articles citing it. The "reference"
    chain keeps the notice; the listeners show it to readers and reach the people
    concerned. Returns (the new SourceNotice, flagged article ids); (None, []) when the
    notice was known already."""
    now = now or timezone.now()
    identifier = (identifier or "").strip()[:300]
    if kind not in dict(SourceNotice.KINDS) or not identifier:
        raise TransitionNotAllowed("Say which kind of notice this is and where it was published.")
    with transaction.atomic(), reversion.create_revision():
        reference = Reference.objects.select_for_update().get(pk=reference_id)
        notice, created = SourceNotice.objects.get_or_create(
            reference=reference,
            kind=kind,
            identifier=identifier,
            defaults={"source": source, "url": url[:1000], "published_on": published_on, "found_at": now},
        )
        if not created:
            return None, []
        described = f"{notice.get_kind_display()}: {identifier}"
        flagged = []
        if notice.reopens_review and not reference.retracted:
            reference.retraction_checked_at = now
            flagged = _mark_retracted_locked(
                reference,
                f"{kind} notice {identifier}",
                f"Marked retracted: {described}",
                f"Cited reference @{reference.key} was {notice.get_kind_display().lower()} ({identifier}).",
                actor,
                now,
                ip,
            )
        if actor is not None:
            reversion.set_user(actor)
        reversion.set_comment(f"Notice recorded: {described}"[:200])
        record_trail_event(
            kind="reference",
            action="record_notice",
            actor=actor,
            now=now,
            subject_id=reference.pk,
            comment=f"Notice on @{reference.key}: {described}"[:1000],
            ip=ip,
            details={"notice": {**notice.public_data(), "source": source}},
        )
        for listener in _notice_listeners:
            listener(notice, now, actor=actor)
    return notice, flagged


def reference_clear_retraction(*, actor, reference_id, reason, expected_updated_at=None, ip=None, now=None):
    """A publisher clears a reference's retraction flag, with a reason. The history and
    every citing article's event name them; the watch asks the source again right
    after commit (and the hourly watch does if the queue is down). Refuses anyone but
    a publisher, a missing reason, a stale page and a reference not marked retracted."""
    if not may_clear_retraction(roles_of(actor)):
        raise TransitionNotAllowed("Only a publisher can clear a retraction flag.")
    reason = (reason or "").strip()
    if not reason:
        raise TransitionNotAllowed("Give a reason for clearing the retraction flag.")
    now = now or timezone.now()
    with transaction.atomic(), reversion.create_revision():
        reference = Reference.objects.select_for_update().get(pk=reference_id)
        if expected_updated_at is not None and reference.updated_at.isoformat() != expected_updated_at:
            raise TransitionNotAllowed("Someone changed this reference since you opened it. Reload and try again.")
        if not reference.retracted:
            raise TransitionNotAllowed(f"@{reference.key} is not marked retracted.")
        was, old = reference.retraction_notice, _recorded_values(reference)
        reference.retracted, reference.retraction_notice = False, ""
        reference.retraction_checked_at = None  # due for the watch at once
        reference.updated_at = now
        _format_all(reference)
        reference.save()
        reversion.set_user(actor)
        reversion.set_comment(f"Retraction flag cleared: {reason[:200]}")
        _record(
            reference,
            "clear_retraction",
            actor,
            now,
            old=old,
            comment=f"Retraction flag cleared: {reason[:500]}",
            ip=ip,
        )
        name = actor.profile.printed_name
        _reference_changed(
            reference,
            f"Retraction flag on @{reference.key} cleared by {name}: {reason[:200]}"
            + (f" (it read: {was[:100]})" if was else ""),
            now,
            actor=actor,
            notify=True,
            include_published=True,
        )
        reference_id = reference.pk
        transaction.on_commit(lambda: _queue_retraction_check(reference_id))
    return reference


def _queue_retraction_check(reference_id):
    from references.tasks import recheck_retraction  # noqa: PLC0415 - tasks call services: deferred Celery

    try:
        recheck_retraction.delay(reference_id)
    except Exception as error:  # a broker outage must not undo the change; the hourly watch asks then
        log.warning("retraction re-check of reference %s not queued: %s", reference_id, error)


# ---------------------------------------------------------------- import


def record_import(report, added, filename, actor, now, ip, part=(1, 1)):
    """An event in the "reference" chain for a confirmed import, one per stored batch (one
    for a file of up to a thousand records): the file's name, its format, the file's
    counts added, already stored and rejected, and the keys and values of the references
    the batch added, as a "create" event records one reference's. django-reversion keeps
    no version of them (serialising each took longer than the whole import may); their
    later edits are kept by it as usual."""
    counts = {"added": len(report.created), "duplicates": len(report.duplicates), "rejected": len(report.rejected)}
    number, of = part
    details = {
        "file": filename,
        "format": report.fmt,
        **counts,
        "added_keys": [reference.key for reference in added],
        "values": {reference.key: _recorded_values(reference) for reference in added},
    }
    if of > 1:
        details.update(part=number, parts=of)
    record_trail_event(
        kind="reference",
        action="import",
        actor=actor,
        now=now,
        ip=ip,
        comment=(
            f"Imported {filename or 'a file'}: {counts['added']} added, {counts['duplicates']}"
            f" already in the library, {counts['rejected']} rejected"
            + (f" (part {number} of {of}: {len(added)} of the references added)" if of > 1 else "")
        ),
        details=details,
    )
