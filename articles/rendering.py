"""Markdown to safe HTML. Raw HTML is off in the parser and the output is
sanitised again with nh3, so hostile input never reaches a reader as markup."""

from urllib.parse import quote

from django.utils.html import escape
from django.utils.text import slugify
from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin

from core.html import sanitise, sanitise_with_figures
from figures.html import figure_html, img_html
from figures.markup import BodyImage
from references.citations import KEY_IN_MARKER, MARKER, label_runs

AUDIENCES = {"patient": "Patient", "caregiver": "Caregiver", "professional": "Healthcare professional"}
DEFAULT_AUDIENCE = "patient"


def _is_audience_block(params, *args):
    words = params.strip().split()
    return len(words) == 2 and words[0] == "audience" and words[1] in AUDIENCES


def _render_audience_open(self, tokens, index, options, env):
    if tokens[index].nesting == 1:
        audience = tokens[index].info.strip().split()[1]
        return f'<section class="audience audience-{audience}" aria-label="For {AUDIENCES[audience].lower()}s">\n'
    return "</section>\n"


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
# Audience blocks: ::: audience professional ... :::
_markdown.use(container_plugin, name="audience", validate=_is_audience_block, render=_render_audience_open)


def _citation_rule(state, silent):
    """Inline rule: `[@key]` or `[@a; @b]` becomes one citation token."""
    if state.src[state.pos] != "[":
        return False
    match = MARKER.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"keys": KEY_IN_MARKER.findall(match.group(1))}
    state.pos = match.end()
    return True


def _render_citation(self, tokens, index, options, env):
    numbers = env.get("numbers", {})
    keys = tokens[index].meta["keys"]
    known = [numbers[key] for key in keys if key in numbers]
    unknown = [key for key in keys if key not in numbers]
    parts = []
    for start, end in label_runs(known):
        link = f'<a href="#ref-{start}">{start}</a>'
        parts.append(link if start == end else f'{link}-<a href="#ref-{end}">{end}</a>')
    parts.extend(f"?{escape(key)}" for key in unknown)
    css = "citation unknown" if unknown else "citation"
    return f'<sup class="{css}">{", ".join(parts)}</sup>'


_markdown.inline.ruler.before("link", "citation", _citation_rule)
_markdown.add_render_rule("citation", _render_citation)


def _render_image(self, tokens, index, options, env):
    """One of the version's figures: a <figure> when it stands alone in its paragraph,
    else the image alone. Anything else shows as words saying why it is not shown
    (saving and submitting refuse it; older versions may hold one)."""
    token = tokens[index]
    alt = self.renderInlineAsText(token.children or [], options, env)  # escapes undone, as Markdown reads it
    image = BodyImage(token.attrGet("src") or "", alt, 0)
    figure = env.get("figures", {}).get(image.key)
    if figure is None:
        what = f"figure “{image.key}” is missing" if image.key else "image not shown: not one of the article's figures"
        return f'<span class="figure-missing">[{escape(image.alt or "image")}: {escape(what)}]</span>'
    return figure_html(figure, image.alt) if token.meta.get("block") else img_html(figure, image.alt or figure["alt"])


_markdown.add_render_rule("image", _render_image)


def _figure_paragraphs(tokens):
    """A paragraph holding a single image becomes that figure: its <p> is dropped, as a
    <figure> cannot stand inside one."""
    for index, token in enumerate(tokens[:-2]):
        inline, closing = tokens[index + 1], tokens[index + 2]
        if token.type != "paragraph_open" or inline.type != "inline" or closing.type != "paragraph_close":
            continue
        children = [
            child for child in inline.children or () if not (child.type == "text" and not child.content.strip())
        ]
        if len(children) == 1 and children[0].type == "image":
            children[0].meta = {**(children[0].meta or {}), "block": True}
            token.hidden = closing.hidden = True


def _headings(tokens):
    """Give h2-h6 headings stable ids; return [(level, text, id)]."""
    found, used = [], set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        level = int(token.tag[1])
        if level == 1:
            token.tag = "h2"  # the page title is the only h1
            tokens[index + 2].tag = "h2"
            level = 2
        text = tokens[index + 1].content
        base = slugify(text) or "section"
        anchor, counter = base, 2
        while anchor in used:
            anchor, counter = f"{base}-{counter}", counter + 1
        used.add(anchor)
        token.attrSet("id", anchor)
        found.append((level, text, anchor))
    return found


def _only_audience(tokens, audience):
    """Drop the audience blocks meant for other readers."""
    kept, skipping = [], 0
    for token in tokens:
        if token.type == "container_audience_open":
            if skipping or token.info.strip().split()[1] != audience:
                skipping += 1
                continue
        if token.type == "container_audience_close" and skipping:
            skipping -= 1
            continue
        if not skipping:
            kept.append(token)
    return kept


def render_markdown(text, references=(), audience=None, figures=()):
    """(safe HTML, headings) for a Markdown body; citation markers become superscript
    numbers in the order of `references` (the version's snapshot list), and
    `![alt](figure:key)` shows the figure of that key among `figures` (the version's
    snapshots). With an audience, only that audience's blocks are kept; without, all
    are shown, labelled."""
    env = {
        "numbers": {item["key"]: number for number, item in enumerate(references, start=1)},
        "figures": {item["key"]: item for item in figures},
    }
    tokens = _markdown.parse(text or "", env)
    if audience is not None:
        tokens = _only_audience(tokens, audience)
    headings = _headings(tokens)
    _figure_paragraphs(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, env)
    return sanitise_with_figures(html), headings


def _notice_html(notice):
    """ "Retracted 2026-03-02, see notice" with the link: a fact about the source, shown
    beside it, never part of the signed text."""
    when = f" {escape(notice['date'])}" if notice.get("date") else ""
    link = f', <a href="{escape(notice["url"])}">see notice</a>' if notice.get("url") else ""
    css = "retracted" if notice["kind"] in ("retraction", "withdrawal") else "source-notice"
    return f'<strong class="{css}">{escape(notice["label"])}{when}{link}.</strong> '


def render_reference_list(references, style="ama", notices=None):
    """The numbered reference list as safe HTML: kind label, formatted entry, DOI and
    PubMed links, and each notice on the source (`notices`: {reference id: [public_data]})."""
    if not references:
        return ""
    notices = notices or {}
    items = []
    for number, item in enumerate(references, start=1):
        links = []
        if item.get("doi"):
            links.append(f'<a href="https://doi.org/{escape(quote(item["doi"], safe="/:;()"))}">DOI</a>')
        if item.get("pmid"):
            links.append(f'<a href="https://pubmed.ncbi.nlm.nih.gov/{escape(item["pmid"])}/">PubMed</a>')
        found = notices.get(item.get("id"), ())
        flags = "".join(_notice_html(notice) for notice in found)
        if item.get("retracted") and not any(n["kind"] in ("retraction", "withdrawal") for n in found):
            flags = '<strong class="retracted">Retracted.</strong> ' + flags
        entry = item.get("formatted", {}).get(style) or escape(item["title"])
        items.append(
            f'<li id="ref-{number}"><span class="ref-kind">{escape(item.get("kind_label", ""))}</span> '
            f'{flags}{entry} <span class="ref-links">{" ".join(links)}</span></li>'
        )
    return sanitise(f'<ol class="references">{"".join(items)}</ol>')
