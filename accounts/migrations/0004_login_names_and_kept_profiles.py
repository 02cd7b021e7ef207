"""Login names are recorded once and never reused; a login name in the record never
changes; a profile is never deleted while its account exists.

The database enforces these itself, whatever code writes the rows: the admin, a shell,
`createsuperuser` or a data fix. Forms check the same rules first to say why."""

import django.db.models.functions.text
from django.db import migrations, models

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION accounts_record_login_name() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.username = OLD.username THEN
            RETURN NEW;
        END IF;
        IF EXISTS (SELECT 1 FROM articles_event WHERE actor_id = OLD.id)
           OR EXISTS (SELECT 1 FROM articles_signature WHERE signer_id = OLD.id) THEN
            RAISE EXCEPTION 'the login name % is in the record (it signed or acted) and cannot change', OLD.username
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM accounts_usedusername
                   WHERE lower(username) = lower(NEW.username) AND user_id = NEW.id) THEN
        -- A name used by any other account, now or before, violates login_name_used_once.
        INSERT INTO accounts_usedusername (username, user_id, first_used_at) VALUES (NEW.username, NEW.id, now());
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_login_name_recorded
    AFTER INSERT OR UPDATE OF username ON auth_user
    FOR EACH ROW EXECUTE FUNCTION accounts_record_login_name();

CREATE OR REPLACE FUNCTION accounts_usedusername_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'login names once used are kept: % on accounts_usedusername is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_usedusername_kept
    BEFORE UPDATE OR DELETE ON accounts_usedusername
    FOR EACH ROW EXECUTE FUNCTION accounts_usedusername_refuse_change();

-- Deferred to the end of the transaction: deleting an account (one that never acted)
-- removes its profile first and the account after it, which is allowed; a profile
-- removed while its account stays is refused.
CREATE OR REPLACE FUNCTION accounts_profile_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM auth_user WHERE id = OLD.user_id) THEN
        RAISE EXCEPTION 'the profile of account % cannot be deleted: deactivate the account instead', OLD.user_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER accounts_profile_kept
    AFTER DELETE ON accounts_profile DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION accounts_profile_refuse_delete();

INSERT INTO accounts_usedusername (username, user_id, first_used_at)
    SELECT username, id, date_joined FROM auth_user ORDER BY id ON CONFLICT DO NOTHING;
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS accounts_login_name_recorded ON auth_user;
DROP FUNCTION IF EXISTS accounts_record_login_name();
DROP TRIGGER IF EXISTS accounts_usedusername_kept ON accounts_usedusername;
DROP FUNCTION IF EXISTS accounts_usedusername_refuse_change();
DROP TRIGGER IF EXISTS accounts_profile_kept ON accounts_profile;
DROP FUNCTION IF EXISTS accounts_profile_refuse_delete();
"""
# SQLite (the first-run database) has no deferred triggers: there the admin alone keeps profiles.
# A table rebuild drops these triggers, and the rename guard reads the trail's tables, so
# they are listed in articles/sqlite_guards.py, dropped before such rebuilds and put back.
SQLITE_UP = [
    """CREATE TRIGGER accounts_login_name_on_insert AFTER INSERT ON auth_user
       BEGIN
         INSERT INTO accounts_usedusername (username, user_id, first_used_at)
         VALUES (NEW.username, NEW.id, CURRENT_TIMESTAMP);
       END;""",
    """CREATE TRIGGER accounts_login_name_on_rename BEFORE UPDATE OF username ON auth_user
       WHEN NEW.username <> OLD.username
       BEGIN
         SELECT RAISE(ABORT, 'this login name is in the record (it signed or acted) and cannot change')
         WHERE EXISTS (SELECT 1 FROM articles_event WHERE actor_id = OLD.id)
            OR EXISTS (SELECT 1 FROM articles_signature WHERE signer_id = OLD.id);
         INSERT INTO accounts_usedusername (username, user_id, first_used_at)
         SELECT NEW.username, NEW.id, CURRENT_TIMESTAMP
         WHERE NOT EXISTS (SELECT 1 FROM accounts_usedusername
                           WHERE lower(username) = lower(NEW.username) AND user_id = NEW.id);
       END;""",
    """CREATE TRIGGER accounts_usedusername_no_update BEFORE UPDATE ON accounts_usedusername
       BEGIN SELECT RAISE(ABORT, 'login names once used are kept: UPDATE on accounts_usedusername is refused'); END;""",
    """CREATE TRIGGER accounts_usedusername_no_delete BEFORE DELETE ON accounts_usedusername
       BEGIN SELECT RAISE(ABORT, 'login names once used are kept: DELETE on accounts_usedusername is refused'); END;""",
]
# Kept apart from the triggers: articles/sqlite_guards.py puts SQLITE_UP back after every migrate.
SQLITE_BACKFILL = """INSERT OR IGNORE INTO accounts_usedusername (username, user_id, first_used_at)
                     SELECT username, id, date_joined FROM auth_user ORDER BY id;"""
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS accounts_login_name_on_insert;",
    "DROP TRIGGER IF EXISTS accounts_login_name_on_rename;",
    "DROP TRIGGER IF EXISTS accounts_usedusername_no_update;",
    "DROP TRIGGER IF EXISTS accounts_usedusername_no_delete;",
]


def _run(schema_editor, statements):
    # No parameters: PL/pgSQL's own % placeholders must reach the server untouched.
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def restore_missing_profiles(apps, schema_editor):
    """Accounts whose profile was deleted before this guard existed get one back, so the
    pages that print their name work again (the name falls back to the account's)."""
    User = apps.get_model("auth", "User")
    Profile = apps.get_model("accounts", "Profile")
    taken = set(Profile.objects.values_list("slug", flat=True))
    for user in User.objects.filter(profile__isnull=True).order_by("pk"):
        slug, counter = f"member-{user.pk}", 2
        while slug in taken:
            slug, counter = f"member-{user.pk}-{counter}", counter + 1
        taken.add(slug)
        Profile.objects.create(user=user, slug=slug)


def install(apps, schema_editor):
    restore_missing_profiles(apps, schema_editor)
    _run(schema_editor, [POSTGRES_UP] if schema_editor.connection.vendor == "postgresql" else [*SQLITE_UP, SQLITE_BACKFILL])


def remove(apps, schema_editor):
    _run(schema_editor, [POSTGRES_DOWN] if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_celery_heartbeat"),
        # The rename guard reads the trail and the signatures.
        ("articles", "0014_audit_chain_constraints"),
    ]

    operations = [
        migrations.CreateModel(
            name="UsedUsername",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("username", models.CharField(max_length=150)),
                ("user_id", models.BigIntegerField()),
                ("first_used_at", models.DateTimeField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(django.db.models.functions.text.Lower("username"), name="login_name_used_once")
                ],
            },
        ),
        migrations.RunPython(install, remove),
    ]
