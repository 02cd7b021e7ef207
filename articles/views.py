"""Staff pages of the editorial desk. Thin: parse the input, call one service,
turn a refusal into a 4xx page that says why and keeps what the user typed."""

import json
from datetime import datetime, time
from datetime import timezone as dt_timezone

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_date
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from accounts import two_factor
from accounts.roles import PUBLISHER, REVIEWER, roles_of
from articles import citing, figure_views, figuring, selectors, services
from articles.diff import compare_versions
from articles.forms import (
    SCHEDULE_ZONE_NAME,
    ArticleContentForm,
    DeskFilterForm,
    NewArticleForm,
    PolicyForm,
    PublishScheduleForm,
    SitePageForm,
    UnpublishScheduleForm,
)
from articles.integrity import verify_version_content
from articles.lifecycle import (
    Action,
    Policy,
    State,
    TransitionNotAllowed,
    available_actions,
    may_create_articles,
    may_edit_site_pages,
    may_export_audit,
    may_set_review_policy,
    page_refusal,
    thread_actions,
)
from articles.models import Article, ArticleVersion, ReviewComment, Signature, SitePage
from articles.rendering import render_markdown, render_reference_list
from articles.services import StaleVersion
from articles.trail_export import AUDIT_COLUMNS, csv_lines, event_row
from core.kept import kept_fields, refused, typed_back
from core.web import client_ip, declared_length, desk_view, form_post
from figures import markup as figure_markup
from figures.services import figures_of
from references import exporting
from references.models import Reference


def _article_or_404(article_id):
    try:
        return selectors.article_for_desk(article_id)
    except Article.DoesNotExist:
        raise Http404("No such article") from None


def _refused_status(error):
    if isinstance(error, (two_factor.MalformedCode, services.ForeignImages)):
        return 400
    return 409 if isinstance(error, StaleVersion) else 403


# ---------------------------------------------------------------- lists


def _other_parameters(request):
    """The query string without the page number, for the pager's links."""
    kept = request.GET.copy()
    kept.pop("page", None)
    return kept.urlencode()


@require_safe
@desk_view
def desk_list(request):
    """Every article, searched, filtered and sorted as the form says; publishers also see
    how many need their attention. A filter that cannot be used is a 400 that says why."""
    now = timezone.now()
    roles = roles_of(request.user)
    form = DeskFilterForm(request.GET, topics=selectors.desk_topics(), members=selectors.board_members())
    valid = form.is_valid()
    articles = selectors.desk_list(now=now, **form.filters()) if valid else Article.objects.none()
    context = {
        "form": form,
        "page": selectors.desk_page(articles, request.GET.get("page")),
        "page_query": _other_parameters(request),
        "filtered": valid and any(value for name, value in form.cleaned_data.items() if name != "sort"),
        "now": now,
        "may_create": may_create_articles(roles),
        "attention_counts": selectors.desk_attention_counts(now) if PUBLISHER in roles else None,
    }
    return render(request, "articles/desk_list.html", context, status=200 if valid else 400)


@require_safe
@desk_view
def review_queue(request):
    mine, waiting = request.GET.get("mine") == "1", request.GET.get("waiting") == "1"
    if waiting:
        articles = selectors.waiting_for(request.user)
    else:
        articles = selectors.review_queue(reviewer=request.user if mine else None)
    page = Paginator(articles, 50).get_page(request.GET.get("page"))
    return render(
        request, "articles/review_queue.html", {"page": page, "mine": mine, "waiting": waiting, "now": timezone.now()}
    )


@require_safe
@desk_view
def publish_queue(request):
    page = Paginator(selectors.publish_queue(), 50).get_page(request.GET.get("page"))
    return render(request, "articles/publish_queue.html", {"page": page})


# ---------------------------------------------------------------- the article page


