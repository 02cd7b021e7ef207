"""The reference library pages: thin views over references.services and selectors."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from accounts.roles import roles_of
from core.errors import TransitionNotAllowed
from core.roles import may_clear_retraction, may_manage_library
from core.web import client_ip, declared_length, desk_view, form_post
from references import exporting, importing, jobs, links, lookup, selectors, services
from references.formatting import entries
from references.forms import ClearRetractionForm, ImportForm, MarkRetractedForm, ReferenceForm
from references.models import ImportJob, Reference
from references.parsing import MAX_BYTES, FileRejected
from references.retractions import Checked, check_reference


def _may_manage(user):
    return may_manage_library(roles_of(user))


@require_safe
@desk_view
def library(request):
    query = request.GET.get("q", "")
    page = Paginator(selectors.library(query), 50).get_page(request.GET.get("page"))
    return render(
        request, "references/library.html", {"page": page, "query": query, "may_manage": _may_manage(request.user)}
    )


def _detail_page(request, reference, *, clear_form=None, mark_form=None, error=None, status=200):
    return render(
        request,
        "references/detail.html",
        {
            "reference": reference,
            "cited_by": links.cited_by(reference),
            "may_manage": _may_manage(request.user),
            "may_clear_retraction": may_clear_retraction(roles_of(request.user)),
            "clear_form": clear_form or ClearRetractionForm(initial={"updated_at": reference.updated_at.isoformat()}),
            "mark_form": mark_form or MarkRetractedForm(),
            "formatted": entries(reference).get(settings.CITATION_STYLE, ""),
            "error": error,
        },
        status=status,
    )


@require_safe
@desk_view
def detail(request, reference_id):
    return _detail_page(request, get_object_or_404(Reference, pk=reference_id))


@form_post("references:detail", "reference_id")
@desk_view
def clear_retraction(request, reference_id):
    """A publisher clears a retraction flag, with a reason; the watch asks again at once."""
    reference = get_object_or_404(Reference, pk=reference_id)
    form = ClearRetractionForm(request.POST)
    if not may_clear_retraction(roles_of(request.user)):
        return _detail_page(
            request, reference, clear_form=form, status=403, error="Only a publisher can clear a retraction flag."
        )
    if not form.is_valid():
        return _detail_page(
            request, reference, clear_form=form, status=400, error="Give a reason for clearing the retraction flag."
        )
    try:
        services.reference_clear_retraction(
            actor=request.user,
            reference_id=reference.pk,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
            expected_updated_at=form.cleaned_data["updated_at"] or None,
        )
    except TransitionNotAllowed as refusal:
        # Show the reference as it is now, keeping the typed reason for a second try.
        reference.refresh_from_db()
        again = ClearRetractionForm(
            initial={"reason": form.cleaned_data["reason"], "updated_at": reference.updated_at.isoformat()}
        )
        return _detail_page(request, reference, clear_form=again, error=refusal.message, status=409)
    messages.success(request, "Retraction flag cleared. The source is being checked again.")
    return redirect(reference)


@form_post("references:detail", "reference_id")
@desk_view
def mark_retracted(request, reference_id):
    """A librarian marks a reference retracted by hand, naming the notice."""
    reference = get_object_or_404(Reference, pk=reference_id)
    form = MarkRetractedForm(request.POST)
    if not _may_manage(request.user):
        return _detail_page(
            request,
            reference,
            mark_form=form,
            status=403,
            error="Only editors and publishers manage the reference library.",
        )
    if not form.is_valid():
        return _detail_page(
            request,
            reference,
            mark_form=form,
            status=400,
            error="Say where the retraction was published (a notice, DOI or link).",
        )
    try:
        flagged = services.reference_mark_retracted(
            reference_id=reference.pk, notice=form.cleaned_data["notice"], actor=request.user, ip=client_ip(request)
        )
    except TransitionNotAllowed as refusal:
        return _detail_page(request, reference, mark_form=form, error=refusal.message, status=403)
    messages.success(request, f"Marked retracted; {len(flagged)} article(s) flagged.")
    return redirect(reference)


def _form_page(request, form, reference=None, error=None, duplicate=None, status=200, **extra):
    return render(
        request,
        "references/form.html",
        {"form": form, "reference": reference, "error": error, "duplicate": duplicate, **extra},
        status=status,
    )


def _require_manager(request):
    if not _may_manage(request.user):
        raise PermissionDenied("Only editors and publishers manage the reference library.")


@desk_view
def create(request):
    _require_manager(request)
    if request.method != "POST":
        return _form_page(request, ReferenceForm())
    form = ReferenceForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    try:
        reference = services.reference_create(
            actor=request.user, fields=form.reference_fields(), key=form.cleaned_data["key"], ip=client_ip(request)
        )
    except services.DuplicateReference as duplicate:
        return _form_page(request, form, error=duplicate.message, duplicate=duplicate.existing, status=409)
    messages.success(request, f"Added as @{reference.key}.")
    return redirect(reference)


def _saved_message(flagged):
    """What an edit did to the articles citing the reference, as many as there are."""
    if flagged is None:
        return "Reference saved."
    if not flagged:
        return "Reference saved. No article's working version cites it, so none was flagged."
    if len(flagged) == 1:
        return "Reference saved. The article citing it is flagged for an update."
    return f"Reference saved. The {len(flagged)} articles citing it are flagged for an update."


@desk_view
def edit(request, reference_id):
    _require_manager(request)
    reference = get_object_or_404(Reference, pk=reference_id)
    if request.method != "POST":
        return _form_page(request, ReferenceForm(initial=ReferenceForm.initial_for(reference)), reference)
    form = ReferenceForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, reference, status=400)
    try:
        _, flagged = services.reference_update(
            actor=request.user,
            reference_id=reference.pk,
            fields=form.reference_fields(),
            key=form.cleaned_data["key"] or reference.key,
            expected_updated_at=form.cleaned_data["updated_at"] or None,
            ip=client_ip(request),
        )
    except services.DuplicateReference as duplicate:
        return _form_page(request, form, reference, error=duplicate.message, duplicate=duplicate.existing, status=409)
    except TransitionNotAllowed as refusal:
        return _form_page(request, form, reference, error=refusal.message, status=409)
    messages.success(request, _saved_message(flagged))
    return redirect(reference)


RETRACTED_AT_SOURCE = (
    "PubMed lists this as a retracted publication. Once it is saved, mark it retracted from its page"
    " (with the notice) so that no article cites it unawares."
)


def _lookup_page(request, typed, error=None, duplicate=None, status=200):
    return render(
        request,
        "references/lookup.html",
        {"identifier": typed, "error": error, "duplicate": duplicate},
        status=status,
    )


@require_safe
@desk_view
def lookup_identifier(request):
    """Look a DOI or PubMed ID up and show the filled form to confirm (it posts to
    `create`); a reference already stored is named instead. A GET: a lookup changes
    nothing, and a rejected import record links here with its identifier."""
    _require_manager(request)
    typed = request.GET.get("identifier", "")[:500]
    if not typed.strip():
        return _lookup_page(request, typed)
    try:
        found = lookup.find_by_identifier(typed)
    except lookup.LookupFailed as failure:
        return _lookup_page(request, typed, error=failure.message, status=failure.status)
    if found.existing:
        message = f"This reference is already in the library as @{found.existing.key} ({found.why})."
        return _lookup_page(request, typed, error=message, duplicate=found.existing, status=409)
    return _form_page(
        request,
        ReferenceForm(initial=ReferenceForm.initial_from(found.fields)),
        action=reverse("references:create"),
        filled_from=f"{found.identifier.service} ({found.identifier.label} {found.identifier.value})",
        retracted=RETRACTED_AT_SOURCE if found.fields.get("retracted") else "",
    )


def _import_page(request, form, error=None, status=200):
    return render(request, "references/import.html", {"form": form, "error": error}, status=status)


# The file and the form around it (boundaries, the token, the format choice).
MAX_IMPORT_REQUEST = MAX_BYTES + 64 * 1024


def _too_large(request):
    """A 413 page when the request says it is larger than an import may be, answered
    before its body is read (a 30 MB upload is not received to be refused)."""
    length = declared_length(request)
    if length <= MAX_IMPORT_REQUEST:
        return None
    error = (
        f"The upload is {length / (1024 * 1024):.1f} MB; a file of at most {MAX_BYTES // (1024 * 1024)} MB"
        " can be imported. Split it into smaller files."
    )
    response = _import_page(request, ImportForm(), error=error, status=413)
    response["Connection"] = "close"  # the unread body is not to be taken as the next request
    return response


@csrf_exempt  # the size is checked before the CSRF check reads the body; _import_file checks CSRF
@desk_view
def import_file(request):
    """Upload a file: its preview runs as a job, whose page shows the progress and then the report."""
    _require_manager(request)
    if request.method == "POST":
        refused = _too_large(request)
        if refused:
            return refused
    return _import_file(request)


@csrf_protect
def _import_file(request):
    if request.method != "POST":
        return _import_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        job = jobs.import_job_start_preview(
            actor=request.user,
            data=upload.read(MAX_BYTES + 1),
            fmt=form.cleaned_data["format"] or None,
            filename=upload.name,
        )
    except FileRejected as rejected:
        return _import_page(request, form, error=rejected.message, status=400)
    return redirect(job)


def _job_page(request, job, *, report=None, error=None, status=200):
    finished = job.state not in ImportJob.ACTIVE
    return render(
        request,
        "references/import_job.html",
        {
            "job": job,
            "running": not finished,
            "report": report or job.report,
            "percent": job_percent(job),
            "error": error,
            "form": ImportForm() if finished else None,
        },
        status=status,
    )


def job_percent(job):
    return int(100 * job.processed / job.total) if job.total else 0


@require_safe
@desk_view
def import_job(request, token):
    """A job's page: progress while it runs (refreshed by a small script, or by the page
    itself without one), then the preview with its confirm button, or the import's report."""
    _require_manager(request)
    return _job_page(request, jobs.import_job_for(request.user, token))


