"""Images in article bodies: `![alt text](figure:key)` shows one of the article's figures.
Pure: no Django, no I/O.

Any other image (a web address, a path) is refused: a reader's browser would fetch it
from wherever it points, and nobody reviewed its bytes.
"""

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

SCHEME = "figure:"
KEY = re.compile(r"^[-a-zA-Z0-9_]+$")
_parser = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass(frozen=True)
class BodyImage:
    src: str
    alt: str
    line: int

    @property
    def key(self):
        """The figure key it names, or None for an image that is not a figure."""
        if not self.src.startswith(SCHEME):
            return None
        key = self.src[len(SCHEME) :]
        return key if KEY.match(key) else None


def images_in(body):
    """Every image in the body (outside code, as Markdown reads it), in order."""
    found = []
    for token in _parser.parse(body or ""):
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else 0
        for child in token.children:
            if child.type == "image":
                found.append(BodyImage(child.attrGet("src") or "", child.content, line))
    return found


def keys_in_order(body):
    """Distinct figure keys in order of first appearance."""
    return list(dict.fromkeys(image.key for image in images_in(body) if image.key))


def syntax(key, alt):
    """What to paste in a body to show the figure `key` with `alt` as its alt text."""
    escaped = alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"![{escaped}]({SCHEME}{key})"


def how_to_add(alt="alt text"):
    return f"upload it in the Figures section of the edit page and cite it as ![{alt}](figure:key)"


def foreign_images(body):
    """Sentences, one per image that is not one of the article's figures."""
    return [
        f"Line {image.line}: the image {image.src or '(no address)'} cannot be shown: "
        f"images come from the article's own figures; {how_to_add(image.alt or 'alt text')}."
        for image in images_in(body)
        if image.key is None
    ]


def problems(body, known_keys):
    """What blocks submission: images that are not figures, and figure keys the
    article has no figure for."""
    unknown = [
        f"Line {image.line}: no figure has the key “{image.key}”; {how_to_add(image.alt or 'alt text')}."
        for image in images_in(body)
        if image.key is not None and image.key not in known_keys
    ]
    return [*foreign_images(body), *unknown]