def _threads(rounds, situation, viewer, headings):
    """Every review thread of the article: open requests for changes first, then open
    comments, newest round first, then the resolved ones; each with its round, the anchor
    of its section in the body and the thread actions the viewer may take."""
    anchors = {text: anchor for _, text, anchor in headings}
    found = []
    for review_round in rounds:
        for thread in review_round.threads:
            thread.round_number = review_round.number
            thread.anchor = anchors.get(thread.section)
            thread.actions = thread_actions(situation, resolved=thread.is_resolved, wrote=thread.author_id == viewer.pk)
            found.append(thread)
    found.sort(key=lambda t: (t.is_resolved, not t.requests_changes, -t.round_number, t.created_at, t.pk))
    return found


def _article_page(request, article, *, values=None, policy_form=None):
    version = article.working_version
    library = citing.library_for(version.body, version.reference_list)
    # Markers are numbered against the library as it is now (see citing.references_to_show).
    shown_references = citing.references_to_show(version, library)
    body_html, headings = render_markdown(version.body, shown_references, figures=version.figures)
    figures = figures_of(article.pk)
    fast_track_request = services.pending_fast_track(article)
    situation = services.situation_for_viewer(article, request.user, library, fast_track_request)
    citation_check = citing.version_integrity(version, library)
    threads = _threads(article.all_rounds, situation, request.user, headings)
    baseline, baseline_reason = selectors.review_baseline(article)
    comparison = compare_versions(baseline, version) if baseline else None
    actions = {action.value for action in available_actions(situation)}
    roles = roles_of(request.user)
    signs = Action.APPROVE in actions or Action.JOIN in actions
    context = {
        "article": article,
        "version": version,
        "body_html": body_html,
        "headings": headings,
        "references_html": render_reference_list(shown_references, settings.CITATION_STYLE),
        "citation_check": citation_check,
        "threads": threads,
        "open_threads": [thread for thread in threads if not thread.is_resolved],
        "resolved_threads": [thread for thread in threads if thread.is_resolved],
        "outdated_references": citing.outdated(version, library),
        "figure_problems": figuring.problems(version),
        "outdated_figures": figuring.outdated(version, figures),
        "figures_to_freeze": figuring.missing(version, figures),
        "actions": actions,
        "situation": situation,
        "rounds": article.all_rounds,
        "signatures": [s for r in article.all_rounds for s in r.signatures.all() if s.version_id == version.pk],
        "baseline": baseline,
        "baseline_reason": baseline_reason,
        "comparison": comparison,
        "reviewers": selectors.board_members() if Action.ASSIGN in actions else [],
        "may_set_policy": may_set_review_policy(roles),
        "signing_code_needed": two_factor.code_needed(request.user),
        "policy_form": policy_form
        or PolicyForm(
            initial={
                "review_policy": article.review_policy,
                "approvals_required": article.approvals_required,
                "rereview_months": article.rereview_months,
                "required_specialty": article.required_specialty_id,
                "conflicts_forbidden": article.conflicts_forbidden,
            }
        ),
        "fast_track_request": fast_track_request,
        "signing_blocker": services.approval_blocker(article, request.user) if signs else None,
        "join_refusal": _join_refusal(article, situation, roles),
        "integrity_problem": verify_version_content(version),
        "values": values or {},
        "may_export_audit": may_export_audit(roles),
        "schedules": services.pending_schedules(article),
        "schedule_zone": SCHEDULE_ZONE_NAME,
    }
    return render(request, "articles/article.html", context)


def _join_refusal(article, situation, roles):
    """Why a board member who is not on the review cannot join it, said on the page
    rather than leaving them with a comment box alone; None when it does not apply."""
    if REVIEWER not in roles or article.state != State.UNDER_REVIEW or situation.actor_on_round:
        return None
    return page_refusal(Action.JOIN, situation)


@require_safe
@desk_view
def article_page(request, article_id):
    typed = typed_back(request)  # what a refused form on this page held
    policy = typed.pop("policy", None)
    return _article_page(
        request,
        _article_or_404(article_id),
        values=typed,
        policy_form=PolicyForm(MultiValueDict(policy)) if policy else None,
    )


