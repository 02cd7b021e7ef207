from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        # Imported here and not at the top: models, and every module that uses them, load
        # only once the app registry is ready. This is the wiring of the articles to the
        # library (which imports nothing of the articles) and to django-reversion.
        import reversion
        from django.db.models.signals import post_migrate

        from articles.sqlite_guards import restore_after_migrate

        # On SQLite, table rebuilds drop triggers: put the record's guards back after migrating.
        post_migrate.connect(restore_after_migrate, sender=self)

        from articles.models import Article, ArticleVersion, SitePage

        # Every saved state is kept; services wrap writes in create_revision().
        for model in (Article, ArticleVersion, SitePage):
            if not reversion.is_registered(model):
                reversion.register(model)

        from articles.audit import record_trail_event
        from articles.selectors import citing_articles
        from articles.services import flag_articles_citing, source_notice_reached
        from references import links
        from references.services import on_reference_changed, on_source_notice

        # A changed reference flags the articles citing it, in the reference's transaction;
        # a notice on a source reaches the live pages citing it and their signers.
        on_reference_changed(flag_articles_citing)
        # The library records its changes in the audit trail and lists who cites a reference.
        links.connect(record_trail_event=record_trail_event, cited_by=citing_articles)
        on_source_notice(source_notice_reached)
