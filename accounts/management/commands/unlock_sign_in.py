from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import lockout


class Command(BaseCommand):
    help = (
        "Lift a lock on a login name or an address, on the record, in the name of a publisher or an "
        "administrator (--by): for when nobody who may unlock can sign in to the desk, say every "
        "request shares one address. The unlock is an event in the sign-in chain, as from the desk."
    )

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--name", help="the login name to unlock")
        what.add_argument("--address", help="the client address to unlock")
        parser.add_argument("--by", required=True, help="login name of the publisher or administrator unlocking")

    def handle(self, *args, name=None, address=None, by=None, **options):
        User = get_user_model()
        actor = User.objects.filter(**{User.USERNAME_FIELD: by}, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active account is named “{by}”.")
        scope, value = (lockout.ACCOUNT, name) if name is not None else (lockout.ADDRESS, address)
        try:
            event = lockout.unlock(actor=actor, scope=scope, value=value)
        except lockout.UnlockRefused as refusal:
            raise CommandError(refusal.message) from None
        self.stdout.write(self.style.SUCCESS(f"Unlocked {lockout.describe(scope, value.strip())} (event {event.pk})."))