def _refuse(request, article_id, reason, values=None, policy=None):
    """Back to the article page (Post/Redirect/Get): the reason as a message, and what
    the user typed put back into the form (never a password or a code)."""
    typed = {**(values or {}), **({"policy": policy} if policy else {})}
    return refused(request, reverse("articles:article", args=[article_id]), reason, typed)


def _act(request, article_id, call, success, *, values=None, policy=None):
    """Run one service and go back to the article page: with `success` as a message,
    or, refused, with the reason and what the user typed."""
    get_object_or_404(Article.objects.only("pk"), pk=article_id)
    try:
        call()
    except (TransitionNotAllowed, StaleVersion, two_factor.MalformedCode) as refusal:
        return _refuse(request, article_id, refusal.message, values, policy)
    messages.success(request, success)
    return redirect("articles:article", article_id)


def _posted_id(request, name):
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return None


@form_post("articles:article", "article_id")
@desk_view
def submit(request, article_id):
    return _act(
        request,
        article_id,
        lambda: services.article_submit(
            article_id=article_id,
            actor=request.user,
            expected_version_id=_posted_id(request, "version_id"),
            ip=client_ip(request),
        ),
        "Submitted for medical review.",
    )


@form_post("articles:article", "article_id")
@desk_view
def claim(request, article_id):
    return _act(
        request,
        article_id,
        lambda: services.article_claim(
            article_id=article_id,
            actor=request.user,
            ip=client_ip(request),
        ),
        "You are reviewing this article.",
    )


@form_post("articles:article", "article_id")
@desk_view
def join(request, article_id):
    return _act(
        request,
        article_id,
        lambda: services.article_join(article_id=article_id, actor=request.user, ip=client_ip(request)),
        "You joined this review: you can sign once you have read it.",
    )


def _due_date(raw):
    """A due date from a form (a date, end of that day UTC) or None; ValueError when malformed."""
    if not raw:
        return None
    day = parse_date(raw)
    if day is None:
        raise ValueError
    return datetime.combine(day, time(23, 59), tzinfo=dt_timezone.utc)


@form_post("articles:article", "article_id")
@desk_view
def assign(request, article_id):
    values = {"reviewer_id": request.POST.get("reviewer_id", ""), "due": request.POST.get("due", "")}
    try:
        due_at = _due_date(values["due"])
    except ValueError:
        return _refuse(request, article_id, "The due date is not a date (use YYYY-MM-DD).", values)
    return _act(
        request,
        article_id,
        lambda: services.article_assign(
            article_id=article_id,
            actor=request.user,
            reviewer_id=_posted_id(request, "reviewer_id"),
            due_at=due_at,
            ip=client_ip(request),
        ),
        "Reviewer assigned.",
        values=values,
    )


@form_post("articles:article", "article_id")
@desk_view
def comment(request, article_id):
    values = {"comment": request.POST.get("body", ""), "section": request.POST.get("section", "")}
    return _act(
        request,
        article_id,
        lambda: services.article_comment(
            article_id=article_id,
            actor=request.user,
            body=values["comment"],
            section=values["section"],
            ip=client_ip(request),
        ),
        "Comment added.",
        values=values,
    )


def _thread_or_404(request, article_id):
    """The id of one of the article's review threads, from the form; 404 when it is none."""
    thread_id = _posted_id(request, "thread_id")
    if not ReviewComment.objects.filter(pk=thread_id, review_round__article_id=article_id, thread=None).exists():
        raise Http404("No such review thread")
    return thread_id


@form_post("articles:article", "article_id")
@desk_view
def reply(request, article_id):
    thread_id = _thread_or_404(request, article_id)
    values = {"reply_thread": thread_id, "reply": request.POST.get("body", "")}
    return _act(
        request,
        article_id,
        lambda: services.article_reply(
            article_id=article_id, actor=request.user, thread_id=thread_id, body=values["reply"], ip=client_ip(request)
        ),
        "Answer added.",
        values=values,
    )


