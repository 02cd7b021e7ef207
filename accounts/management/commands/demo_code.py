import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor
from accounts.demo import DEMO_PASSWORD, DEMO_STAFF, usable_code

DEMO_LOGINS = ("admin", *(spec["username"] for spec in DEMO_STAFF))


class Command(BaseCommand):
    help = (
        "Print the two-factor code a demo account's authenticator app would show now, for trying "
        "the demo without a phone. Only for the demo's accounts, and only while they keep the demo password."
    )

    def add_arguments(self, parser):
        parser.add_argument("login", choices=DEMO_LOGINS)

    def handle(self, *args, login, **options):
        user = get_user_model().objects.filter(username=login).first()
        # A deployment that kept a demo login name but set a real password is not a demo.
        if user is None or not user.check_password(DEMO_PASSWORD):
            raise CommandError(f"{login} is not a demo account with the demo password (run `manage.py seed_demo`).")
        device = two_factor.authenticator_of(user)
        if device is None:
            raise CommandError(f"{login} has no authenticator: it signs in with its password alone.")
        code = usable_code(device, time.time())
        if code is None:
            raise CommandError("This code and the next were used already: try again in 30 seconds.")
        self.stdout.write(code)