@require_safe
@desk_view
def import_job_status(request, token):
    """What the job page's script polls: the state and the counts, as JSON."""
    _require_manager(request)
    job = jobs.import_job_for(request.user, token)
    return JsonResponse(
        {
            "state": job.state,
            "label": job.get_state_display(),
            "stage": job.stage,
            "processed": job.processed,
            "total": job.total,
            "percent": job_percent(job),
            "finished": job.state not in ImportJob.ACTIVE,
        }
    )


def _typed_keys(post):
    """{record number: key} from the preview's key fields (named key-<number>)."""
    return {
        int(name.removeprefix("key-")): value[:200]
        for name, value in post.items()
        if name.startswith("key-") and name.removeprefix("key-").isdigit()
    }


@form_post("references:import_job", "token")
@desk_view
def import_job_confirm(request, token):
    """Start importing what a finished preview showed, with the keys typed on it."""
    _require_manager(request)
    preview = jobs.import_job_for(request.user, token)
    try:
        job = jobs.import_job_confirm(
            actor=request.user, token=token, keys=_typed_keys(request.POST), ip=client_ip(request)
        )
    except jobs.UploadGone as gone:
        return _job_page(request, preview, error=gone.message, status=410)
    except importing.KeysRefused as refusal:
        # The preview again, with the keys as typed, for a second try; the upload is kept.
        error = f"{refusal.message} Nothing was stored."
        return _job_page(request, preview, report=refusal.report, error=error, status=409)
    return redirect(job)