@form_post("articles:article", "article_id")
@desk_view
def mark_thread(request, article_id, change):
    """Resolve or reopen a review thread (`change` comes from the address)."""
    thread_id = _thread_or_404(request, article_id)
    service = services.article_resolve_thread if change == "resolve" else services.article_reopen_thread
    return _act(
        request,
        article_id,
        lambda: service(article_id=article_id, actor=request.user, thread_id=thread_id, ip=client_ip(request)),
        "Thread resolved." if change == "resolve" else "Thread reopened.",
    )


@form_post("articles:article", "article_id")
@desk_view
def request_changes(request, article_id):
    values = {"changes": request.POST.get("body", ""), "changes_section": request.POST.get("section", "")}
    return _act(
        request,
        article_id,
        lambda: services.article_request_changes(
            article_id=article_id,
            actor=request.user,
            body=values["changes"],
            section=values["changes_section"],
            expected_version_id=_posted_id(request, "version_id"),
            ip=client_ip(request),
        ),
        "Changes requested; the editors have been sent the article back.",
        values=values,
    )


@form_post("articles:article", "article_id")
@desk_view
def approve(request, article_id):
    typed = request.POST.get("literature_through", "").strip()
    values = {
        "literature_through": typed,
        **{name: request.POST.get(name, "") for name in ("conflict", "conflict_interests", "approval_comment")},
    }
    try:
        through = datetime.strptime(typed, "%Y-%m").date() if typed else None
    except ValueError:
        error = "Give the month the literature was reviewed through as year and month, e.g. 2026-03."
        return _refuse(request, article_id, error, values)
    return _act(
        request,
        article_id,
        lambda: services.article_approve(
            article_id=article_id,
            actor=request.user,
            password=request.POST.get("password", ""),
            code=request.POST.get("code", ""),
            expected_hash=request.POST.get("content_hash", ""),
            literature_through=through,
            conflict=values["conflict"],
            conflict_interests=values["conflict_interests"],
            comment=values["approval_comment"],
            ip=client_ip(request),
        ),
        "Your approval is signed.",
        values=values,
    )


@form_post("articles:article", "article_id")
@desk_view
def publish(request, article_id):
    public_note = request.POST.get("public_note")  # None: the note kept on the version
    return _act(
        request,
        article_id,
        lambda: services.article_publish(
            article_id=article_id,
            actor=request.user,
            expected_version_id=_posted_id(request, "version_id"),
            public_note=public_note,
            ip=client_ip(request),
        ),
        "Published.",
        values={"public_note": public_note or ""},
    )


def _form_errors(form):
    return " ".join(error for errors in form.errors.values() for error in errors)


@form_post("articles:article", "article_id")
@desk_view
def schedule(request, article_id):
    values = {"publish_at": request.POST.get("publish_at", ""), "public_note": request.POST.get("public_note", "")}
    form = PublishScheduleForm(request.POST)
    if not form.is_valid():
        return _refuse(request, article_id, _form_errors(form), values)
    return _act(
        request,
        article_id,
        lambda: services.article_schedule(
            article_id=article_id,
            actor=request.user,
            expected_version_id=form.cleaned_data["version_id"],
            publish_at=form.cleaned_data["publish_at"],
            public_note=request.POST.get("public_note"),
            ip=client_ip(request),
        ),
        "Publication scheduled.",
        values=values,
    )


@form_post("articles:article", "article_id")
@desk_view
def schedule_unpublish(request, article_id):
    values = {"unpublish_at": request.POST.get("unpublish_at", ""), "unpublish_reason": request.POST.get("reason", "")}
    form = UnpublishScheduleForm(request.POST)
    if not form.is_valid():
        return _refuse(request, article_id, _form_errors(form), values)
    return _act(
        request,
        article_id,
        lambda: services.article_schedule_unpublish(
            article_id=article_id,
            actor=request.user,
            unpublish_at=form.cleaned_data["unpublish_at"],
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        ),
        "Unpublication scheduled.",
        values=values,
    )


