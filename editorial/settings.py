"""Settings for Imprimatur, read from the environment.

Defaults make a first run work (SQLite file, tasks in-process, console email).
Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, ALLOWED_HOSTS and
HTTPS=true. The README has a table of every variable.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from editorial.env import (
    env_bool,
    env_cache,
    env_choice,
    env_database,
    env_int,
    env_keys,
    env_list,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development)")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"

# The audit trail's events are chained with an HMAC under this key, kept outside the
# database so that the database login alone cannot re-chain an edited trail. Each event
# stores the id of the key it was made with; retired keys stay listed to verify old events.
AUDIT_KEY = env_str("AUDIT_KEY")
if not AUDIT_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("AUDIT_KEY must be set when DEBUG is off (a random string of 32 characters or more)")
    AUDIT_KEY = "insecure-development-audit-key-only-used-with-DEBUG-on"
if len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("AUDIT_KEY must be 32 characters or more")
AUDIT_KEY_ID = env_str("AUDIT_KEY_ID", "1").strip()
if not AUDIT_KEY_ID or len(AUDIT_KEY_ID) > 20 or not AUDIT_KEY_ID.replace("-", "").replace("_", "").isalnum():
    raise ImproperlyConfigured("AUDIT_KEY_ID must be 1 to 20 letters, digits, - or _")
AUDIT_RETIRED_KEYS = env_keys("AUDIT_RETIRED_KEYS")
if AUDIT_KEY_ID in AUDIT_RETIRED_KEYS:
    raise ImproperlyConfigured("AUDIT_RETIRED_KEYS must not list the current AUDIT_KEY_ID")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if not DEBUG else ["*"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "reversion",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "accounts",
    "articles",
    "references",
    "notifications",
    "public",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "reports",
    "webhooks",
    "registry",
    "figures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",  # the host check, before any page is answered
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A public article page is answered here, after the checks above.
    "public.views.PublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor, if any, this session passed (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: an ended session is told why.
    "accounts.sessions.SessionLimitsMiddleware",
    # After the password, the code: nothing else opens until the session passed it.
    "accounts.two_factor.TwoFactorMiddleware",
    "accounts.passwords.PasswordAgeMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "editorial.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "accounts.sessions.resumed_form",
                "notifications.context_processors.unread",
            ],
        },
    },
]

WSGI_APPLICATION = "editorial.wsgi.application"

# The REST API (api/): personal tokens only (no session, so no CSRF surface), JSON only,
# errors as RFC 9457 problem details.
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50, minimum=1)
API_MAX_AGE = env_int("API_MAX_AGE", 60, minimum=0)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.DeskToken"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "EXCEPTION_HANDLER": "api.problem.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": API_PAGE_SIZE,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Imprimatur API",
    "DESCRIPTION": (
        "Published articles, their references and the review board, for anyone (no token); and the "
        "editorial desk's actions for staff, with a personal token made on the desk page 'API tokens' "
        "(`Authorization: Bearer <token>`). Every action goes through the same rules as the desk. "
        "Signing an approval and confirming a fast-track request are not offered here: they need the "
        "person to re-enter their password and a two-factor code on the desk. Errors are RFC 9457 problem details "
        "(`application/problem+json`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_problem_responses"],
}

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# The owner login that runs migrations; the app itself runs as DATABASE_URL's role, which
# `manage.py migrate` then grants what it needs (see grant_runtime_role). Unset: one login.
MIGRATE_DATABASE = env_database("MIGRATE_DATABASE_URL", None) if env_str("MIGRATE_DATABASE_URL") else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords per NIST SP 800-63B: a minimum length, no password on the common/breached list
# (Django's list of 20,000, shipped with it) nor close to the person's own names, and no
# composition rules (so no "not only digits" either), and no periodic change unless asked.
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 12, minimum=8)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# A periodic password change is not asked for (NIST SP 800-63B) unless this many days are set.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 0, minimum=0)
# Password reset: "managed" (default) - an account manager sends a one-time link; "off" -
# nobody resets by link; "self-service" - anyone may ask for a link by e-mail, at most
# PASSWORD_RESET_PER_HOUR times an hour per address and per e-mail. Every step is audited.
PASSWORD_RESET = env_choice("PASSWORD_RESET", "managed", ("off", "managed", "self-service"))
PASSWORD_RESET_PER_HOUR = env_int("PASSWORD_RESET_PER_HOUR", 3, minimum=1)
PASSWORD_RESET_LINK_MINUTES = env_int("PASSWORD_RESET_LINK_MINUTES", 60, minimum=5)
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)
# Account managers invite people and grant roles; publishers do too when this is on.
PUBLISHERS_MANAGE_PEOPLE = env_bool("PUBLISHERS_MANAGE_PEOPLE", False)
# A signed-in session ends after this long without a request, and this long after sign-in
# whatever happens; a form sent after that is refused and asks for the full sign-in.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# Every sign-in (the login page, the admin's) passes django-axes first, which refuses an
# account or an address locked after too many failures (accounts/lockout.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# LOCKOUT_FAILURES wrong passwords (at sign-in or at signing) for one login name, or from
# one address, each less than LOCKOUT_MINUTES after the one before, lock that name or that
# address for LOCKOUT_MINUTES after the last one.
LOCKOUT_FAILURES = env_int("LOCKOUT_FAILURES", 5, minimum=1)
LOCKOUT_MINUTES = env_int("LOCKOUT_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"  # both read the two settings above
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: a name, or an address
AXES_CLIENT_IP_CALLABLE = "core.web.client_ip"  # the address the audit trail records
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# A lock ends LOCKOUT_MINUTES after it began, whatever is tried meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success does not wipe the failures counted for the name and the address it came from.
AXES_RESET_ON_SUCCESS = False
# The audit trail keeps sign-ins and failures; unlocking goes through the desk, on the record.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
LOGIN_URL = "login"
# Two-factor sign-in (TOTP from an authenticator app, plus single-use recovery codes):
# reviewers, publishers and administrators must enrol before they use anything else, and
# signing asks for a fresh code as well as the password. Anyone enrolled uses it either way.
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Imprimatur")
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Uploaded files (board members' photos, articles' figures). nginx serves MEDIA_URL from MEDIA_ROOT
# (deploy/nginx.conf); `make run` has the app serve them itself (SERVE_MEDIA).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
# Figures: a file larger than FIGURE_MAX_BYTES is refused before it is read, an image of
# more than FIGURE_MAX_PIXELS before it is decoded (Pillow's own limit, core/images.py, is
# 40 million); each is stored in renditions FIGURE_WIDTHS pixels wide (never wider than
# the image); an article has at most FIGURES_PER_ARTICLE figures.
FIGURE_MAX_BYTES = env_int("FIGURE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FIGURE_MAX_PIXELS = min(env_int("FIGURE_MAX_PIXELS", 40_000_000, minimum=1), 40_000_000)
try:
    FIGURE_WIDTHS = sorted({int(width) for width in env_list("FIGURE_WIDTHS", ["480", "960", "1600"])})
except ValueError:
    raise ImproperlyConfigured("FIGURE_WIDTHS must be whole numbers separated by commas (got a non-number)") from None
if not FIGURE_WIDTHS or FIGURE_WIDTHS[0] < 16:
    raise ImproperlyConfigured("FIGURE_WIDTHS must list at least one width of 16 pixels or more")
FIGURES_PER_ARTICLE = env_int("FIGURES_PER_ARTICLE", 50, minimum=1)

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# HTTPS: switch on behind TLS. It turns on secure cookies, HSTS and the redirect,
# which `manage.py check --deploy` asks for; off by default so the demo works on http.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For: the client's address
# is taken that many entries from the right, never from what the client wrote itself.
PROXY_COUNT = env_int("PROXY_COUNT", 1 if BEHIND_PROXY else 0, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Public pages: rendered once per published version; finished pages are cached only in
# a cache every process shares (Redis), since a change made in one process (a web
# worker, the Celery worker) must reach what all of them serve.
CACHES = {"default": env_cache("CACHE_URL", "locmem://")}
SHARED_CACHE = CACHES["default"]["BACKEND"] == "editorial.cache.SharedClientRedisCache"
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", SHARED_CACHE)
if PUBLIC_PAGE_CACHE and not SHARED_CACHE and not DEBUG:
    raise ImproperlyConfigured(
        "PUBLIC_PAGE_CACHE is on but CACHE_URL does not name a cache shared between processes: "
        "set CACHE_URL=redis://host:6379/1, or PUBLIC_PAGE_CACHE=false"
    )
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 86400, minimum=1)
# How long a process serves its copy of a cached page before asking the shared cache
# whether the article changed: the bound on how stale another process's change can be.
PUBLIC_PAGE_RECHECK_MS = env_int("PUBLIC_PAGE_RECHECK_MS", 1000, minimum=0)
if PUBLIC_PAGE_RECHECK_MS > 2000:
    raise ImproperlyConfigured(
        f"PUBLIC_PAGE_RECHECK_MS must be at most 2000 (got {PUBLIC_PAGE_RECHECK_MS}): every worker "
        "serves a change within 2 s"
    )
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", 60, minimum=0)
# Publishing also writes each audience's page as static HTML here (empty: off).
STATIC_EXPORT_DIR = env_str("STATIC_EXPORT_DIR", str(BASE_DIR / "export"))

# Reference list style on every page: "ama" (AMA 11th edition) or "vancouver" (NLM).
CITATION_STYLE = env_choice("CITATION_STYLE", "ama", ("ama", "vancouver"))
# Crossref's REST API, asked by the retraction watch about every cited DOI.
CROSSREF_API_URL = env_url("CROSSREF_API_URL", "https://api.crossref.org", schemes=("http", "https")).rstrip("/")
CROSSREF_MAILTO = env_str("CROSSREF_MAILTO", "")
RETRACTION_CHECK_HOURS = env_int("RETRACTION_CHECK_HOURS", 24, minimum=1)
# NCBI E-utilities, asked for a PubMed record when a reference is added by its PMID, and
# by the notice watch about every cited PubMed ID (publication types, correction links).
NCBI_EUTILS_URL = env_url(
    "NCBI_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils", schemes=("http", "https")
).rstrip("/")
# How long a lookup (Crossref, PubMed) may take before the page says the service did not answer.
REFERENCE_LOOKUP_TIMEOUT = env_int("REFERENCE_LOOKUP_TIMEOUT", 10, minimum=1)
# A source that answers 429 is asked again after its Retry-After when that is at most this
# long; a longer wait ends the run's questions to that source (the next run asks again).
NOTICE_RETRY_WAIT_MAX_SECONDS = env_int("NOTICE_RETRY_WAIT_MAX_SECONDS", 30, minimum=0)
# Days the signers have to review an article again: after a cited source is retracted or
# withdrawn, and when its re-review interval has passed.
NOTICE_REVIEW_DUE_DAYS = env_int("NOTICE_REVIEW_DUE_DAYS", 14, minimum=1)
REREVIEW_DUE_DAYS = env_int("REREVIEW_DUE_DAYS", 14, minimum=1)
# Reader error reports: days editors have to triage one, and how many one address may
# send in an hour.
REPORT_TRIAGE_DAYS = env_int("REPORT_TRIAGE_DAYS", 7, minimum=1)
REPORTS_PER_ADDRESS_PER_HOUR = env_int("REPORTS_PER_ADDRESS_PER_HOUR", 5, minimum=1)

# Separation of duties (on by default; a deployment may relax each one).
# Switching an article to review after publication needs a second person to confirm it.
FAST_TRACK_NEEDS_SECOND_PERSON = env_bool("FAST_TRACK_NEEDS_SECOND_PERSON", True)
# Whoever signed an approval of a version may also publish (or schedule) that version.
SIGNER_MAY_PUBLISH = env_bool("SIGNER_MAY_PUBLISH", False)

# Email
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))  # for the file-based backend
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Imprimatur <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with no broker, tasks run in-process so the demo needs nothing else.
_BROKER_FROM_ENV = env_url("CELERY_BROKER_URL", None, schemes=("redis", "rediss", "amqp", "memory"))
CELERY_TASK_ALWAYS_EAGER = _BROKER_FROM_ENV is None
# In-process mode never talks to a broker, but Celery still builds a producer; naming
# the in-memory transport keeps kombu from guessing one (amqp://localhost).
CELERY_BROKER_URL = _BROKER_FROM_ENV or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TIMEZONE = TIME_ZONE
# A broker that is down must not hold up the request that caused the task: give up
# at once; the outbox sweep delivers what was not queued.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 0}
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Reminders: every interval is configurable (days unless named otherwise).
REMINDER_SWEEP_MINUTES = env_int("REMINDER_SWEEP_MINUTES", 15, minimum=1)
REMIND_OVERDUE_REVIEW_EVERY_DAYS = env_int("REMIND_OVERDUE_REVIEW_EVERY_DAYS", 3, minimum=1)
ESCALATE_AFTER_REMINDERS = env_int("ESCALATE_AFTER_REMINDERS", 3, minimum=1)
REMIND_CHANGES_REQUESTED_AFTER_DAYS = env_int("REMIND_CHANGES_REQUESTED_AFTER_DAYS", 7, minimum=1)
REMIND_APPROVED_UNPUBLISHED_AFTER_DAYS = env_int("REMIND_APPROVED_UNPUBLISHED_AFTER_DAYS", 3, minimum=1)
# The reviewer registry: a declaration of interests holds this many days; publishers and
# the holder hear of a licence or certification this many days before it expires; a
# photo larger than PHOTO_MAX_BYTES is refused before it is read.
DECLARATION_VALID_DAYS = env_int("DECLARATION_VALID_DAYS", 365, minimum=1)
CREDENTIAL_REMIND_DAYS = env_int("CREDENTIAL_REMIND_DAYS", 30, minimum=1)
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
DIGEST_HOUR_UTC = env_int("DIGEST_HOUR_UTC", 7, minimum=0)
# Webhooks: each post waits at most WEBHOOK_TIMEOUT_SECONDS; a failed one is tried again after
# WEBHOOK_RETRY_BASE_SECONDS, doubling each time, until WEBHOOK_MAX_ATTEMPTS.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 60, minimum=1)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
# Endpoints on this machine or a private network are refused (a publisher's endpoint must
# not reach internal services); a closed deployment whose receivers are internal sets this.
WEBHOOK_ALLOW_LOCAL_TARGETS = env_bool("WEBHOOK_ALLOW_LOCAL_TARGETS", False)

# Beat sends a heartbeat this often; /healthz fails when it is two intervals late.
HEARTBEAT_SECONDS = env_int("HEARTBEAT_SECONDS", 60, minimum=5)

CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "accounts.tasks.heartbeat", "schedule": float(HEARTBEAT_SECONDS)},
    "publish-scheduled-articles": {"task": "articles.tasks.publish_due_articles", "schedule": 60.0},
    "retraction-watch": {"task": "references.tasks.check_retractions", "schedule": 3600.0},
    "format-imported-references": {"task": "references.tasks.format_pending", "schedule": 600.0},
    "deliver-pending-notifications": {"task": "notifications.tasks.deliver_pending", "schedule": 60.0},
    "reminder-sweep": {"task": "notifications.tasks.send_reminders", "schedule": REMINDER_SWEEP_MINUTES * 60.0},
    "daily-digest": {"task": "notifications.tasks.send_digests", "schedule": 3600.0},
    "apply-public-changes": {"task": "articles.tasks.apply_public_changes", "schedule": 60.0},
    "refresh-static-exports": {"task": "articles.tasks.refresh_exports", "schedule": 3600.0},
    "deliver-webhooks": {"task": "webhooks.tasks.deliver_webhooks", "schedule": 60.0},
    "registry-reminders": {"task": "registry.tasks.send_registry_reminders", "schedule": 3600.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}
