from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        import reversion

        from articles.models import Article, ArticleVersion, SitePage

        # Every saved state is kept; services wrap writes in create_revision().
        for model in (Article, ArticleVersion, SitePage):
            if not reversion.is_registered(model):
                reversion.register(model)