@form_post("articles:article", "article_id")
@desk_view
def cancel_schedule(request, article_id):
    return _act(
        request,
        article_id,
        lambda: services.article_cancel_schedule(
            article_id=article_id,
            actor=request.user,
            schedule_id=_posted_id(request, "schedule_id"),
            ip=client_ip(request),
        ),
        "Schedule cancelled.",
    )


@form_post("articles:article", "article_id")
@desk_view
def unpublish(request, article_id):
    values = {"reason": request.POST.get("reason", "")}
    return _act(
        request,
        article_id,
        lambda: services.article_unpublish(
            article_id=article_id,
            actor=request.user,
            reason=values["reason"],
            ip=client_ip(request),
        ),
        "Unpublished.",
        values=values,
    )


@form_post("articles:article", "article_id")
@desk_view
def set_policy(request, article_id):
    form, typed = PolicyForm(request.POST), kept_fields(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[name].label or name}: {' '.join(errs)}" for name, errs in form.errors.items())
        return _refuse(request, article_id, errors, policy=typed)
    if form.cleaned_data["review_policy"] == Policy.AFTER and not form.cleaned_data["reason"].strip():
        article = _article_or_404(article_id)
        if article.review_policy != Policy.AFTER:
            return _refuse(request, article_id, "Give a reason for asking for review after publication.", policy=typed)
    return _act(
        request,
        article_id,
        lambda: services.article_set_policy(
            article_id=article_id,
            actor=request.user,
            ip=client_ip(request),
            **form.cleaned_data,
        ),
        "Review policy saved.",
        policy=typed,
    )


@form_post("articles:article", "article_id")
@desk_view
def confirm_fast_track(request, article_id):
    return _act(
        request,
        article_id,
        lambda: services.article_confirm_fast_track(
            article_id=article_id,
            actor=request.user,
            request_id=_posted_id(request, "request_id"),
            password=request.POST.get("password", ""),
            code=request.POST.get("code", ""),
            ip=client_ip(request),
        ),
        "Confirmed: this article is now reviewed after publication.",
    )


@form_post("articles:article", "article_id")
@desk_view
def withdraw_fast_track(request, article_id):
    return _act(
        request,
        article_id,
        lambda: services.article_withdraw_fast_track(
            article_id=article_id,
            actor=request.user,
            request_id=_posted_id(request, "request_id"),
            ip=client_ip(request),
        ),
        "Request withdrawn.",
    )


@form_post("articles:article", "article_id")
@desk_view
def decline_fast_track(request, article_id):
    values = {"decline_note": request.POST.get("note", "")}
    return _act(
        request,
        article_id,
        lambda: services.article_decline_fast_track(
            article_id=article_id,
            actor=request.user,
            request_id=_posted_id(request, "request_id"),
            note=values["decline_note"],
            ip=client_ip(request),
        ),
        "Request declined.",
        values=values,
    )


# ---------------------------------------------------------------- editing

# The tag of the message after a successful save: the browser then forgets the text it
# kept while the form was being written (static/js/keep-drafts.js).
DRAFT_SAVED = "draft-saved"


def _opened_on(form, article):
    """The number of the version the form was opened on (its autosaved text names it)."""
    if article is None:
        return None
    base = str(form["base_version_id"].value() or "")
    if base == str(article.working_version_id):
        return article.working_version.number
    if not base.isdigit():
        return None
    return ArticleVersion.objects.filter(pk=int(base), article=article).values_list("number", flat=True).first()


def _edit_page(request, form, *, article=None, preview=None, error=None, status=200, figure_form=None):
    return render(
        request,
        "articles/edit.html",
        {
            "form": form,
            "article": article,
            "opened_on": _opened_on(form, article),
            "preview": preview,
            "error": error,
            **figure_views.figures_context(article, request.user, figure_form),
        },
        status=status,
    )


def _require_writer(request):
    """The form is for those who write articles; others are told so before typing into it
    (a save would be refused anyway, by the service)."""
    if not may_create_articles(roles_of(request.user)):
        raise PermissionDenied("Only editors write and revise articles.")


