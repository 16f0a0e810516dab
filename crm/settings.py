"""Settings for the restaurant CRM, read from the environment (and `.env`).

Every value has a default that keeps the quick start working. The insecure ones are
listed in `INSECURE_DEFAULTS_IN_USE`, named in a warning at start-up and refused by
`manage.py check --deploy` (see `crm/checks.py`).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

from crm.email_url import email_settings

BASE_DIR = Path(__file__).resolve().parent.parent

# Real environment variables win over `.env`.
load_dotenv(BASE_DIR / ".env", override=False)

INSECURE_DEFAULTS_IN_USE: list[str] = []


def env_str(name: str, default: str, *, insecure: bool = False) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if insecure:
            INSECURE_DEFAULTS_IN_USE.append(name)
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Parse `DB_URL`, accepting the v1 deployment's SQLAlchemy form (`postgresql+asyncpg://…`)."""
    url = re.sub(r"^([a-z0-9]+)\+[a-z0-9_]+://", r"\1://", url.strip(), flags=re.IGNORECASE)
    try:
        config = dj_database_url.parse(url)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DB_URL is not a database URL Django can use: {exc}") from None
    return config


# --- Core -----------------------------------------------------------------------------------

SECRET_KEY = env_str(
    "SECRET_KEY", "django-insecure-restaurant-crm-quick-start-key-change-me", insecure=True
)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "corsheaders",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crm",
    "restaurants",
    "bookings",
    "assistant",
]

MIDDLEWARE = [
    "crm.middleware.RequestLogMiddleware",
    # A view that meets a database outage answers 503 instead of 500.
    "crm.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Refuses a NUL or non-UTF-8 bytes in the path, query, cookies, headers of a write, or a
    # form (400), before anything reads them: PostgreSQL refuses NUL in text, so one would
    # otherwise be a 500 in whichever query met it. After the locale, so the answer is in the
    # caller's language; after CORS, so a browser client can read it.
    "crm.bad_text.BadTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A session whose user had their tokens revoked (sign out everywhere) is signed out.
    "crm.tokens.middleware.SessionRevocationMiddleware",
    # `request.user.is_verified()`: whether this session signed in with a second factor.
    "django_otp.middleware.OTPMiddleware",
    "crm.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "crm.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]
# What only the pages and sign-in use. A request that carries a bearer token to an API path
# is served without them (crm/wsgi.py): it has no session, no CSRF cookie, no messages, no
# htmx, and its sign-in is the token, checked by the API's authentication.
PAGE_ONLY_MIDDLEWARE = {
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crm.tokens.middleware.SessionRevocationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
}
API_MIDDLEWARE = [name for name in MIDDLEWARE if name not in PAGE_ONLY_MIDDLEWARE]
# Paths of pages, the admin, the guests' pages and static files: always the whole chain.
PAGE_PATH_PREFIXES = ("/app/", "/admin/", "/r/", "/i18n/", "/static/")

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"
# The v1 API's paths (docs/api-v1.md) have no trailing slash; never redirect them.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DB_URL = env_str("DB_URL", "")
if DB_URL:
    _db = database_from_url(DB_URL)
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}

