"""`migrate`, run as the owner login when MIGRATE_DATABASE_URL is set.

The app runs as a runtime role that owns no table (DATABASE_URL); schema changes are
the owner's. With MIGRATE_DATABASE_URL set, this command connects as the owner for the
migration and then grants the runtime role what it needs on the tables as they now are,
so one command keeps both right.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections

LOGIN_KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


class Command(DjangoMigrate):
    help = (
        DjangoMigrate.help + " With MIGRATE_DATABASE_URL set, runs as that owner login, then grants the runtime role."
    )

    def handle(self, *args, **options):
        owner = settings.MIGRATE_DATABASE
        if owner is None or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        connection = connections[DEFAULT_DB_ALIAS]
        runtime = {key: connection.settings_dict[key] for key in LOGIN_KEYS if key in connection.settings_dict}
        connection.close()
        connection.settings_dict.update({key: owner[key] for key in LOGIN_KEYS if key in owner})
        try:
            super().handle(*args, **options)
            if runtime["USER"] and runtime["USER"] != owner.get("USER"):
                call_command("grant_runtime_role", runtime["USER"], verbosity=options["verbosity"])
        finally:
            connection.close()
            connection.settings_dict.update(runtime)