@form_post("references:import_job", "token")
@desk_view
def import_job_cancel(request, token):
    _require_manager(request)
    try:
        job = jobs.import_job_cancel(actor=request.user, token=token)
    except jobs.NotRunning as finished:
        job = jobs.import_job_for(request.user, token)
        return _job_page(request, job, error=finished.message, status=409)
    messages.info(request, "Cancelled. Nothing from the file was stored.")
    return redirect(job)


# The citation picker of the article editor asks as the editor types: a short list is
# what a person reads, and each answer stays one query whatever the library's size.
PICKER_LIMIT = 10


def _author_line(reference):
    """The first three family names ("et al." after them), or the organisation."""
    names = [author.get("family") or author.get("literal", "") for author in reference.authors]
    names = [name for name in names if name]
    if not names:
        return reference.organisation
    return ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")


@require_safe
@never_cache
def citation_search(request):
    """The references matching what an editor typed in the citation picker, as JSON: each
    one's key, authors, year, title and whether it is retracted; at most PICKER_LIMIT, and
    `more` when others match too. For people who cite (editors and publishers) only."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Sign in to search the library."}, status=401)
    if not _may_manage(request.user):
        return JsonResponse({"error": "Only editors and publishers cite references."}, status=403)
    found = selectors.citation_candidates(request.GET.get("q", ""), PICKER_LIMIT)
    results = [
        {
            "key": reference.key,
            "authors": _author_line(reference),
            "year": reference.year,
            "title": reference.title,
            "retracted": reference.retracted,
        }
        for reference in found[:PICKER_LIMIT]
    ]
    return JsonResponse({"results": results, "more": len(found) > PICKER_LIMIT})


@require_safe
@desk_view
def export_library(request, fmt):
    return exporting.download(list(Reference.objects.order_by("key")), fmt, "library")


@form_post("references:detail", "reference_id")
@desk_view
def check_retraction(request, reference_id):
    """Ask Crossref and PubMed now about one reference (the schedule asks about all of them)."""
    _require_manager(request)
    reference = get_object_or_404(Reference, pk=reference_id)
    messages.info(request, _check_sentence(check_reference(reference, actor=request.user)))
    return redirect(reference)


def _check_sentence(outcome):
    key = f"@{outcome.key}"
    match outcome.result:
        case Checked.NO_DOI:
            return f"{key} has no DOI or PubMed ID, so it cannot be checked."
        case Checked.UNAVAILABLE:
            return f"{key} was not checked: {outcome.detail.rstrip('.')}."
        case Checked.CLEAR:
            return f"{key}: no retraction or other notice found."
        case Checked.NOTICE:
            return f"{key}: {outcome.detail} recorded; readers see it beside the reference."
        case Checked.RETRACTED:
            return f"{key} is retracted ({outcome.detail}); {outcome.flagged} article(s) flagged for re-review."