def _preview(form, article=None):
    """The page as it would read, with the references as the library holds them now
    and the article's figures as they are now."""
    body, listed = form.cleaned_data["body"], form.cleaned_data["reference_list"]
    snapshots, library = citing.resolve(body, listed)
    figures, found = figuring.resolve(article.pk if article else None, body)
    body_html, headings = render_markdown(body, snapshots, figures=figures)
    return {
        "title": form.cleaned_data["title"],
        "body_html": body_html,
        "headings": headings,
        "references_html": render_reference_list(snapshots, settings.CITATION_STYLE),
        "citation_check": citing.integrity(body, listed, library),
        "figure_problems": figure_markup.problems(body, found),
        "summary": form.cleaned_data["summary"],
        "key_points": form.cleaned_data["key_points"].splitlines(),
        "faq": form.cleaned_data["faq"],
        "aliases": form.cleaned_data["aliases"],
    }


@desk_view
def article_new(request):
    if request.method == "GET":
        _require_writer(request)
        return _edit_page(request, NewArticleForm())
    form = NewArticleForm(request.POST, previewing="preview" in request.POST)
    if not form.is_valid():
        return _edit_page(request, form, status=400)
    if form.previewing:
        return _edit_page(request, form, preview=_preview(form))
    try:
        article = services.article_create(
            actor=request.user,
            slug=form.cleaned_data["slug"],
            topic=form.cleaned_data["topic"],
            content=form.content(),
            note=form.cleaned_data["note"],
            ip=client_ip(request),
        )
    except TransitionNotAllowed as refusal:
        return _edit_page(request, form, error=refusal.message, status=_refused_status(refusal))
    messages.success(request, "Article created as a draft.", extra_tags=DRAFT_SAVED)
    return redirect("articles:article", article.pk)


@csrf_exempt  # checked by _article_edit, once the size is known to be acceptable
@desk_view
def article_edit(request, article_id):
    """Refuse a request too large to be a figure upload before reading it (and before the
    CSRF check, which would read the whole body to find its token)."""
    article = get_object_or_404(Article.objects.select_related("working_version"), pk=article_id)
    if request.method == "POST" and figure_views.too_large(declared_length(request)):
        return figure_views.refused_as_too_large(request, article, _edit_page)
    return _article_edit(request, article)


@csrf_protect
def _article_edit(request, article):
    if request.method == "GET":
        _require_writer(request)
        return _edit_page(
            request,
            ArticleContentForm(initial=ArticleContentForm.initial_for(article.working_version)),
            article=article,
        )
    if "upload_figure" in request.POST or "remove_figure" in request.POST:
        return figure_views.change_figures(request, article, _edit_page)
    form = ArticleContentForm(request.POST, previewing="preview" in request.POST)
    if not form.is_valid():
        return _edit_page(request, form, article=article, status=400)
    if form.previewing:
        return _edit_page(request, form, article=article, preview=_preview(form, article))
    try:
        services.article_save_version(
            article_id=article.pk,
            actor=request.user,
            base_version_id=form.cleaned_data["base_version_id"],
            content=form.content(),
            note=form.cleaned_data["note"],
            ip=client_ip(request),
        )
    except (TransitionNotAllowed, StaleVersion) as refusal:
        return _edit_page(request, form, article=article, error=refusal.message, status=_refused_status(refusal))
    messages.success(request, "Saved as a new version.", extra_tags=DRAFT_SAVED)
    return redirect("articles:article", article.pk)


# ---------------------------------------------------------------- history and audit


@require_safe
@desk_view
def history(request, article_id):
    article = get_object_or_404(
        Article.objects.select_related(*("working_version", "published_version")), pk=article_id
    )
    versions = selectors.version_history(article)
    may_restore = Action.EDIT in available_actions(services.situation_for_viewer(article, request.user))
    return render(
        request, "articles/history.html", {"article": article, "versions": versions, "may_restore": may_restore}
    )


