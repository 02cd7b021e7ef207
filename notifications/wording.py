"""What a notification says, kind by kind.

Each kind has three templates in templates/notifications/kinds/<kind>/: subject.txt,
body.txt (the message stored on the row, shown in the inbox and the plain e-mail) and
body.html (the HTML e-mail's body). The app that owns the facts supplies them as a plain
dictionary of names, numbers and dates; this module knows nothing of what they are about.

Dates are written in UTC, as the messages say. A template file's final newline is not
part of what it says, and a subject is one line.
"""

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone


@dataclass(frozen=True)
class Wording:
    subject: str
    text: str
    html: str


def _render(name, facts):
    return render_to_string(name, facts).removesuffix("\n")


def render(kind, facts):
    """The subject, text body and HTML body of a notification of `kind` about `facts`."""
    folder = f"notifications/kinds/{kind}"
    with timezone.override(datetime.UTC):
        subject = _render(f"{folder}/subject.txt", facts)
        return Wording(
            subject=" ".join(subject.splitlines()),
            text=_render(f"{folder}/body.txt", facts),
            html=_render(f"{folder}/body.html", facts),
        )
