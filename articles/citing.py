"""Resolving an article's citation markers against the reference library."""

from references.citations import check, keys_in_order
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


def outdated(version, library):
    """Keys of cited references edited since the version was saved."""
    return [
        item["key"]
        for item in version.references
        if item["key"] in library and fingerprint(library[item["key"]]) != item["fingerprint"]
    ]
