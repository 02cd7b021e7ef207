"""The desk's people pages (account managers) and the pages a one-time link opens.
Thin: each reads the form, calls accounts.people and answers a refusal with a 4xx page
that keeps what was typed."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import passwords, people
from accounts.selectors import account_trail
from core.roles import ALL_ROLES
from core.web import client_ip, form_post

INVITE_FIELDS = ("username", "email", "first_name", "last_name")


def people_view(view):
    """Signed-in account managers (or publishers, by setting); anyone else gets a 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not people.manages_people(request.user):
            raise PermissionDenied(people.NotAccountManager.default_message)
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapper))


def _people_page(request, *, values=None, error=None, status=200):
    now = timezone.now()
    rows = [(person, people.status_of(person, now)) for person in people.people_rows()]
    return render(
        request,
        "accounts/people/list.html",
        {
            "rows": rows,
            "all_roles": ALL_ROLES,
            "values": values or {"roles": []},
            "error": error,
        },
        status=status,
    )


@people_view
@require_http_methods(["GET", "HEAD", "POST"])
def people_list(request):
    """Everyone with an account, and the invitation form."""
    if request.method != "POST":
        return _people_page(request)
    values = {field: request.POST.get(field, "") for field in INVITE_FIELDS}
    values["roles"] = request.POST.getlist("roles")
    try:
        person = people.person_invite(
            actor=request.user,
            username=values["username"],
            email=values["email"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            role_names=values["roles"],
            ip=client_ip(request),
            now=timezone.now(),
        )
    except people.PeopleRefused as error:
        return _people_page(request, values=values, error=error.message, status=400)
    messages.success(request, f"{person.get_username()} is invited: a one-time link went to {person.email}.")
    return redirect("people:person", person.pk)


def _person_page(request, person, *, error=None, chosen=None, status=200):
    now = timezone.now()
    held = set(person.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
    return render(
        request,
        "accounts/people/person.html",
        {
            "person": person,
            "status": people.status_of(person, now),
            "all_roles": ALL_ROLES,
            "held": set(chosen) if chosen is not None else held,
            "is_self": person.pk == request.user.pk,
            "reset_by_manager": settings.PASSWORD_RESET == "managed",
            "trail": account_trail(person.pk),
            "error": error,
        },
        status=status,
    )


def _person(user_id):
    return get_object_or_404(
        get_user_model().objects.select_related("profile").prefetch_related(people.open_invitations()), pk=user_id
    )


@people_view
@require_http_methods(["GET", "HEAD"])
def person(request, user_id):
    return _person_page(request, _person(user_id))


def _change(request, user_id, change, done, *, chosen=None):
    _person(user_id)  # 404 for an unknown account
    try:
        change(actor=request.user, user_id=user_id, ip=client_ip(request), now=timezone.now())
    except people.PeopleRefused as error:
        return _person_page(request, _person(user_id), error=error.message, chosen=chosen, status=400)
    messages.success(request, done)
    return redirect("people:person", user_id)


@people_view
@form_post("people:person", "user_id")
def roles(request, user_id):
    chosen = request.POST.getlist("roles")

    def change(**kwargs):
        return people.person_set_roles(role_names=chosen, **kwargs)

    return _change(request, user_id, change, "Roles saved; the change is in the record.", chosen=chosen)


@people_view
@form_post("people:person", "user_id")
def deactivate(request, user_id):
    return _change(
        request, user_id, people.person_deactivate, "Deactivated: their sessions, API tokens and links have ended."
    )


@people_view
@form_post("people:person", "user_id")
def reactivate(request, user_id):
    return _change(request, user_id, people.person_reactivate, "Reactivated: they can sign in again.")


@people_view
@form_post("people:person", "user_id")
def reset_link(request, user_id):
    return _change(request, user_id, people.password_reset_send, "A one-time password reset link went to their e-mail.")


@people_view
@form_post("people:person", "user_id")
def resend_invitation(request, user_id):
    return _change(request, user_id, people.invitation_resend, "A new invitation link went to their e-mail.")


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password page, with the change recorded and a periodic change satisfied."""

    def form_valid(self, form):
        response = super().form_valid(form)
        passwords.password_changed(user=self.request.user, ip=client_ip(self.request), now=timezone.now())
        self.request.session.pop(passwords.DUE, None)
        return response


# ---------------------------------------------------------------- pages a link opens


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def account_link(request, secret):
    """Set a password through a one-time link; the person is then signed in, on their dashboard."""
    now = timezone.now()
    try:
        link = people.open_link(secret, now)
    except people.LinkRefused as error:
        return render(request, "accounts/people/link.html", {"refusal": error.message}, status=410)
    context = {"link": link, "person": link.user, "min_length": settings.PASSWORD_MIN_LENGTH}
    if request.method != "POST":
        return render(request, "accounts/people/link.html", context)
    try:
        user = people.link_redeem(
            secret=secret,
            password=request.POST.get("password", ""),
            password_again=request.POST.get("password_again", ""),
            ip=client_ip(request),
            now=timezone.now(),
        )
    except people.LinkRefused as error:
        return render(request, "accounts/people/link.html", {"refusal": error.message}, status=410)
    except people.PeopleRefused as error:
        return render(request, "accounts/people/link.html", {**context, "error": error.message}, status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, "Your password is set and you are signed in.")
    return redirect("dashboard")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request):
    """Self-service password reset by e-mail, when PASSWORD_RESET is "self-service";
    otherwise a page saying who resets passwords."""
    context = {"self_service": settings.PASSWORD_RESET == "self-service", "who": people.who_manages_people()}
    if request.method != "POST":
        return render(request, "accounts/people/reset_request.html", context)
    email = request.POST.get("email", "")
    try:
        people.password_reset_request(email=email, ip=client_ip(request), now=timezone.now())
    except people.PeopleRefused as error:
        status = {people.ResetUnavailable: 403, people.ResetThrottled: 429}.get(type(error), 400)
        context = {**context, "error": error.message, "email": email}
        return render(request, "accounts/people/reset_request.html", context, status=status)
    return render(request, "accounts/people/reset_request.html", {**context, "sent_to": email.strip()})
