"""Registry reminders, written to the notifications outbox: a licence or certification
expiring within CREDENTIAL_REMIND_DAYS (to its holder and the publishers, once per
credential), and a yearly declaration of interests falling due (to the member, once
per due date). Keyed by what they are about: running the sweep twice writes nothing new.
A fixed number of queries whatever the size of the board."""

from django.db import transaction
from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.roles import PUBLISHER, REVIEWER, active_members
from notifications.services import Outgoing, write
from registry.models import Declaration
from registry.selectors import declaration_due, expiring_credentials, latest_declaration_of_each


def _expiring(now, publisher_ids):
    for credential in expiring_credentials(now):
        holder = credential.member
        when = f"{credential.valid_until:%-d %B %Y}"
        verb = "expired on" if credential.valid_until < now.date() else "expires on"
        what = f"{credential.described()} {verb} {when}"
        yield Outgoing(
            key=f"credential_expiring:c{credential.pk}:{holder.pk}",
            kind="credential_expiring",
            recipient_id=holder.pk,
            subject=f"Your credential {verb} {when}",
            message=f"Your {what}. Add the renewed one on Your registry entry; without a current verified "
            "licence or certification you cannot sign approvals.",
            url=reverse("registry:mine"),
        )
        for publisher_id in publisher_ids:
            if publisher_id == holder.pk:
                continue
            yield Outgoing(
                key=f"credential_expiring:c{credential.pk}:{publisher_id}",
                kind="credential_expiring",
                recipient_id=publisher_id,
                subject=f"{holder.profile.name}'s credential {verb} {when}",
                message=f"{holder.profile.printed_name}: {what}. Verify the renewal when it is entered.",
                url=reverse("registry:index"),
            )


def _declarations_due(now):
    latest = latest_declaration_of_each()
    members = (
        active_members(REVIEWER)
        .annotate(
            declared_at=Subquery(latest.values("declared_at")[:1]), declaration_id=Subquery(latest.values("pk")[:1])
        )
        .distinct()
    )
    for member in members:
        declaration = Declaration(declared_at=member.declared_at) if member.declared_at else None
        due = declaration_due(declaration, now)
        if due > now.date():
            continue
        yield Outgoing(
            key=f"declaration_due:{member.declaration_id or 'never'}:{member.pk}",
            kind="declaration_due",
            recipient_id=member.pk,
            subject="Your yearly declaration of interests is due",
            message=f"Your declaration of interests fell due on {due:%-d %B %Y}. Until you file it on Your "
            "registry entry, you cannot sign approvals.",
            url=reverse("registry:mine"),
        )


def send_registry_reminders(*, now=None):
    """Write the due registry reminders; returns how many were new."""
    now = now or timezone.now()
    publisher_ids = list(active_members(PUBLISHER).values_list("pk", flat=True))
    with transaction.atomic():
        return write([*_expiring(now, publisher_ids), *_declarations_due(now)], now)
