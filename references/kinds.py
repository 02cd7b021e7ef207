"""The kinds of source the library holds, in one place: the model's choices, the kinds an
import may name in a note, and the CSL type each is formatted as."""

KIND_CHOICES = [
    ("guideline", "Guideline"),
    ("research", "Research"),
    ("systematic_review", "Systematic review"),
    ("textbook", "Textbook"),
    ("website", "Website"),
    ("other", "Other"),
]
KINDS = frozenset(kind for kind, _ in KIND_CHOICES)
CSL_TYPES = {
    "guideline": "report",
    "research": "article-journal",
    "systematic_review": "article-journal",
    "textbook": "book",
    "website": "webpage",
    "other": "document",
}
