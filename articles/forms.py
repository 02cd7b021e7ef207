import re
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.text import slugify

from articles.lifecycle import Policy
from articles.models import POLICY_CHOICES, REREVIEW_CHOICES, STATE_CHOICES, Article, faq_as_text, kept_aliases
from articles.selectors import ATTENTION, DESK_SORTS
from articles.services import Content
from registry.models import Specialty

FAQ_HELP = (
    "One question and answer per block: a line starting “Q:”, then a line starting “A:”; blank line between blocks."
)


def parse_faq(text):
    """'Q: ...\nA: ...' blocks into [{"question", "answer"}], naming the line of any mistake.
    A line that starts with neither continues the question or answer above it."""
    items, current = [], None

    def close(block):
        if block is None:
            return
        if not block["answer"]:
            raise ValidationError(f"FAQ line {block['line']}: the question has no answer (a line starting “A:”).")
        items.append({"question": " ".join(block["question"]), "answer": " ".join(block["answer"])})

    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("Q:"):
            close(current)
            current = {"question": [line[2:].strip()], "answer": [], "line": number}
        elif current is None:
            raise ValidationError(f"FAQ line {number}: start each block with a question (“Q:”).")
        elif line.startswith("A:"):
            current["answer"].append(line[2:].strip())
        else:
            (current["answer"] or current["question"]).append(line)
    close(current)
    return items


class ArticleContentForm(forms.Form):
    title = forms.CharField(max_length=300, help_text="Often a question readers ask.")
    aliases = forms.CharField(
        required=False, max_length=1000, label="Also called", help_text="Other names, separated by commas."
    )
    summary = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two plain sentences. Readers see it under the title of the public page and in the site's "
        "search results; search engines and link previews show it as the page's description.",
    )
    body = forms.CharField(
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Markdown. Use ## headings for sections.",
    )
    key_points = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="At a glance: one point per line.",
    )
    faq = forms.CharField(
        required=False, max_length=20_000, label="FAQ", widget=forms.Textarea(attrs={"rows": 6}), help_text=FAQ_HELP
    )
    reference_list = forms.CharField(
        required=False,
        max_length=5000,
        label="Reference list",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Keys of further references for this article, separated by commas or new lines. "
        "Cite in the body as [@key] or [@key1; @key2].",
    )
    note = forms.CharField(max_length=300, label="Change note", help_text="What changed and why (kept in the history).")
    base_version_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, previewing=False, **kwargs):
        """`previewing`: the form is read to show the page as it would read, not saved,
        so what only saving needs (the change note, a new article's address) may wait."""
        super().__init__(*args, **kwargs)
        self.previewing = previewing
        if previewing:
            self.fields["note"].required = False

    def clean_faq(self):
        return parse_faq(self.cleaned_data["faq"])

    def clean_reference_list(self):

        return tuple(
            key.lstrip("@") for key in re.split(r"[\s,;]+", self.cleaned_data["reference_list"]) if key.strip("@ ")
        )

    def clean_aliases(self):
        return tuple(kept_aliases(self.cleaned_data["aliases"].split(",")))

    def content(self):
        data = self.cleaned_data
        return Content(
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            key_points=data["key_points"],
            faq=tuple(data["faq"]),
            aliases=data["aliases"],
            reference_list=data["reference_list"],
        )

    @classmethod
    def initial_for(cls, version):
        return {
            "title": version.title,
            "aliases": ", ".join(version.aliases),
            "summary": version.summary,
            "body": version.body,
            "key_points": version.key_points,
            "faq": faq_as_text(version.faq),
            "reference_list": ", ".join(version.reference_list),
            "base_version_id": version.pk,
        }


SLUG_MAX = 200


def suggested_slug(title):
    """The public address a title suggests ("What is gout?" -> "what-is-gout"); static/js/
    slug-from-title.js makes the same suggestion in the browser while the title is typed."""
    return slugify(title)[:SLUG_MAX].strip("-_")


