from django.contrib import admin

from core.admin import ReadOnlyAdmin
from references.models import Reference


@admin.register(Reference)
class ReferenceAdmin(ReadOnlyAdmin):
    """Read-only: edits go through references.services (duplicates, formatting, flags)."""

    list_display = ("key", "kind", "title", "year", "doi", "pmid", "retracted")
    list_filter = ("kind", "retracted")
    search_fields = ("key", "title", "doi", "pmid")
