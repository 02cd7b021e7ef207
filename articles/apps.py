from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        import reversion

        from articles.models import Article, ArticleVersion

        # Every saved state of both is kept; services wrap writes in create_revision().
        for model in (Article, ArticleVersion):
            if not reversion.is_registered(model):
                reversion.register(model)
