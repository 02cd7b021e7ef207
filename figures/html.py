"""A figure as readers see it: <figure> with a responsive <img> (srcset, sizes, width
and height, so the page does not shift as it loads) and a caption with credit and licence."""

from django.core.files.storage import default_storage
from django.utils.html import escape

# The article column is at most 46rem wide (static/css/site.css); narrower screens use their width.
SIZES = "(min-width: 48rem) 46rem, 100vw"


def url(name):
    return default_storage.url(name)


def largest(snapshot):
    """The widest rendition of a figure (what the JSON-LD names)."""
    return max(snapshot["renditions"], key=lambda rendition: rendition["width"])


def _default(snapshot):
    """The rendition an old browser, without srcset, gets: the widest up to 960 pixels."""
    fitting = [r for r in snapshot["renditions"] if r["width"] <= 960]
    return max(fitting, key=lambda r: r["width"]) if fitting else min(snapshot["renditions"], key=lambda r: r["width"])


def img_html(snapshot, alt):
    default = _default(snapshot)
    srcset = ", ".join(f"{url(r['name'])} {r['width']}w" for r in snapshot["renditions"])
    return (
        f'<img src="{escape(url(default["name"]))}" srcset="{escape(srcset)}" sizes="{SIZES}" '
        f'width="{default["width"]}" height="{default["height"]}" alt="{escape(alt)}" loading="lazy" decoding="async">'
    )


def caption_html(snapshot):
    parts = []
    if snapshot["caption"]:
        parts.append(escape(snapshot["caption"]))
    credit = " ".join(
        part
        for part in (
            f"Credit: {escape(snapshot['credit'])}." if snapshot["credit"] else "",
            f"Licence: {escape(snapshot['licence'])}." if snapshot["licence"] else "",
        )
        if part
    )
    if credit:
        parts.append(f'<span class="figure-credit">{credit}</span>')
    return f"<figcaption>{' '.join(parts)}</figcaption>" if parts else ""


def figure_html(snapshot, alt):
    """The whole <figure>; `alt` is the body's own text for it when it gives one."""
    anchor = f' id="figure-{escape(snapshot["key"])}"'
    return (
        f'<figure class="figure"{anchor}>{img_html(snapshot, alt or snapshot["alt"])}{caption_html(snapshot)}</figure>'
    )