def _compare_refused(request, article, reason, status=400):
    """The site's error page, saying what was wrong and leading back to the history."""
    back = {"url": reverse("articles:history", args=[article.pk]), "label": "Back to the history"}
    return render(request, f"{status}.html", {"reason": reason, "back": back}, status=status)


@require_safe
@desk_view
def compare(request, article_id):
    article = get_object_or_404(Article.objects.select_related("working_version"), pk=article_id)
    try:
        numbers = [int(request.GET.get(name, "")) for name in ("a", "b")]
    except ValueError:
        return _compare_refused(
            request, article, "Choose two versions to compare: “from” and “to” are version numbers."
        )
    found = {v.number: v for v in ArticleVersion.objects.filter(article=article, number__in=numbers)}
    missing = [number for number in numbers if number not in found]
    if missing:
        reason = f"This article has no version {missing[0]}: choose two of its versions in the history."
        return _compare_refused(request, article, reason, status=404)
    old, new = found[numbers[0]], found[numbers[1]]
    return render(
        request,
        "articles/compare.html",
        {
            "article": article,
            "old": old,
            "new": new,
            "comparison": compare_versions(old, new),
        },
    )


@form_post("articles:article", "article_id")
@desk_view
def restore(request, article_id, version_id):
    get_object_or_404(ArticleVersion.objects.only("pk"), pk=version_id, article_id=article_id)
    return _act(
        request,
        article_id,
        lambda: services.article_restore_version(
            article_id=article_id,
            actor=request.user,
            version_id=version_id,
            base_version_id=_posted_id(request, "base_version_id"),
            ip=client_ip(request),
        ),
        "The old version is the new draft.",
    )


@require_safe
@desk_view
def audit_export(request, article_id, fmt):
    if not may_export_audit(roles_of(request.user)):
        raise PermissionDenied("Only publishers can export the audit trail.")
    article = get_object_or_404(Article, pk=article_id)
    rows = [event_row(event) for event in selectors.audit_trail(article)]
    filename = f"audit-{article.slug}.{fmt}"
    if fmt == "json":
        signatures = [
            {
                "version_number": s.version.number,
                "signer_id": s.signer_id,
                "signer_username": s.signer_username,
                "printed_name": s.printed_name,
                "credentials": s.credentials,
                "meaning": s.meaning,
                "signed_at": s.signed_at.isoformat(),
                "content_hash": s.content_hash,
                "valid": s.is_valid,
            }
            for s in Signature.objects.filter(version__article=article).select_related("version").order_by("signed_at")
        ]
        document = {"article": article.slug, "events": rows, "signatures": signatures}
        response = HttpResponse(json.dumps(document, indent=2), content_type="application/json")
    else:
        response = HttpResponse(csv_lines(rows, AUDIT_COLUMNS), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@desk_view
def export_references(request, article_id, fmt):
    """The working version's references, in citation order, as RIS or CSL-JSON."""
    article = get_object_or_404(Article.objects.select_related("working_version"), pk=article_id)
    ids = [item["id"] for item in article.working_version.references]
    by_id = Reference.objects.in_bulk(ids)
    return exporting.download([by_id[i] for i in ids if i in by_id], fmt, f"references-{article.slug}")


@desk_view
def edit_site_page(request, key):

    page = get_object_or_404(SitePage, key=key)
    if not may_edit_site_pages(roles_of(request.user)):
        raise PermissionDenied("Only publishers can edit the site's pages.")
    form = SitePageForm(request.POST or None, initial={"title": page.title, "body": page.body})
    if request.method == "POST" and form.is_valid():
        services.site_page_update(actor=request.user, key=key, ip=client_ip(request), **form.cleaned_data)
        messages.success(request, "Page saved.")
        return redirect("editorial_policy" if key == "editorial-policy" else "home")
    status = 400 if request.method == "POST" else 200
    return render(request, "articles/site_page_form.html", {"form": form, "page": page}, status=status)
