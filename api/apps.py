from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self):
        # The schema learns how token authentication works from this extension.
        from api import schema  # noqa: F401