class NewArticleForm(ArticleContentForm):
    slug = forms.CharField(
        max_length=SLUG_MAX,
        required=False,
        label="Address (slug)",
        help_text="The address of the public page: lowercase words joined by hyphens. "
        "Left blank, it is made from the title.",
    )
    topic = forms.CharField(max_length=100, required=False)
    field_order = ["title", "slug", "topic"]

    def clean_slug(self):
        typed = self.cleaned_data["slug"].strip().lower()
        if self.previewing:
            return typed  # a preview needs no address yet
        slug = typed or suggested_slug(self.cleaned_data.get("title", ""))
        if not slug:
            raise ValidationError("Give the address of the public page: the title suggests none.")
        if not typed:
            # Show the suggestion in the field, so a refusal below can be answered by editing it.
            self.data = self.data.copy()
            self.data[self.add_prefix("slug")] = slug
        validate_slug(slug)
        if Article.objects.filter(slug=slug).exists():
            raise ValidationError(f"Another article already uses the address “{slug}”: choose another.")
        return slug


class DeskFilterForm(forms.Form):
    """Search, filters and order of the desk's list of articles: a GET form, so a filtered
    list is an address to keep or share. Topics and assignees are offered from the data."""

    title = forms.CharField(required=False, max_length=200, label="Title contains")
    state = forms.ChoiceField(required=False, label="State", choices=[("", "Any state"), *STATE_CHOICES])
    topic = forms.ChoiceField(required=False, label="Topic")
    assignee = forms.ChoiceField(required=False, label="Reviewer assigned")
    attention = forms.ChoiceField(required=False, label="Needs", choices=[("", "Anything"), *ATTENTION.items()])
    sort = forms.ChoiceField(
        required=False, label="Sort by", choices=[(key, label) for key, (label, _order) in DESK_SORTS.items()]
    )

    def __init__(self, data, *, topics, members):
        super().__init__(data)
        self.fields["topic"].choices = [("", "Any topic"), *((topic, topic) for topic in topics)]
        self.fields["assignee"].choices = [
            ("", "Anyone or nobody"),
            *((str(member.pk), member.profile.printed_name) for member in members),
        ]
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                # Per form: Django shares a declared field's messages between forms.
                field.error_messages = {
                    **field.error_messages,
                    "invalid_choice": f"“%(value)s” is not one of the choices for “{field.label}”.",
                }

    def filters(self):
        """The selector's keyword arguments for what was chosen."""
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "state": data["state"],
            "topic": data["topic"],
            "assignee_id": int(data["assignee"]) if data["assignee"] else None,
            "attention": data["attention"],
            "sort": data["sort"] or "changed",
        }


class PolicyForm(forms.Form):
    review_policy = forms.ChoiceField(choices=POLICY_CHOICES, initial=Policy.BEFORE)
    approvals_required = forms.IntegerField(min_value=1, max_value=9, initial=1, label="Approvals required")
    rereview_months = forms.TypedChoiceField(choices=REREVIEW_CHOICES, coerce=int, label="Re-review every")
    reason = forms.CharField(
        max_length=500,
        required=False,
        label="Reason for review after publication",
        help_text="Needed to ask for review after publication; another publisher or a board member must confirm it.",
    )
    required_specialty = forms.ModelChoiceField(
        queryset=Specialty.objects.all(),
        required=False,
        label="Specialty required among the signers",
        empty_label="None",
        help_text="The approval that completes the quorum must come from a member practising it.",
    )
    conflicts_forbidden = forms.BooleanField(
        required=False,
        label="No signer may declare a conflict of interest",
    )


class SitePageForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(max_length=100_000, widget=forms.Textarea(attrs={"rows": 20}), help_text="Markdown.")


