"""Key the trail written so far: check each article's chain as it was (plain SHA-256),
then number its events, name their chain, add the actor's login name, hash them again as HMACs under
AUDIT_KEY and put each article's last event on its row. Signatures get their signer's
login name. A chain that is already broken stops the migration, naming the
event, rather than being sealed under the key.

Events are append-only, so the migration (run as the tables' owner) lifts the trigger
for its own updates and puts it back.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations

GENESIS_HASH = "0" * 64


def _fields(event):
    return {
        "article": event.article_id, "actor": event.actor_id, "actor_name": event.actor_name,
        "created_at": event.created_at.isoformat(), "action": event.action, "from_state": event.from_state,
        "to_state": event.to_state, "version": event.version_id, "content_hash": event.content_hash,
        "comment": event.comment, "client_ip": event.client_ip, "previous_hash": event.previous_hash,
    }


def _text(fields):
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def rechain(apps, schema_editor):
    Event = apps.get_model("articles", "Event")
    Article = apps.get_model("articles", "Article")
    vendor = schema_editor.connection.vendor
    key = settings.AUDIT_KEY.encode("utf-8")
    usernames = dict(apps.get_model(*settings.AUTH_USER_MODEL.split(".")).objects.values_list("pk", "username"))
    with schema_editor.connection.cursor() as cursor:
        # On SQLite the guards were dropped by the previous migration (post_migrate restores them).
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE articles_signature DISABLE TRIGGER articles_signature_append_only")
        for signer_id, username in usernames.items():
            cursor.execute("UPDATE articles_signature SET signer_username = %s WHERE signer_id = %s", [username, signer_id])
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE articles_signature ENABLE TRIGGER articles_signature_append_only")
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE articles_event DISABLE TRIGGER articles_event_append_only")
    article_id, old_previous, new_previous, seq, last = None, GENESIS_HASH, GENESIS_HASH, 0, None
    for event in Event.objects.order_by("article_id", "id").iterator(chunk_size=2000):
        if event.article_id != article_id:
            if last is not None:
                Article.objects.filter(pk=last.article_id).update(audit_head_id=last.pk, audit_head_hash=last.event_hash)
            article_id, old_previous, new_previous, seq = event.article_id, GENESIS_HASH, GENESIS_HASH, 0
        fields = _fields(event)
        if event.previous_hash != old_previous or hashlib.sha256(_text(fields)).hexdigest() != event.event_hash:
            raise RuntimeError(f"audit trail broken at event {event.pk} (article {event.article_id}); "
                               "it is not sealed under AUDIT_KEY: restore it from a backup first")
        old_previous, seq = event.event_hash, seq + 1
        event.actor_username = usernames.get(event.actor_id, "")
        event.chain, event.subject_id, event.details = f"article:{event.article_id}", str(event.article_id), {}
        fields.update(previous_hash=new_previous, seq=seq, key_id=settings.AUDIT_KEY_ID,
                      actor_username=event.actor_username, chain=event.chain, subject_id=event.subject_id, details={})
        event.previous_hash, event.seq, event.key_id = new_previous, seq, settings.AUDIT_KEY_ID
        event.event_hash = hmac.new(key, _text(fields), hashlib.sha256).hexdigest()
        event.save(update_fields=["previous_hash", "seq", "key_id", "actor_username", "chain", "subject_id",
                                  "event_hash"])
        new_previous, last = event.event_hash, event
    if last is not None:
        Article.objects.filter(pk=last.article_id).update(audit_head_id=last.pk, audit_head_hash=last.event_hash)
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("ALTER TABLE articles_event ENABLE TRIGGER articles_event_append_only")


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_audit_chain_heads")]
    operations = [migrations.RunPython(rechain, migrations.RunPython.noop)]