if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction begins, so two bookings for the same
    # slot queue up instead of both counting the old state. WAL lets readers go on meanwhile.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not shared-cache memory: the tests book from many threads at once.
    _db["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # A pool per process (psycopg's): a request borrows a connection and gives it back when it
    # ends, so one process holds at most DB_POOL_MAX_SIZE connections however many threads
    # serve, and an app instance (2 workers) at most twice that. A connection is checked before
    # it is lent, so a restarted PostgreSQL is survived. A request that waits DB_POOL_TIMEOUT
    # seconds for one gets the 503 of a database that is unavailable.
    _db["CONN_MAX_AGE"] = 0
    _db["CONN_HEALTH_CHECKS"] = True
    _db.setdefault("OPTIONS", {}).update(
        connect_timeout=env_int("DB_CONNECT_TIMEOUT", 5),
        pool={
            "min_size": min(env_int("DB_POOL_MIN_SIZE", 2), env_int("DB_POOL_MAX_SIZE", 8)),
            "max_size": env_int("DB_POOL_MAX_SIZE", 8),
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        },
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # Redis is a cache here: when it is down, answer from the database.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The v1 slot cache (docs/api-v1.md): key `slots:{restaurant_id}:{date}`, JSON list, this TTL.
SLOTS_CACHE_TTL = 3600

# --- Auth -----------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout, for the page and `POST /auth/login` alike: after this many failures for one
# username from one address, that pair is refused (429) until the cool-off ends. Kept in the
# database, so it holds when Redis is down.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "crm.lockout.lockout_response"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Two-factor sign-in: the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Restaurant CRM")
# Minutes a page sign-in may wait between the password and the code.
TWO_FACTOR_PENDING_SECONDS = 300

# Anyone may sign up and open a restaurant: on by default only in development (`make run`).
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", DEBUG)
# Sign-ups and password-reset requests accepted from one address per hour (0: no limit).
SIGNUP_LIMIT_PER_HOUR = env_int("SIGNUP_LIMIT_PER_HOUR", 5)
PASSWORD_RESET_LIMIT_PER_HOUR = env_int("PASSWORD_RESET_LIMIT_PER_HOUR", 10)
# How long the link of a password-reset mail works, in seconds (Django's own setting).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

ADMIN_USERNAME = env_str("ADMIN_USERNAME", "admin")
ADMIN_PASSWORD = env_str("ADMIN_PASSWORD", "password123", insecure=True)

JWT_SECRET = env_str("JWT_SECRET", "supersecretjwt", insecure=True)
JWT_ALGORITHM = env_str("JWT_ALGORITHM", "HS256")
JWT_ACCESS_MINUTES = env_int("JWT_ACCESS_MINUTES", 15)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "crm.api.authentication.CachedUserJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["crm.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "crm.api.negotiation.JSONFirstNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "crm.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SIMPLE_JWT = {
    "ALGORITHM": JWT_ALGORITHM,
    "SIGNING_KEY": JWT_SECRET,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=JWT_ACCESS_MINUTES),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "AUTH_HEADER_TYPES": ("Bearer",),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Restaurant CRM API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Table bookings for a restaurant. Sign in at `POST /auth/login`, then send "
        "`Authorization: Bearer <access_token>` with every other request. A restaurant you do "
        "not belong to answers 404, like a missing one. Errors are JSON: `detail` says what "
        "went wrong (naming the field), `errors` lists field errors, `code` is for programs."
    ),
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: it would send the schema to another host.
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "validatorUrl": None},
    # The schema and the docs are public: they describe the API, they hold no data.
    "SERVE_AUTHENTICATION": [],
    # Sign-in's authentication class only answers 401 with a challenge; it is not a scheme.
    "AUTHENTICATION_WHITELIST": ["crm.api.authentication.CachedUserJWTAuthentication"],
    "COMPONENT_SPLIT_REQUEST": True,
    # A required text field that refuses "" says so (`minLength: 1`), as the API enforces it.
    "ENFORCE_NON_BLANK_FIELDS": True,
    "PREPROCESSING_HOOKS": ["crm.api.schema.schema_endpoints"],
    "ENUM_NAME_OVERRIDES": {
        "BookingStatusEnum": "bookings.models.Booking.Status",
        "BookingSourceEnum": "bookings.models.Booking.Source",
        "MembershipRoleEnum": "restaurants.models.Membership.Role",
    },
    "TAGS": [
        {"name": "auth", "description": "Sign in and renew tokens."},
        {"name": "bookings", "description": "Slots, bookings and their statuses."},
        {"name": "restaurants", "description": "A restaurant's settings."},
        {"name": "team", "description": "A restaurant's members, roles and invitations."},
    ],
}

CORS_ALLOWED_ORIGINS = env_list("FRONTEND_ORIGIN", "http://localhost:5173")
# Let browser clients read where a new booking lives and why a token was refused.
CORS_EXPOSE_HEADERS = ["Location", "WWW-Authenticate"]

