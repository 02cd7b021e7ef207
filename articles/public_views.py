"""What readers see. Only a published version is ever shown: anything else is a 404."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.models import Article, Signature
from django.conf import settings

from articles.rendering import render_markdown, render_reference_list


@require_safe
def article(request, slug):
    found = (
        Article.objects.select_related("published_version")
        .filter(slug=slug, published_version__isnull=False)
        .first()
    )
    if found is None:
        raise Http404("No published article at this address")
    version = found.published_version
    body_html, headings = render_markdown(version.body, version.references)
    signatures = [
        signature for signature in
        Signature.objects.filter(version=version, kind=Signature.APPROVAL).select_related("signer__profile", "version")
        if signature.is_valid
    ]
    return render(request, "public/article.html", {
        "article": found, "version": version, "body_html": body_html, "headings": headings, "signatures": signatures,
        "references_html": render_reference_list(version.references, settings.CITATION_STYLE),
    })


@require_safe
def index(request):
    published = (
        Article.objects.filter(published_version__isnull=False)
        .select_related("published_version").order_by("topic", "published_version__title")
    )
    return render(request, "public/index.html", {"articles": published})
