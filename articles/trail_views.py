"""The whole audit trail for publishers: a filter page with a count, and CSV and JSON
downloads streamed from the database a chunk at a time."""

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.roles import roles_of
from articles import selectors
from articles.forms import TrailFilterForm
from articles.lifecycle import may_export_audit
from articles.trail_export import TRAIL_COLUMNS, csv_lines, json_chunks, trail_row
from core.web import desk_view

# Rows fetched per round trip: memory stays flat however long the trail.
CHUNK = 2000


def _filtered(request):
    """(form, events) for the GET filter; events is None when the filter is not valid."""
    if not may_export_audit(roles_of(request.user)):
        raise PermissionDenied("Only publishers can see and export the whole audit trail.")
    form = TrailFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    start, end = form.bounds()
    return form, selectors.whole_trail(
        start=start, end=end, username=form.cleaned_data["person"], kind=form.cleaned_data["kind"]
    )


def _page(request, form, count=None, status=200):
    errors = [error for errors in form.errors.values() for error in errors]
    return render(
        request,
        "articles/audit_trail.html",
        {
            "form": form,
            "count": count,
            "errors": errors,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


@require_safe
@desk_view
def audit_trail(request):
    form, events = _filtered(request)
    if events is None:
        return _page(request, form, status=400)
    return _page(request, form, count=events.count())


@require_safe
@desk_view
def audit_trail_export(request, fmt):
    form, events = _filtered(request)
    if events is None:
        return _page(request, form, status=400)
    rows = (trail_row(event) for event in events.iterator(chunk_size=CHUNK))
    if fmt == "json":
        filters = {name: str(value or "") for name, value in form.cleaned_data.items()}
        response = StreamingHttpResponse(json_chunks(rows, {"filters": filters}), content_type="application/json")
    else:
        response = StreamingHttpResponse(csv_lines(rows, TRAIL_COLUMNS), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail.{fmt}"'
    return response
