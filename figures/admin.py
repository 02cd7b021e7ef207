from django.contrib import admin

from core.admin import ReadOnlyAdmin
from figures.models import Figure


@admin.register(Figure)
class FigureAdmin(ReadOnlyAdmin):
    """Read-only: figures change through the edit page (articles.figure_services), with an audit event."""

    list_display = ("key", "article", "alt", "sha256", "updated_at")
    search_fields = ("key", "alt", "sha256")
    list_select_related = ("article",)
