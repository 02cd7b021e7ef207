from django.db.models import Case, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Cast

from references.models import Reference
from references.normalize import InvalidIdentifier, normalize_doi


def _searchable(query):
    """What was typed, as PostgreSQL can search for it: a NUL byte is no character it stores."""
    return (query or "").replace("\x00", "").strip()[:200]


def library(query=""):
    """The library, optionally searched by title, author, organisation, key, DOI or PMID."""
    references = Reference.objects.all().order_by("key")
    query = _searchable(query)
    if not query:
        return references
    condition = Q(title__icontains=query) | Q(key__icontains=query) | Q(organisation__icontains=query)
    condition |= Q(authors_text__icontains=query) | Q(pmid=query.lower().removeprefix("pmid:").strip())
    try:
        condition |= Q(doi=normalize_doi(query))
    except InvalidIdentifier:
        pass
    return references.annotate(authors_text=Cast("authors", TextField())).filter(condition)


def citation_candidates(query, limit):
    """At most `limit` + 1 references for the citation picker (the extra one only says
    that more match): those whose key starts with what was typed first, then the other
    matches of `library`, each group by key. One query, whatever the library's size."""
    typed = _searchable(query)
    matches = library(typed)
    if typed:
        matches = matches.annotate(
            key_first=Case(When(key__istartswith=typed, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("key_first", "key")
    fields = ("key", "title", "authors", "organisation", "year", "retracted")
    return list(matches.only(*fields)[: limit + 1])
