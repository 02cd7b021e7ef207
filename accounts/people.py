"""People management: invitations, roles, deactivation and password reset links.

Account managers (and publishers, with PUBLISHERS_MANAGE_PEOPLE) invite people by e-mail
with a one-time link, grant and remove roles and deactivate accounts; nobody changes
their own roles or account. A password reset goes through them by default
(PASSWORD_RESET=managed), or is off, or self-service by e-mail, throttled. Every change
is an event in the account trail; a self-service request is one in the sign-in chain.

Links carry a secret only the e-mail holds (the database keeps its SHA-256); each is
good once, until it expires, and a newer link of the same purpose withdraws the older."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.people_models import AccountLink, hash_link_secret, new_link_secret
from accounts.services import AccountChangeRefused, user_create, user_set_roles, user_update_account
from accounts.sessions import end_sessions_of
from api.models import ApiToken
from articles.audit import record_trail_event
from articles.models import Event
from core.roles import ALL_ROLES, may_manage_people, roles_of

log = logging.getLogger(__name__)

INVITATION, RESET = AccountLink.INVITATION, AccountLink.RESET


class PeopleRefused(AccountChangeRefused):
    """A refused change to people or their access (400 page, what was typed kept)."""


class NotAccountManager(PeopleRefused):
    """The person asking does not manage people (403)."""

    default_message = "Only account managers invite people, change roles and deactivate accounts."


class LinkRefused(PeopleRefused):
    """A one-time link that cannot be used: unknown, used, withdrawn or expired."""


class ResetUnavailable(PeopleRefused):
    """Self-service password reset is not offered here."""


class ResetThrottled(PeopleRefused):
    """Too many self-service reset requests from one address or for one e-mail."""


def manages_people(user):
    return may_manage_people(roles_of(user), publishers_manage_people=settings.PUBLISHERS_MANAGE_PEOPLE)


def _require_manager(actor):
    if not manages_people(actor):
        raise NotAccountManager()


def who_manages_people():
    return "an account manager or a publisher" if settings.PUBLISHERS_MANAGE_PEOPLE else "an account manager"


# ---------------------------------------------------------------- reading


def people_rows():
    """Every account with its roles and open links, for the people page: three queries."""
    return list(
        get_user_model()
        .objects.select_related("profile")
        .prefetch_related("groups", open_invitations())
        .order_by("-is_active", "username")
    )


def open_invitations():
    """Prefetch of each account's invitations not used or withdrawn (expired ones included:
    `status_of` reads their expiry), however many reset links the account had."""
    unused = AccountLink.objects.filter(purpose=INVITATION, used_at=None, withdrawn_at=None)
    return Prefetch("account_links", queryset=unused, to_attr="open_invitations")


def status_of(person, now):
    """ "active", "invited" (an open invitation, never signed in) or "deactivated"."""
    if person.is_active:
        return "active"
    if any(link.is_open(now) for link in person.open_invitations):
        return "invited"
    return "deactivated"


# ---------------------------------------------------------------- links


def _link_mail(user, purpose, secret, expires_at):
    """Send the link once the transaction that made it has committed. The secret is in
    the e-mail only (never in a stored outbox row), so a failed send is logged and the
    manager sends a new link."""
    context = {
        "person": user,
        "purpose": purpose,
        "url": settings.SITE_URL + reverse("account_link", args=[secret]),
        "expires_at": expires_at,
    }
    subject = render_to_string("emails/account-link-subject.txt", context).strip()
    body = render_to_string("emails/account-link-body.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception as error:  # SMTP and socket errors come in several kinds
        log.warning("account link for user %s not sent (%s): a new one can be sent", user.pk, error)


def link_issue(*, actor, user, purpose, ip, now):
    """Make a one-time link for `user` (withdrawing their older open ones of that purpose),
    record it, and e-mail it to them after commit. `actor` None: self-service."""
    lifetime = (
        timedelta(days=settings.INVITATION_DAYS)
        if purpose == INVITATION
        else timedelta(minutes=settings.PASSWORD_RESET_LINK_MINUTES)
    )
    secret = new_link_secret()
    with transaction.atomic():
        AccountLink.objects.filter(user=user, purpose=purpose, used_at=None, withdrawn_at=None).update(withdrawn_at=now)
        link = AccountLink.objects.create(
            user=user,
            purpose=purpose,
            secret_hash=hash_link_secret(secret),
            issued_by=actor,
            created_at=now,
            expires_at=now + lifetime,
        )
        record_trail_event(
            kind="account",
            action="invitation_sent" if purpose == INVITATION else "password_reset_link_sent",
            actor=actor,
            now=now,
            subject_id=user.pk,
            ip=ip,
            comment=f"{user.get_username()}: one-time {link.get_purpose_display().lower()} link sent to {user.email}",
            details={"username": user.get_username(), "email": user.email, "expires_at": link.expires_at.isoformat()},
        )
        transaction.on_commit(lambda: _link_mail(user, purpose, secret, link.expires_at))
    return link


def open_link(secret, now):
    """The link this secret opens, or LinkRefused saying why it cannot be used."""
    link = AccountLink.objects.select_related("user").filter(secret_hash=hash_link_secret(secret or "")).first()
    if link is None:
        raise LinkRefused("This link is not valid. Check that the whole address was copied.")
    who = who_manages_people()
    if link.used_at is not None:
        raise LinkRefused(f"This link has been used already: each link works once. Ask {who} for a new one.")
    if link.withdrawn_at is not None:
        raise LinkRefused(f"This link was replaced by a newer one: use the latest e-mail, or ask {who}.")
    if now >= link.expires_at:
        raise LinkRefused(f"This link expired on {link.expires_at:%Y-%m-%d at %H:%M} UTC. Ask {who} for a new one.")
    if link.purpose == RESET and not link.user.is_active:
        raise LinkRefused(f"This account is deactivated. Ask {who}.")
    return link


def link_redeem(*, secret, password, password_again, ip, now):
    """Set the password through a one-time link: the invitee's first password (which
    activates the account) or a reset. Refuses a link that cannot be used, two different
    passwords, and a password the rules refuse (each reason said). Returns the account."""
    with transaction.atomic():
        link = open_link(secret, now)
        link = AccountLink.objects.select_for_update().select_related("user").get(pk=link.pk)
        open_link(secret, now)  # again under the lock: two tabs sending the same link
        user = link.user
        if password != password_again:
            raise PeopleRefused("The two passwords are not the same.")
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise PeopleRefused(" ".join(error.messages)) from None
        user.set_password(password)
        fields = ["password"]
        if link.purpose == INVITATION and not user.is_active:
            user.is_active = True
            fields.append("is_active")
        user.save(update_fields=fields)
        link.used_at = now
        link.save(update_fields=["used_at"])
        accepted = link.purpose == INVITATION
        record_trail_event(
            kind="account",
            action="invitation_accepted" if accepted else "password_reset_done",
            actor=user,
            now=now,
            subject_id=user.pk,
            ip=ip,
            comment=f"{user.get_username()}: "
            + ("invitation accepted, password set, account active" if accepted else "password set by reset link"),
            details={"username": user.get_username(), "link_issued_by": link.issued_by_id},
        )
        if not accepted:
            end_sessions_of(user)
    return user


# ---------------------------------------------------------------- invitations, roles, access


def _role_groups(role_names):
    unknown = set(role_names) - set(ALL_ROLES)
    if unknown:
        raise PeopleRefused(f"Unknown role: {', '.join(sorted(unknown))}.")
    return list(Group.objects.filter(name__in=role_names))


def invitation_problems(*, username, email, first_name, last_name):
    """What is wrong with an invitation as typed, as sentences (empty when nothing)."""
    User = get_user_model()
    problems = []
    try:
        UnicodeUsernameValidator()(username)
        if not username or len(username) > 150:
            raise ValidationError("")
    except ValidationError:
        problems.append("A login name is 1 to 150 letters, digits and @ . + - _ (no spaces).")
    try:
        validate_email(email)
    except ValidationError:
        problems.append("Enter the e-mail address the invitation goes to.")
    if email and User.objects.filter(email__iexact=email, is_active=True).exists():
        problems.append(f"An active account already uses {email}.")
    if username and User.objects.filter(username__iexact=username).exists():
        problems.append(f"The login name “{username}” is taken. Choose another.")
    for label, value in (("First name", first_name), ("Last name", last_name)):
        if len(value) > 150:
            problems.append(f"{label} can be at most 150 characters.")
    return problems


def person_invite(*, actor, username, email, first_name, last_name, role_names, ip, now):
    """Create an account that cannot sign in yet, give it `role_names`, and e-mail the
    person a one-time link (INVITATION_DAYS) to set their password, which activates it.
    Each step is an event. Refuses non-managers (NotAccountManager), a login name taken or
    ever used, an e-mail an active account uses, unknown roles."""
    _require_manager(actor)
    username, email = username.strip(), email.strip()
    problems = invitation_problems(username=username, email=email, first_name=first_name, last_name=last_name)
    if problems:
        raise PeopleRefused(" ".join(problems))
    groups = _role_groups(role_names)
    with transaction.atomic():
        user = get_user_model()(
            username=username, email=email, first_name=first_name.strip(), last_name=last_name.strip(), is_active=False
        )
        user.set_unusable_password()
        user_create(actor=actor, user=user, ip=ip, now=now)
        user_set_roles(actor=actor, user_id=user.pk, groups=groups, ip=ip, now=now)
        link_issue(actor=actor, user=user, purpose=INVITATION, ip=ip, now=now)
    return user


def _person(actor, user_id):
    _require_manager(actor)
    return get_user_model().objects.get(pk=user_id)


def invitation_resend(*, actor, user_id, ip, now):
    """A new invitation link for someone who has not accepted yet (the old one stops working)."""
    person = _person(actor, user_id)
    if person.is_active or person.has_usable_password():
        raise PeopleRefused(f"{person.get_username()} has already accepted; send a password reset link instead.")
    return link_issue(actor=actor, user=person, purpose=INVITATION, ip=ip, now=now)


def person_set_roles(*, actor, user_id, role_names, ip, now):
    """Give a person exactly `role_names` among the staff roles (other groups are kept).
    Refuses non-managers, unknown roles and one's own roles."""
    person = _person(actor, user_id)
    if person.pk == actor.pk:
        raise PeopleRefused("Nobody changes their own roles: ask another account manager.")
    groups = _role_groups(role_names)
    kept = list(person.groups.exclude(name__in=ALL_ROLES))
    return user_set_roles(actor=actor, user_id=person.pk, groups=kept + groups, ip=ip, now=now)


