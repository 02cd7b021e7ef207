"""Reading settings from the environment.

Every reader takes the variable's name so that a malformed value stops start-up
with a message naming the variable, instead of a confusing failure later.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (got {raw!r})")


def env_int(name, default, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {raw!r})") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum} (got {value})")
    return value


def env_choice(name, default, choices):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().upper() if all(c.isupper() for c in choices) else raw.strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)} (got {raw!r})")
    return value


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name, default):
    """Parse a database URL into Django's DATABASES entry."""

    raw = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as error:  # dj-database-url raises several kinds
        raise ImproperlyConfigured(f"{name} is not a database URL we understand: {error}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name} names an unknown database scheme (got {raw!r})")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # A file database kept open across requests gains nothing and locks more.
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
    return config


def env_url(name, default=None, schemes=()):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip()
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if schemes and scheme not in schemes:
        allowed = ", ".join(schemes)
        raise ImproperlyConfigured(f"{name} must be a URL starting with one of: {allowed} (got {raw!r})")
    return value


def env_cache(name, default):
    """A cache URL: locmem://, redis://host:port/db or dummy:// (no caching)."""
    raw = (os.environ.get(name) or default).strip()
    scheme = raw.split("://", 1)[0]
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "imprimatur"}
    if scheme in ("redis", "rediss"):
        # Short timeouts: a cache that is down must cost a reader milliseconds, not seconds.
        return {
            "BACKEND": "editorial.cache.SharedClientRedisCache",
            "LOCATION": raw,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"{name} must start with locmem://, redis:// or dummy:// (got {raw!r})")


def env_keys(name):
    """Named keys, `id:key,id:key`, e.g. the audit trail's retired keys."""
    keys = {}
    for item in env_list(name):
        key_id, separator, key = item.partition(":")
        if not separator or not key_id.strip() or len(key.strip()) < 32:
            raise ImproperlyConfigured(f"{name} must list id:key pairs with keys of 32 characters or more")
        keys[key_id.strip()] = key.strip()
    return keys
