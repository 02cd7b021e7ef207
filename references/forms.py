from django import forms
from django.core.exceptions import ValidationError

from references.kinds import KIND_CHOICES
from references.normalize import InvalidIdentifier, normalize_doi, normalize_pmid, normalize_title
from references.parsing import FORMATS
from references.services import FORM_FIELDS

# The fields a form shows as they are (authors are written one per line).
INITIAL_FIELDS = ("key", *(name for name in FORM_FIELDS if name != "authors"))


class ReferenceForm(forms.Form):
    key = forms.CharField(
        max_length=80,
        required=False,
        help_text="Cite as [@key]. Left empty, it is made from the first author and year.",
    )
    kind = forms.ChoiceField(choices=KIND_CHOICES)
    title = forms.CharField(max_length=1000)
    authors = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="One person per line, as “Family, Given”."
    )
    organisation = forms.CharField(max_length=300, required=False, help_text="For a body rather than people.")
    source = forms.CharField(max_length=500, required=False, label="Journal or publisher")
    year = forms.IntegerField(required=False, min_value=1500, max_value=2100)
    volume = forms.CharField(max_length=50, required=False)
    issue = forms.CharField(max_length=50, required=False)
    pages = forms.CharField(max_length=50, required=False)
    doi = forms.CharField(max_length=300, required=False, label="DOI")
    pmid = forms.CharField(max_length=20, required=False, label="PubMed ID")
    url = forms.URLField(max_length=1000, required=False, label="URL", assume_scheme="https")
    language = forms.CharField(max_length=20, required=False)
    accessed = forms.DateField(required=False, help_text="For web pages: YYYY-MM-DD.")
    updated_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_doi(self):
        try:
            return normalize_doi(self.cleaned_data["doi"])
        except InvalidIdentifier as error:
            raise ValidationError(str(error)) from None

    def clean_pmid(self):
        try:
            return normalize_pmid(self.cleaned_data["pmid"])
        except InvalidIdentifier as error:
            raise ValidationError(str(error)) from None

    def clean_authors(self):
        people = []
        for number, line in enumerate(self.cleaned_data["authors"].splitlines(), start=1):
            if not line.strip():
                continue
            family, comma, given = line.partition(",")
            if not comma or not family.strip():
                raise ValidationError(f"Author line {number}: write “Family, Given” (or use Organisation).")
            people.append({"family": family.strip(), "given": given.strip()})
        return people

    def clean(self):
        data = super().clean()
        if not data.get("authors") and not data.get("organisation") and not self.errors:
            raise ValidationError("Name at least one author or an organisation.")
        return data

    def reference_fields(self):
        data = dict(self.cleaned_data)
        data["title_key"] = normalize_title(data["title"])
        for name in ("key", "updated_at"):
            data.pop(name, None)
        return data

    @classmethod
    def initial_from(cls, fields):
        """The form's initial values for reference fields (a lookup's answer)."""
        initial = {name: fields.get(name) for name in INITIAL_FIELDS if fields.get(name) not in (None, "")}
        people = fields.get("authors") or []
        initial["authors"] = "\n".join(f"{a.get('family', '')}, {a.get('given', '')}" for a in people)
        return initial

    @classmethod
    def initial_for(cls, reference):
        initial = cls.initial_from({name: getattr(reference, name) for name in (*INITIAL_FIELDS, "authors")})
        initial["updated_at"] = reference.updated_at.isoformat()
        return initial


class ImportForm(forms.Form):
    file = forms.FileField(help_text="RIS, BibTeX, CSL-JSON or PubMed (.nbib), UTF-8, at most 2 MB.")
    format = forms.ChoiceField(choices=[("", "Detect from the file"), *FORMATS.items()], required=False)


class ClearRetractionForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        label="Why the flag is wrong",
        help_text="Kept in the history and on every citing article's audit trail.",
    )
    updated_at = forms.CharField(required=False, widget=forms.HiddenInput)


class MarkRetractedForm(forms.Form):
    notice = forms.CharField(
        max_length=500,
        label="Retraction notice",
        help_text="Where the retraction was published: a DOI, link or citation.",
    )
