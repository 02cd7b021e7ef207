"""HTML that reaches a page from Markdown or a citation formatter passes through `sanitise`."""

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
    "section",
    "div",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "th": {"style"},
    "td": {"style"},
    "sup": {"id", "class"},
    "li": {"id", "class"},
    "ol": {"class", "start"},
    "strong": {"class"},
    "section": {"class", "id", "aria-label"},
    "div": {"class"},
    "span": {"class"},
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


# Article bodies may also show their figures: <figure> with an <img> the renderer wrote
# (raw HTML is off in the parser, so no other <img> reaches this point).
_with_figures = dict(
    _cleaner,
    tags=ALLOWED_TAGS | {"figure", "figcaption", "img"},
    attributes={
        **ALLOWED_ATTRIBUTES,
        "figure": {"class", "id"},
        "img": {"src", "srcset", "sizes", "width", "height", "alt", "loading", "decoding"},
    },
)


def sanitise_with_figures(html):
    return nh3.clean(html, **_with_figures)
