"""Markdown to safe HTML. Raw HTML is off in the parser and the output is
sanitised again with nh3, so hostile input never reaches a reader as markup."""

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "section", "div", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "th": {"style"}, "td": {"style"},
    "sup": {"id", "class"}, "li": {"id", "class"}, "ol": {"class", "start"},
    "section": {"class", "id", "aria-label"}, "div": {"class"}, "span": {"class"},
}
_cleaner = dict(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer",
    filter_style_properties={"text-align"},
)


def sanitise(html):
    return nh3.clean(html, **_cleaner)


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


def render_markdown(text):
    """(safe HTML, headings) for a Markdown body."""
    tokens = _markdown.parse(text or "")
    headings = _headings(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return sanitise(html), headings


def heading_titles(text):
    return [title for _, title, _ in _headings(_markdown.parse(text or ""))]
