"""The reports page and its CSV downloads. Thin: parse the filters, call the selectors."""

import csv
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.roles import roles_of
from articles.lifecycle import may_view_reports
from core.spreadsheets import inert
from core.web import desk_view
from reports import selectors
from reports.charts import bar_chart
from reports.filters import FilterError, parse_filters


def _report_view(view):
    @desk_view
    def wrapper(request, *args, **kwargs):
        if not may_view_reports(roles_of(request.user)):
            raise PermissionDenied("Only editors and publishers see the reports.")
        if connection.vendor != "postgresql":
            return render(request, "reports/index.html", {"unavailable": True}, status=503)
        topics, reviewers = selectors.filter_choices()
        form = {
            "from": request.GET.get("from", ""),
            "to": request.GET.get("to", ""),
            "topic": request.GET.get("topic", ""),
            "reviewer": request.GET.get("reviewer", ""),
        }
        context = {"topics": topics, "reviewers": reviewers, "form": form}
        try:
            filters = parse_filters(
                request.GET,
                today=timezone.now().date(),
                topics=set(topics),
                reviewer_ids={pk for pk, _name in reviewers},
            )
        except FilterError as error:
            return render(request, "reports/index.html", {**context, "error": str(error)}, status=400)
        return view(request, filters, context, *args, **kwargs)

    return wrapper


def _charts(data):
    spans = {}
    for row in data["cycle_month"]:
        spans.setdefault(row["span"], []).append(row)
    charts = {
        "states": bar_chart(
            "chart-states",
            "Articles by state",
            "Number of articles in each state.",
            data["states"],
            label="state",
            value="articles",
        ),
        "aging": bar_chart(
            "chart-aging",
            "Queue aging",
            "Median days each open item has waited in its state.",
            data["aging"],
            label="state",
            value="median_days",
            marker="p90_days",
            marker_label="The orange tick marks the 90th percentile.",
            unit="d",
        ),
        "cycle": [
            bar_chart(
                f"chart-cycle-{index}",
                f"{span}: median days per month",
                f"Median days from {span.lower()}, per month in which it ended.",
                rows,
                label="month",
                value="median_days",
                marker="p90_days",
                marker_label="The orange tick marks the 90th percentile.",
                unit="d",
            )
            for index, (span, rows) in enumerate(spans.items())
        ],
        "workload": bar_chart(
            "chart-workload",
            "Open assignments per reviewer",
            "Open review assignments of each board member.",
            data["workload"],
            label="reviewer",
            value="open_assignments",
        ),
        "signatures": bar_chart(
            "chart-signatures",
            "Signatures per month",
            "Approvals signed in each month.",
            data["signatures"],
            label="month",
            value="signatures",
        ),
    }
    return charts


@require_safe
@_report_view
def reports_page(request, filters, context):
    data = selectors.all_reports(filters, timezone.now())
    return render(
        request,
        "reports/index.html",
        {
            **context,
            "filters": filters,
            "data": data,
            "charts": _charts(data),
            "query": urlencode(filters.query()),
        },
    )


def _cell(value):
    """A cell as text; one a spreadsheet would run as a formula is prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = f"{value:.2f}"
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
    return inert(str(value))


@require_safe
@_report_view
def report_csv(request, filters, context, table):
    if table not in selectors.TABLES:
        raise Http404("No such report table.")
    rows = selectors.TABLES[table](filters, timezone.now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-{table}-{filters.start}-{filters.end}.csv"'
    if rows:
        writer = csv.writer(response)
        columns = [name for name in rows[0] if name != "total"]
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row[name]) for name in columns])
    return response
