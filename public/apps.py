from django.apps import AppConfig


class PublicConfig(AppConfig):
    """What readers see: article pages, their cache and static export, sitemaps, reviewer
    profiles. Its tables (VersionPage, PublicChange) stay with the articles' migrations."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "public"
