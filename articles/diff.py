"""Word-level comparison of two versions, with changed numbers listed apart.

A dose changed from "5 mg" to "50 mg" must not hide in a paragraph of prose,
so every change that touches a number (with its unit) is reported on its own.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape

from articles.models import faq_as_text

UNITS = (
    r"%|mg/kg|mg/dL|mmol/L|mmHg|mcg|µg|mg|kg|g|mL|ml|L|IU|units?|tablets?|doses?|hours?|hrs?|h|"
    r"minutes?|min|days?|weeks?|months?|years?|times"
)
TOKEN = re.compile(
    rf"(?P<number>\d+(?:[.,]\d+)*(?:\s?[-–]\s?\d+(?:[.,]\d+)*)?(?:\s?(?:{UNITS})(?![A-Za-z]))?)"
    r"|(?P<word>\w+)|(?P<space>\s+)|(?P<other>[^\w\s])"
)
NUMBER = re.compile(r"^\d")


def tokens(text):
    return [match.group(0) for match in TOKEN.finditer(text or "")]


@dataclass(frozen=True)
class NumberChange:
    field: str
    old: str
    new: str
    context: str


def word_diff_html(old, new):
    """Safe HTML of `new` with deletions in <del> and insertions in <ins>."""
    a, b = tokens(old), tokens(new)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(parts)


def number_changes(field, old, new):
    """Every change between old and new that adds, removes or alters a number."""
    a, b = tokens(old), tokens(new)
    changes = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        old_numbers = [t for t in a[i1:i2] if NUMBER.match(t)]
        new_numbers = [t for t in b[j1:j2] if NUMBER.match(t)]
        if old_numbers or new_numbers:
            context = "".join(b[max(0, j1 - 8) : min(len(b), j2 + 8)]).strip()
            changes.append(
                NumberChange(field, ", ".join(old_numbers) or "(none)", ", ".join(new_numbers) or "(none)", context)
            )
    return changes


COMPARED_FIELDS = [
    ("title", "Title"),
    ("summary", "Summary"),
    ("body", "Body"),
    ("key_points", "Key points"),
    ("faq_text", "FAQ"),
    ("aliases_text", "Also called"),
]


def _field_text(version, name):
    if name == "faq_text":
        return faq_as_text(version.faq)
    if name == "aliases_text":
        return ", ".join(version.aliases)
    return getattr(version, name)


@dataclass(frozen=True)
class FigureChange:
    key: str
    change: str  # "added", "removed", "replaced" (another image) or "described" (its words)
    old: dict | None
    new: dict | None

    @property
    def details(self):
        """The words that changed, as (label, before, after)."""
        if self.old is None or self.new is None:
            return []
        labels = (("alt", "Alt text"), ("caption", "Caption"), ("credit", "Credit"), ("licence", "Licence"))
        return [(label, self.old[name], self.new[name]) for name, label in labels if self.old[name] != self.new[name]]


def figure_changes(old, new):
    """Figures added, removed, replaced (other bytes) or described differently, in the
    new version's order, then the removed ones."""
    before = {figure["key"]: figure for figure in old.figures}
    after = {figure["key"]: figure for figure in new.figures}
    changes = []
    for key, figure in after.items():
        previous = before.get(key)
        if previous is None:
            changes.append(FigureChange(key, "added", None, figure))
        elif previous["sha256"] != figure["sha256"]:
            changes.append(FigureChange(key, "replaced", previous, figure))
        elif previous != figure:
            changes.append(FigureChange(key, "described", previous, figure))
    changes.extend(FigureChange(key, "removed", figure, None) for key, figure in before.items() if key not in after)
    return changes


def compare_versions(old, new):
    """{"numbers": [NumberChange], "fields": [(label, changed, html)], "figures":
    [FigureChange]} for two versions."""
    numbers, fields = [], []
    for name, label in COMPARED_FIELDS:
        before, after = _field_text(old, name), _field_text(new, name)
        numbers.extend(number_changes(label, before, after))
        fields.append((label, before != after, word_diff_html(before, after)))
    return {"numbers": numbers, "fields": fields, "figures": figure_changes(old, new)}