# --- Assistant ------------------------------------------------------------------------------

OPENAI_API_KEY = env_str("OPENAI_API_KEY", "")
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL", "")
OPENAI_MODEL = env_str("OPENAI_MODEL", "gpt-4o-mini")
ASSISTANT_ID = env_str("ASSISTANT_ID", "asst_demo")
# Seconds: to connect, and to wait for the next bytes of an answer (between streamed chunks).
OPENAI_CONNECT_TIMEOUT = env_int("OPENAI_CONNECT_TIMEOUT", 5)
OPENAI_READ_TIMEOUT = env_int("OPENAI_READ_TIMEOUT", 60)
OPENAI_MAX_RETRIES = env_int("OPENAI_MAX_RETRIES", 1)

# --- Audit trail ----------------------------------------------------------------------------

# Who changed which booking or setting, when, and what: readable in admin under "Log entries".
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    *(
        {"model": model, "exclude_fields": ["created_at", "updated_at"]}
        for model in (
            "restaurants.Restaurant",
            "restaurants.TableCountOverride",
            "restaurants.Membership",
            "bookings.Booking",
            "bookings.Guest",
        )
    ),
    # An invitation's token is a secret; the log keeps who was invited, with which role.
    {"model": "restaurants.Invitation", "exclude_fields": ["token_hash", "created_at"]},
)
AUDITLOG_STORE_JSON_CHANGES = True

# --- Work after the answer: Celery, the outbox, e-mails, webhooks ---------------------------

# Redis is the broker when there is one; without it (the quick start, the tests) a task runs
# in-process as it is sent, so nothing more has to run.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL) or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL.startswith("memory://")
)
# An in-process task that fails is logged, not raised into the answer that sent it.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it is done: a worker that dies mid-task leaves it to another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A hand-over at commit must not hold the answer when the broker is down: it fails at once and
# the outbox's sweep hands the event over later.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "visibility_timeout": 3600,
    # Connecting to send a task is tried once: a booking's answer never waits on a broker.
    "max_retries": 0,
}
CELERY_TIMEZONE = env_str("TIME_ZONE", "Europe/Moscow")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = env_str(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / ".celerybeat-schedule")
)
# Seconds: how often beat sweeps the outbox, and how long an event may wait for its hand-over
# (or a delivery past its time) before the sweep hands it over again.
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 60)
OUTBOX_STUCK_SECONDS = env_int("OUTBOX_STUCK_SECONDS", 60)
REMINDER_SCAN_SECONDS = env_int("REMINDER_SCAN_SECONDS", 300)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "outbox.sweep", "schedule": float(OUTBOX_SWEEP_SECONDS)},
    "reminders-due": {"task": "bookings.reminders_due", "schedule": float(REMINDER_SCAN_SECONDS)},
    "expired-rows-cleanup": {"task": "crm.cleanup_expired", "schedule": 6 * 3600.0},
    "idempotency-keys-cleanup": {
        "task": "bookings.cleanup_idempotency_keys",
        "schedule": 6 * 3600.0,
    },
}

# Webhooks: a delivery that fails is tried again after RETRY_BASE, then twice as long each
# time, for RETRY_HOURS; an endpoint that has failed for that long is turned off.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_HOURS = env_int("WEBHOOK_RETRY_HOURS", 24)
# Private, loopback and link-local addresses (and plain http) only while DEBUG, or when set.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", DEBUG)
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", DEBUG)

# E-mail: printed on the console unless EMAIL_URL names a server (crm/email_url.py).
EMAIL_URL = env_str("EMAIL_URL", "console://")
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "bookings@localhost")
# Where the app is reached from outside: the links in e-mails a worker sends (a guest's manage
# link) are made on it.
SITE_URL = env_str("SITE_URL", "http://localhost:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)

# --- Internationalization -------------------------------------------------------------------

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security -------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Scripts only from our own files, or inline with this response's nonce; nothing from elsewhere.
# Inline style attributes stay allowed (admin and the docs use them); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
