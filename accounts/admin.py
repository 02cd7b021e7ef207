"""The admin site for accounts and profiles. It changes nothing itself: identity, login
names, activation, roles and deletion all go through `accounts.services`, which refuse
what the record forbids and record what they change. The forms check the same rules
first, so a refusal is a message on the form with what was typed kept."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import IDENTITY_FIELDS, Profile, UsedUsername
from articles.lifecycle import may_set_roles
from core.admin import ReadOnlyAdmin
from core.web import client_ip

User = get_user_model()


class ProfileAdminForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = "__all__"  # noqa: DJ007 - ProfileAdmin's read-only fields decide what may change

    def clean(self):
        cleaned = super().clean()
        typed = [field for field in IDENTITY_FIELDS if field in self.fields]
        if typed and set(typed) & set(self.changed_data):
            values = {field: (cleaned.get(field) or "").strip() for field in IDENTITY_FIELDS}
            for problem in services.identity_problems(values):
                raise forms.ValidationError(problem)
        return cleaned


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    form = ProfileAdminForm
    list_display = ("printed_name", "user", "specialty", "slug")
    search_fields = ("display_name", "user__username", "specialty")
    list_select_related = ("user",)

    def get_readonly_fields(self, request, obj=None):
        # A reviewer's public address is permanent: published pages, their static export
        # and other sites link to it, and a changed one would leave those links dead.
        # A profile stays with its account. Its identity (what signatures print) is the
        # person's own: here only an administrator changes it, and the change is recorded.
        fields = ["slug", "user"]
        if not request.user.is_superuser:
            fields += IDENTITY_FIELDS
        return fields

    def has_add_permission(self, request):
        return False  # every account is given its profile when it is created

    def has_delete_permission(self, request, obj=None):
        return False  # signatures and review lines print from it: deactivate the account instead

    def save_model(self, request, obj, form, change):
        identity = [field for field in IDENTITY_FIELDS if field in form.changed_data]
        others = [field for field in form.changed_data if field not in IDENTITY_FIELDS]
        if identity:
            services.profile_update_identity(
                actor=request.user,
                profile_id=obj.pk,
                ip=client_ip(request),
                now=timezone.now(),
                **{field: form.cleaned_data[field] or "" for field in IDENTITY_FIELDS},
            )
        if others:
            obj.save(update_fields=others)


class AccountChangeForm(UserChangeForm):
    acting_user = None  # set per request by AccountAdmin.get_form

    def clean_username(self):
        username = self.cleaned_data["username"]
        refusal = services.username_refusal(username, self.instance)
        if refusal:
            raise forms.ValidationError(refusal)
        return username

    def clean(self):
        cleaned = super().clean()
        if self.acting_user and not may_set_roles(actor_id=self.acting_user.pk, person_id=self.instance.pk):
            for field in ("groups", *services.POWER_FIELDS):
                if field in self.changed_data:
                    self.add_error(
                        field, "Nobody changes their own roles or administrator flags: ask another administrator."
                    )
        return cleaned


class AccountCreationForm(AdminUserCreationForm):
    def clean_username(self):
        username = super().clean_username()
        refusal = services.username_refusal(username)
        if refusal:
            raise forms.ValidationError(refusal)
        return username


admin.site.unregister(User)
# django-otp's device admin shows secrets and adds or removes authenticators unrecorded:
# enrolment is the person's own page, a reset the publishers' (accounts.two_factor).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(User)
class AccountAdmin(UserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    # Roles are groups; permissions per account would grant powers beside the roles, unrecorded.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("groups",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user  # a class made for this request by modelform_factory
        return form

    def save_model(self, request, obj, form, change):
        ip, now = client_ip(request), timezone.now()
        if not change:
            services.user_create(actor=request.user, user=obj, ip=ip, now=now)
            return
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field in services.ACCOUNT_FIELDS}
        services.user_update_account(actor=request.user, user_id=obj.pk, changes=changes, ip=ip, now=now)

    def save_related(self, request, form, formsets, change):
        if "groups" in form.changed_data:
            services.user_set_roles(
                actor=request.user,
                user_id=form.instance.pk,
                groups=list(form.cleaned_data["groups"]),
                ip=client_ip(request),
                now=timezone.now(),
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = [services.deletion_refusal(user) for user in objs if services.has_acted(user.pk)]
        if refusals:
            # Say why in the record's terms, rather than list the articles and events it holds.
            return deleted, model_count, set(), refusals
        # A profile goes with its account, although the admin never deletes one on its own.
        return deleted, model_count, set(perms_needed) - {str(Profile._meta.verbose_name)}, protected

    def delete_model(self, request, obj):
        services.user_delete(actor=request.user, user_id=obj.pk, ip=client_ip(request), now=timezone.now())

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self.delete_model(request, user)


@admin.register(UsedUsername)
class UsedUsernameAdmin(ReadOnlyAdmin):
    """Login names ever used: read-only, written by the database."""

    list_display = ("username", "user_id", "first_used_at")
    search_fields = ("username",)
