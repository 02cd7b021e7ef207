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
        facts = {
            "credential": credential.described(),
            "valid_until": credential.valid_until,
            "expired": credential.valid_until < now.date(),
            "holder": holder.profile.name,
            "holder_printed": holder.profile.printed_name,
        }
        yield Outgoing(
            key=f"credential_expiring:c{credential.pk}:{holder.pk}",
            kind="credential_expiring",
            recipient_id=holder.pk,
            facts={**facts, "to_holder": True},
            url=reverse("registry:mine"),
        )
        to_publishers = {**facts, "to_holder": False}
        for publisher_id in publisher_ids:
            if publisher_id == holder.pk:
                continue
            yield Outgoing(
                key=f"credential_expiring:c{credential.pk}:{publisher_id}",
                kind="credential_expiring",
                recipient_id=publisher_id,
                facts=to_publishers,
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
            facts={"due_on": due},
            url=reverse("registry:mine"),
        )


def send_registry_reminders(*, now=None):
    """Write the due registry reminders; returns how many were new."""
    now = now or timezone.now()
    publisher_ids = list(active_members(PUBLISHER).values_list("pk", flat=True))
    with transaction.atomic():
        return write([*_expiring(now, publisher_ids), *_declarations_due(now)], now)
