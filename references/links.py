"""What the library needs from the apps that cite its references, handed over at start-up
(ArticlesConfig.ready) so that the library imports none of them: the audit trail its
changes are recorded in, and the articles that cite a reference.

Without a trail a change is refused rather than left out of the record."""

from django.core.exceptions import ImproperlyConfigured

_links = {}


def connect(*, record_trail_event, cited_by):
    """`record_trail_event(**event)` writes one event to the audit trail (in the caller's
    transaction); `cited_by(reference)` is a queryset of the articles citing it."""
    _links.update(record_trail_event=record_trail_event, cited_by=cited_by)


def _link(name):
    if name not in _links:
        raise ImproperlyConfigured("The reference library is not connected to the audit trail (references.links).")
    return _links[name]


def record_trail_event(**event):
    return _link("record_trail_event")(**event)


def cited_by(reference):
    return _link("cited_by")(reference)
