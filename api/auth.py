"""`Authorization: Bearer <secret>`: the secret's SHA-256 names an active token of an
active person. Anything else presented as a token is refused (401), never ignored."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from api.models import ApiToken, hash_secret

KEYWORD = "Bearer"
# Touch last_used_at at most this often, so reads do not write on every request.
LAST_USED_GRANULARITY = timedelta(minutes=5)


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_secret(secret), revoked_at=None).first()
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid or was revoked.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The account this token belongs to is deactivated.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return KEYWORD