def _refuse_own_or_stronger(actor, person, doing):
    if person.pk == actor.pk:
        raise PeopleRefused(f"Nobody {doing} their own account: ask another account manager.")
    if person.is_superuser and not actor.is_superuser:
        raise PeopleRefused(f"Only an administrator {doing} an administrator's account.")


def person_deactivate(*, actor, user_id, ip, now):
    """Deactivate an account and end its access: every session it signed in with, every
    API token, every open link. Recorded as the deactivation and one event with what was
    ended. Refuses non-managers, one's own account, and an administrator's (unless one)."""
    person = _person(actor, user_id)
    _refuse_own_or_stronger(actor, person, "deactivates")
    with transaction.atomic():
        event = user_update_account(actor=actor, user_id=person.pk, changes={"is_active": False}, ip=ip, now=now)
        if event is None:
            raise PeopleRefused(f"{person.get_username()} is already deactivated.")
        sessions = end_sessions_of(person)
        tokens = ApiToken.objects.filter(user=person, revoked_at=None).update(revoked_at=now)
        links = AccountLink.objects.filter(user=person, used_at=None, withdrawn_at=None).update(withdrawn_at=now)
        record_trail_event(
            kind="account",
            action="access_ended",
            actor=actor,
            now=now,
            subject_id=person.pk,
            ip=ip,
            comment=f"{person.get_username()}: {sessions} session(s), {tokens} API token(s), {links} link(s) ended",
            details={"username": person.get_username(), "sessions": sessions, "api_tokens": tokens, "links": links},
        )
    return event


