from django import forms

from articles.models import ReaderReport


class ReportErrorForm(forms.Form):
    """A reader's report of an error: a plain form, no JavaScript. `website` is a
    honeypot: hidden from people (and screen readers), filled in by bots."""

    text = forms.CharField(
        label="What is wrong?",
        max_length=ReaderReport.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Quote the sentence if you can, and say what it should say.",
    )
    source = forms.CharField(
        label="Source (optional)",
        max_length=ReaderReport.MAX_SOURCE,
        required=False,
        help_text="A study, guideline or link that shows the error.",
    )
    email = forms.EmailField(
        label="Your e-mail (optional)",
        required=False,
        help_text="Only to tell you what we did about it; never shown or shared.",
    )
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
