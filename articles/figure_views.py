"""The Figures section of an article's edit page: upload, replace and remove figures.

Its controls are part of the edit page's form, so the text being written is sent along
and shown again, as typed, whatever happens to the figure."""

from django.conf import settings
from django.contrib import messages

from articles import figure_services, services
from articles.forms import ArticleContentForm, FigureForm
from articles.lifecycle import Action, TransitionNotAllowed, is_allowed
from core.web import client_ip
from figures import markup
from figures.processing import FigureRefused, check_size, megabytes
from figures.services import FigureText, figures_of

# The edit page's text fields together stay well under this; what is larger is the file.
TEXT_ROOM = 1024 * 1024


def too_large(length):
    """The refusal of a request larger than any figure upload can be, read from its
    Content-Length before its body is."""
    return length > settings.FIGURE_MAX_BYTES + TEXT_ROOM


def figure_rows(article):
    """The article's figures as the edit page lists them: one query."""
    return [
        {"figure": figure, "snapshot": figure.snapshot(), "syntax": markup.syntax(figure.key, figure.alt)}
        for figure in sorted(figures_of(article.pk).values(), key=lambda figure: figure.key)
    ]


def may_change_figures(article, user):
    return is_allowed(Action.EDIT, services.situation_for(article, user))


def figures_context(article, user, figure_form=None):
    if article is None:
        return {}
    return {
        "figure_rows": figure_rows(article),
        "figure_form": figure_form or FigureForm(),
        "may_change_figures": may_change_figures(article, user),
        "figure_max": megabytes(settings.FIGURE_MAX_BYTES),
        "figures_allowed": settings.FIGURES_PER_ARTICLE,
    }


def _put(request, article, figure_form):
    figure_form.is_valid()  # every field is optional here; the service says what is missing
    data = figure_form.cleaned_data
    upload = data.get("image") or None
    if upload is not None:
        check_size(upload.size)
    text = FigureText(
        key=data.get("key", ""),
        alt=data.get("alt", ""),
        caption=data.get("caption", ""),
        credit=data.get("credit", ""),
        licence=data.get("licence", ""),
    )
    figure = figure_services.article_figure_put(
        article_id=article.pk,
        actor=request.user,
        text=text,
        upload=upload,
        replace=data.get("replace", False),
        ip=client_ip(request),
    )
    syntax = markup.syntax(figure.key, figure.alt)
    return f"Figure “{figure.key}” saved. Cite it in the body as {syntax}, then save a version."


def _remove(request, article):
    key = request.POST.get("remove_figure", "")
    figure_services.article_figure_remove(article_id=article.pk, actor=request.user, key=key, ip=client_ip(request))
    return f"Figure “{key}” removed from the list. Versions already saved keep it."


def change_figures(request, article, render_edit_page):
    """Upload or remove a figure, then show the edit page again with the text as typed
    (`render_edit_page(request, form, **context)` draws it)."""
    form = ArticleContentForm(initial=request.POST.dict())  # shown as typed, not yet checked
    figure_form = FigureForm(request.POST, request.FILES)
    try:
        success = _remove(request, article) if "remove_figure" in request.POST else _put(request, article, figure_form)
    except FigureRefused as refusal:
        return render_edit_page(
            request, form, article=article, error=refusal.message, status=refusal.status, figure_form=figure_form
        )
    except TransitionNotAllowed as refusal:
        return render_edit_page(
            request, form, article=article, error=refusal.message, status=403, figure_form=figure_form
        )
    messages.success(request, success)
    return render_edit_page(request, form, article=article)


def refused_as_too_large(request, article, render_edit_page):
    message = (
        f"This upload is too large: a figure may be at most {megabytes(settings.FIGURE_MAX_BYTES)}. "
        "Nothing was sent or saved; go back to keep the text you were writing."
    )
    response = render_edit_page(
        request,
        ArticleContentForm(initial=ArticleContentForm.initial_for(article.working_version)),
        article=article,
        error=message,
        status=413,
    )
    response["Connection"] = "close"  # the unread body is not to be taken as the next request
    return response