def person_reactivate(*, actor, user_id, ip, now):
    """Let a deactivated account sign in again (with its old password; send a reset link
    if it needs a new one). Refuses non-managers and one's own account."""
    person = _person(actor, user_id)
    _refuse_own_or_stronger(actor, person, "reactivates")
    if not person.has_usable_password():
        raise PeopleRefused(f"{person.get_username()} never set a password: send a new invitation instead.")
    event = user_update_account(actor=actor, user_id=person.pk, changes={"is_active": True}, ip=ip, now=now)
    if event is None:
        raise PeopleRefused(f"{person.get_username()} is already active.")
    return event


# ---------------------------------------------------------------- password reset


def password_reset_send(*, actor, user_id, ip, now):
    """An account manager sends a person a one-time password reset link (to the person's
    own e-mail, never shown to the manager). Refused unless PASSWORD_RESET is "managed",
    for one's own account (change it on the password page), an account without e-mail or
    not active."""
    if settings.PASSWORD_RESET != "managed":
        raise PeopleRefused("Password reset links are not sent by account managers here (PASSWORD_RESET).")
    person = _person(actor, user_id)
    _refuse_own_or_stronger(actor, person, "resets the password of")
    if not person.is_active:
        raise PeopleRefused(f"{person.get_username()} is not active: reactivate the account or invite them again.")
    if not person.email:
        raise PeopleRefused(f"{person.get_username()} has no e-mail address to send the link to.")
    return link_issue(actor=actor, user=person, purpose=RESET, ip=ip, now=now)