class TrailFilterForm(forms.Form):
    """What part of the whole audit trail to show and export: a GET form, so a filter
    is an address that can be bookmarked. Days are UTC days, both ends included."""

    KIND_CHOICES = [
        ("", "All kinds"),
        ("article", "Articles"),
        ("account", "Accounts"),
        ("sign-in", "Sign-ins"),
        ("reference", "References"),
        ("site", "Site pages"),
    ]

    start = forms.DateField(
        required=False,
        label="From (UTC day)",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "The start date is not a date (use YYYY-MM-DD)."},
        widget=forms.DateInput(attrs={"placeholder": "YYYY-MM-DD"}),
    )
    end = forms.DateField(
        required=False,
        label="Until (UTC day)",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "The end date is not a date (use YYYY-MM-DD)."},
        widget=forms.DateInput(attrs={"placeholder": "YYYY-MM-DD"}),
    )
    person = forms.CharField(required=False, max_length=150, label="Person (login name)")
    kind = forms.ChoiceField(
        required=False,
        choices=KIND_CHOICES,
        error_messages={
            "invalid_choice": "“%(value)s” is not a kind of event: choose articles, accounts, sign-ins, references"
            " or site pages.",
        },
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise ValidationError("The end date is before the start date.")
        return cleaned

    def bounds(self):
        """(start, end) as aware UTC datetimes for the query: end is the next midnight."""
        start, end = self.cleaned_data["start"], self.cleaned_data["end"]
        midnight = datetime.min.time()
        return (
            datetime.combine(start, midnight, tzinfo=dt_timezone.utc) if start else None,
            datetime.combine(end + timedelta(days=1), midnight, tzinfo=dt_timezone.utc)
            if end and end < date.max
            else None,
        )


# Schedule times are typed and shown in UTC whatever TIME_ZONE says, and the forms say so.
SCHEDULE_ZONE_NAME = "UTC"


def parse_schedule_time(raw, now=None):
    """A typed date and time ("2030-01-15T14:00", "2030-01-15 14:00"), read in UTC unless it
    names its own offset; ValidationError with a message a person can act on."""
    raw = (raw or "").strip()
    if not raw:
        raise ValidationError("Give the date and time (YYYY-MM-DD HH:MM, UTC).")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(f"“{raw}” is not a date and time (use YYYY-MM-DD HH:MM, UTC).") from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt_timezone.utc)
    if moment <= (now or timezone.now()):
        raise ValidationError(
            f"{moment.astimezone(dt_timezone.utc):%Y-%m-%d %H:%M} UTC has passed: choose a time in the future."
        )
    return moment.astimezone(dt_timezone.utc)


class PublishScheduleForm(forms.Form):
    publish_at = forms.CharField(required=False, max_length=40, label=f"Publish at ({SCHEDULE_ZONE_NAME})")
    version_id = forms.IntegerField(required=False)

    def clean_publish_at(self):
        return parse_schedule_time(self.cleaned_data["publish_at"])


class UnpublishScheduleForm(forms.Form):
    unpublish_at = forms.CharField(required=False, max_length=40, label=f"Unpublish at ({SCHEDULE_ZONE_NAME})")
    reason = forms.CharField(max_length=500, error_messages={"required": "Give a reason for unpublishing."})

    def clean_unpublish_at(self):
        return parse_schedule_time(self.cleaned_data["unpublish_at"])


class DeclineReportForm(forms.Form):
    reason = forms.CharField(
        label="Why no change is made",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The reader is told this, if they left an address.",
    )


class AcceptReportForm(forms.Form):
    note = forms.CharField(label="Note (optional)", max_length=2000, required=False)


class FigureForm(forms.Form):
    """A figure to add to an article (or to replace), sent with the edit page's text so
    that nothing typed there is lost."""

    prefix = "figure"

    image = forms.FileField(
        required=False,
        label="Image file",
        help_text="PNG, JPEG or WebP. SVG is not accepted. Its metadata (camera, place) is removed.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    key = forms.CharField(
        max_length=60, required=False, help_text="Letters, digits and hyphens, e.g. dosing-chart; cite it by this."
    )
    alt = forms.CharField(
        max_length=500,
        required=False,
        label="Alt text",
        help_text="Required: what the image shows, for readers who cannot see it.",
    )
    caption = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    credit = forms.CharField(max_length=300, required=False, help_text="Who made the image.")
    licence = forms.CharField(max_length=200, required=False, help_text="e.g. CC BY 4.0, or “used with permission”.")
    replace = forms.BooleanField(
        required=False,
        label="Replace the figure with this key",
        help_text="Its words, and its image when you choose a file. Versions already saved keep the old one.",
    )
