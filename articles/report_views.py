"""The desk's queue of readers' error reports: oldest due first, each answered by an
editor (accept or decline with a reason). Reviewers have no part in it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_safe

from accounts.roles import roles_of
from articles import reader_reports
from articles.forms import AcceptReportForm, DeclineReportForm
from articles.lifecycle import may_create_articles, may_triage_reader_reports
from articles.models import ReaderReport
from core.errors import DomainError
from core.kept import kept_fields, refused, typed_back
from core.web import client_ip, desk_view, form_post


def _require_triage(request):
    if not may_triage_reader_reports(roles_of(request.user)):
        raise PermissionDenied("Only editors and publishers answer readers' reports.")


@require_safe
@desk_view
def report_queue(request):
    _require_triage(request)
    reports = ReaderReport.objects.select_related("version", "decided_by__profile")
    waiting = list(reports.filter(state=ReaderReport.OPEN).order_by("due_at", "id")[:200])
    answered = list(reports.exclude(state=ReaderReport.OPEN).order_by("-decided_at", "-id")[:50])
    return render(
        request,
        "articles/reader_reports.html",
        {"waiting": waiting, "answered": answered, "now": timezone.now()},
    )


FORMS = {"accept": ("accept_form", AcceptReportForm), "decline": ("decline_form", DeclineReportForm)}


def _report_page(request, report, accept_form=None, decline_form=None):
    return render(
        request,
        "articles/reader_report.html",
        {
            "report": report,
            "now": timezone.now(),
            "accept_form": accept_form or AcceptReportForm(),
            "decline_form": decline_form or DeclineReportForm(),
        },
    )


def _typed_forms(request):
    """The decision form a refusal sent back here, bound to what was typed (its errors shown)."""
    typed = typed_back(request)
    if typed.get("decision") not in FORMS:
        return {}
    name, form_class = FORMS[typed["decision"]]
    return {name: form_class(MultiValueDict(typed["fields"]))}


@require_safe
@desk_view
def report_detail(request, report_id):
    _require_triage(request)
    report = get_object_or_404(
        ReaderReport.objects.select_related("article", "version", "correction", "decided_by__profile"), pk=report_id
    )
    return _report_page(request, report, **_typed_forms(request))


def _refuse(request, report, decision, reason):
    """Back to the report's page (Post/Redirect/Get) with the reason and the form as typed."""
    page = reverse("articles:reader_report", args=[report.pk])
    return refused(request, page, reason, {"decision": decision, "fields": kept_fields(request.POST)})


@form_post("articles:reader_report", "report_id")
@desk_view
def report_decide(request, report_id, decision):
    """Accept (the next version saved is the correction) or decline with a reason."""
    _require_triage(request)
    report = get_object_or_404(ReaderReport.objects.select_related("article", "version"), pk=report_id)
    form = FORMS[decision][1](request.POST)
    if not form.is_valid():
        return _refuse(request, report, decision, "Please correct the field marked below.")
    try:
        if decision == "accept":
            reader_reports.report_accept(
                actor=request.user, report_id=report.pk, note=form.cleaned_data["note"], ip=client_ip(request)
            )
        else:
            reader_reports.report_decline(
                actor=request.user, report_id=report.pk, reason=form.cleaned_data["reason"], ip=client_ip(request)
            )
    except DomainError as error:
        return _refuse(request, report, decision, error.message)
    if decision == "accept":
        if not may_create_articles(roles_of(request.user)):
            # A publisher accepts; the editors write the correction (the form is theirs).
            messages.success(
                request,
                "Report accepted. An editor saves the corrected text: that version is linked to the report"
                " and is reviewed as usual.",
            )
            return redirect("articles:article", report.article_id)
        messages.success(
            request,
            "Report accepted. Save the corrected text: that version is linked to the report and is reviewed as usual.",
        )
        return redirect("articles:edit", report.article_id)
    messages.success(request, "Report declined; the reader is told why if they left an address.")
    return redirect("articles:reader_reports")
