from django.db.models import Q, TextField
from django.db.models.functions import Cast

from references.models import Reference
from references.normalize import InvalidIdentifier, normalize_doi


def library(query=""):
    """The library, optionally searched by title, author, organisation, key, DOI or PMID."""
    references = Reference.objects.all().order_by("key")
    query = (query or "").strip()[:200]
    if not query:
        return references
    condition = Q(title__icontains=query) | Q(key__icontains=query) | Q(organisation__icontains=query)
    condition |= Q(authors_text__icontains=query) | Q(pmid=query.lower().removeprefix("pmid:").strip())
    try:
        condition |= Q(doi=normalize_doi(query))
    except InvalidIdentifier:
        pass
    return references.annotate(authors_text=Cast("authors", TextField())).filter(condition)