def _recent_requests(now):
    since = now - timedelta(hours=1)
    return Event.objects.filter(chain="sign-in", action="password_reset_requested", created_at__gte=since)


def password_reset_request(*, email, ip, now):
    """Self-service: someone asks for a reset link for `email`. Refused unless
    PASSWORD_RESET is "self-service" (ResetUnavailable), and past PASSWORD_RESET_PER_HOUR
    requests an hour from one address or for one e-mail (ResetThrottled, not recorded).
    Each request is an event; active accounts with that e-mail get a link. The answer is
    the same whether or not an account has that e-mail."""
    if settings.PASSWORD_RESET != "self-service":
        raise ResetUnavailable(f"Passwords are not reset by e-mail here: ask {who_manages_people()}.")
    email = (email or "").strip()[:254]
    try:
        validate_email(email)
    except ValidationError:
        raise PeopleRefused("Enter the e-mail address of your account.") from None
    limit = settings.PASSWORD_RESET_PER_HOUR
    recent = _recent_requests(now)
    if (ip and recent.filter(client_ip=ip).count() >= limit) or recent.filter(
        details__email__iexact=email
    ).count() >= limit:
        raise ResetThrottled("Too many reset requests in the last hour. Try again later.")
    accounts = list(get_user_model().objects.filter(email__iexact=email, is_active=True))
    with transaction.atomic():
        record_trail_event(
            kind="sign-in",
            action="password_reset_requested",
            actor=None,
            now=now,
            subject_id=accounts[0].pk if len(accounts) == 1 else "",
            ip=ip,
            comment=f"password reset asked for {email}",
            details={"email": email, "accounts": [account.pk for account in accounts]},
        )
        for account in accounts:
            link_issue(actor=None, user=account, purpose=RESET, ip=ip, now=now)
