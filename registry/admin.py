"""The registry in the admin, to look at only: every change goes through the desk pages'
services, which record it."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from registry.models import Credential, Declaration, Photo, Specialty


@admin.register(Specialty)
class SpecialtyAdmin(ReadOnlyAdmin):
    list_display = ("name", "created_at")


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ("member", "kind", "title", "issuer", "valid_until", "verified_by", "verified_at")
    list_filter = ("kind",)
    list_select_related = ("member", "verified_by")


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ("member", "declared_at", "no_interests")
    list_select_related = ("member",)


@admin.register(Photo)
class PhotoAdmin(ReadOnlyAdmin):
    list_display = ("member", "image", "uploaded_at")
