from django.apps import AppConfig


class ReferencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "references"

    def ready(self):
        # Imported here: the model loads only once the app registry is ready.
        import reversion

        from references.models import Reference

        if not reversion.is_registered(Reference):
            reversion.register(Reference)
