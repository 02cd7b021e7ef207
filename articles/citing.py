"""Resolving an article's citation markers against the reference library."""

from references.citations import Integrity, check, keys_in_order
from references.formatting import entries
from references.models import Reference
from references.services import fingerprint


def snapshot(reference):
    """Everything a reader sees of a reference, frozen into the version that cites it."""
    return {
        "id": reference.pk,
        "key": reference.key,
        "kind": reference.kind,
        "kind_label": reference.kind_label,
        "title": reference.title,
        "authors": reference.authors,
        "organisation": reference.organisation,
        "source": reference.source,
        "year": reference.year,
        "volume": reference.volume,
        "issue": reference.issue,
        "pages": reference.pages,
        "doi": reference.doi,
        "pmid": reference.pmid,
        "url": reference.url,
        "language": reference.language,
        "accessed": reference.accessed.isoformat() if reference.accessed else None,
        "retracted": reference.retracted,
        "fingerprint": fingerprint(reference),
        "formatted": entries(reference),
    }


def library_for(body, reference_list=()):
    """{key: Reference} for every key the body cites or the list names: one query."""
    keys = set(keys_in_order(body)) | set(reference_list)
    if not keys:
        return {}
    return {reference.key: reference for reference in Reference.objects.filter(key__in=keys)}


def resolve(body, reference_list=()):
    """(snapshots in citation order, library) for a body about to be saved or previewed."""
    library = library_for(body, reference_list)
    return [snapshot(library[key]) for key in keys_in_order(body) if key in library], library


def integrity(body, reference_list=(), library=None):
    """Problems (block submission and approval) and warnings for a body's citations."""
    library = library_for(body, reference_list) if library is None else library
    return check(body, library, reference_list)


def version_integrity(version, library):
    """Problems and warnings of a saved version's citations, judged against the library as
    it is now and against the references the version froze when it was saved: a key the
    library knows now but the version was saved without would stay "?key" in the signed
    content, so it blocks too until a new version takes the reference in."""
    found = integrity(version.body, version.reference_list, library)
    frozen = {item["key"] for item in version.references}
    late = [
        f"@{key} is in the library now, but version {version.number} was saved without it: "
        "save a new version to include it"
        for key in keys_in_order(version.body)
        if key in library and key not in frozen
    ]
    return Integrity(problems=(*found.problems, *late), warnings=found.warnings)


def references_to_show(version, library):
    """The references the desk renders the version's markers with: those the version froze
    (what a signature covers) while they resolve the same keys the library resolves now;
    else the library's as they are now, so no marker shows "?key" for a reference that has
    since been added (or a number for one that is gone): the page then lists why the
    version cannot go further as it is."""
    current = [key for key in keys_in_order(version.body) if key in library]
    if [item["key"] for item in version.references] == current:
        return version.references
    return [snapshot(library[key]) for key in current]


def outdated(version, library):
    """Keys of cited references edited since the version was saved."""
    return [
        item["key"]
        for item in version.references
        if item["key"] in library and fingerprint(library[item["key"]]) != item["fingerprint"]
    ]
