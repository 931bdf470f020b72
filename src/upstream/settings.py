"""Upstream's one settings module, read from the environment.

Every variable is documented in README.md ("Configuration"). Values are parsed strictly: a
malformed boolean or integer stops start-up with a message naming the variable. Secrets can be
given directly (``UPSTREAM_SECRET_KEY``) or as a path to a file (``UPSTREAM_SECRET_KEY_FILE``).
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from upstream.core.keyring import generate_entry, parse_keyring

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points to an unreadable file: {exc}") from None
    return os.environ.get(name, default)


TESTING = "pytest" in sys.modules or env_bool("UPSTREAM_TESTING", False)

DEBUG = env_bool("UPSTREAM_DEBUG", False)
DEMO_MODE = env_bool("UPSTREAM_DEMO", False)
VAR_DIR = Path(env_str("UPSTREAM_VAR_DIR", str(BASE_DIR / "var")))

_INSECURE_DEV_KEY = "insecure-development-key-do-not-use-in-production-0123456789abcdef"


def _local_secret_key(path: Path, make: Callable[[], str] | None = None) -> str:
    """A random key kept in the var directory, made on first use (mode 0600)."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = make() if make is not None else secrets.token_urlsafe(50)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip()
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key)
        return key


SECRET_KEY_FILE = VAR_DIR / "secret_key"
SECRET_KEY = env_secret("UPSTREAM_SECRET_KEY")
SECRET_KEY_GENERATED = False
if not SECRET_KEY:
    if TESTING:
        SECRET_KEY = _INSECURE_DEV_KEY
    else:
        SECRET_KEY = _local_secret_key(SECRET_KEY_FILE)
        SECRET_KEY_GENERATED = True

# Personal data (names, dates of birth, contacts, consent notes) is encrypted with AES-GCM under
# the keyring in UPSTREAM_DATA_KEY (or _FILE): ``<key id>:<base64 32 bytes>`` entries separated by
# commas, the first one current (upstream.core.keyring). Development and the demo use a key made
# in the var directory; production refuses to start without one (system check upstream.E010).
_TEST_DATA_KEY = "test:dXBzdHJlYW0tdGVzdC1kYXRhLWtleS0wMDAwMDAwMDA="
DATA_KEY_FILE = VAR_DIR / "data_key"
DATA_KEY = env_secret("UPSTREAM_DATA_KEY")
DATA_KEY_GENERATED = False
if not DATA_KEY:
    if TESTING:
        DATA_KEY = _TEST_DATA_KEY
    elif DEBUG or DEMO_MODE:
        DATA_KEY = _local_secret_key(DATA_KEY_FILE, lambda: generate_entry("local"))
        DATA_KEY_GENERATED = True
parse_keyring(DATA_KEY)  # a malformed keyring stops start-up here, naming the entry

ALLOWED_HOSTS = env_list("UPSTREAM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("UPSTREAM_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "upstream.core",
    "upstream.accounts",
    "upstream.audit",
    "upstream.framework",
    "upstream.community",
    "upstream.planning",
    "upstream.people",
    "upstream.directory",
    "upstream.referrals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "upstream.core.api.ApiContractMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "upstream.accounts.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "upstream.accounts.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    "upstream.core.access.AccessMiddleware",
]

ROOT_URLCONF = "upstream.urls"
WSGI_APPLICATION = "upstream.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "upstream.core.context_processors.site",
                "upstream.accounts.context_processors.account",
            ],
        },
    },
]

# Cache: rendered page fragments (keyed by content revision and language) and API rate limits.
# Memory of each server process by default; a Redis URL shares one cache between many servers.
# Nothing relies on the cache for correctness: an entry that is missing is rendered again.
CACHE_URL = env_str("UPSTREAM_CACHE_URL", "locmem://")
FRAGMENT_CACHE_SECONDS = env_int("UPSTREAM_FRAGMENT_CACHE_SECONDS", 60 * 60)


def _cache(url: str) -> dict[str, Any]:
    scheme = url.partition("://")[0].lower()
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": url.partition("://")[2] or "upstream",
            # a large plan's logic model is about 1.5 MB: bound what one process holds
            "OPTIONS": {"MAX_ENTRIES": 300},
        }
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"UPSTREAM_CACHE_URL must start with locmem://, redis://, rediss:// or dummy://, "
        f"not {url!r}"
    )


CACHES = {"default": {**_cache(CACHE_URL), "KEY_PREFIX": "upstream"}}

# Database: embedded SQLite unless DATABASE_URL names another server.
_default_sqlite = VAR_DIR / "upstream.sqlite3"
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("UPSTREAM_DB_CONN_MAX_AGE", 60)
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_default_sqlite),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
# Transactions belong to services (docs/decisions/0009-transactions.md): a request is not one
# transaction, so reads never hold SQLite's write lock and long work (renders, exports) never runs
# inside a transaction. SQLite's IMMEDIATE mode then applies to service transactions only.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts: email is the sign-in name; accounts exist only by invitation.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts and addresses
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:home"
PASSWORD_HASHERS = [
    "upstream.accounts.hashers.UpstreamArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_RESET_TIMEOUT = env_int("UPSTREAM_PASSWORD_RESET_SECONDS", 60 * 60)
INVITATION_MAX_AGE_SECONDS = env_int("UPSTREAM_INVITATION_SECONDS", 7 * 24 * 60 * 60)
# Re-authentication ("sudo mode") lasts this long before role changes, exports and key management.
SUDO_SECONDS = env_int("UPSTREAM_SUDO_SECONDS", 10 * 60)
# A session ends after this much inactivity, and in any case after SESSION_COOKIE_AGE.
SESSION_IDLE_SECONDS = env_int("UPSTREAM_SESSION_IDLE_SECONDS", 30 * 60)
OTP_TOTP_ISSUER = "Upstream"

# Lockout (django-axes): after AXES_FAILURE_LIMIT failures for one account, or from one address.
AXES_FAILURE_LIMIT = env_int("UPSTREAM_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("UPSTREAM_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "upstream.accounts.lockout.username_from_credentials"
AXES_LOCKOUT_CALLABLE = "upstream.accounts.lockout.locked_out_response"
# Not reset on success: a sign-in to one's own account would otherwise clear the failures counted
# against other accounts from the same address.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False  # axes would otherwise log the email address
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "upstream.accounts.lockout.client_ip"
BEHIND_PROXY = env_bool("UPSTREAM_BEHIND_PROXY", False)

# Email: printed to the console unless an SMTP host is configured.
EMAIL_HOST = env_str("UPSTREAM_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("UPSTREAM_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("UPSTREAM_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_secret("UPSTREAM_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("UPSTREAM_EMAIL_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("UPSTREAM_EMAIL_FROM", "Upstream <no-reply@localhost>")
# The address links in emails point to (scheme and host), e.g. https://upstream.example.org
SITE_URL = env_str("UPSTREAM_SITE_URL", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

TIME_ZONE = env_str("UPSTREAM_TIME_ZONE", "America/New_York")
USE_TZ = True

# Languages (docs/decisions/0019-languages.md): English is the source and the fallback; each
# language is named in itself. A request's language is the signed-in person's saved choice, then
# the language cookie, then Accept-Language (upstream.accounts.middleware.LanguageMiddleware).
# Catalogs live in each app's locale/ directory; project-level strings in upstream/locale/.
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["upstream.formats"]
LANGUAGE_COOKIE_NAME = "django_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
MIDDLEWARE.insert(
    MIDDLEWARE.index("upstream.accounts.middleware.SessionIdleTimeoutMiddleware") + 1,
    "upstream.accounts.middleware.LanguageMiddleware",
)

# Static files: built by `make assets` (copied from node_modules, never committed) and served by
# WhiteNoise. Hashed, compressed names outside debug and tests.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static", BASE_DIR / "build" / "static"]
_manifest = env_bool("UPSTREAM_STATIC_MANIFEST", not (DEBUG or TESTING))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _manifest
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# In development and tests, serve straight from the finders instead of scanning STATIC_ROOT.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Security headers and cookies. HTTPS-only cookies and HSTS unless explicitly running over plain
# HTTP on a development machine (`make run` sets UPSTREAM_INSECURE_HTTP for 127.0.0.1).
INSECURE_HTTP = env_bool("UPSTREAM_INSECURE_HTTP", DEBUG or TESTING)
SESSION_COOKIE_SECURE = not INSECURE_HTTP
CSRF_COOKIE_SECURE = not INSECURE_HTTP
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not INSECURE_HTTP
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "upstream_session" if INSECURE_HTTP else "__Host-upstream_session"
CSRF_COOKIE_NAME = "upstream_csrf" if INSECURE_HTTP else "__Host-upstream_csrf"
SESSION_COOKIE_AGE = env_int("UPSTREAM_SESSION_AGE", 8 * 60 * 60)
SECURE_SSL_REDIRECT = env_bool("UPSTREAM_SSL_REDIRECT", not INSECURE_HTTP)
SECURE_HSTS_SECONDS = 0 if INSECURE_HTTP else env_int("UPSTREAM_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not INSECURE_HTTP
SECURE_HSTS_PRELOAD = not INSECURE_HTTP and env_bool("UPSTREAM_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("UPSTREAM_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# Content Security Policy (django-csp 4): scripts only from this origin or with the per-response
# nonce; no inline scripts or styles anywhere; nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPSTREAM_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Largest file an importer reads: YAML and JSON documents (packs, index definitions, boundary
# files), and CSV tables (the national SVI tract file is about 150 MB).
MAX_DOCUMENT_BYTES = env_int("UPSTREAM_MAX_DOCUMENT_BYTES", 16 * 1024 * 1024)
MAX_TABLE_BYTES = env_int("UPSTREAM_MAX_TABLE_BYTES", 512 * 1024 * 1024)

# The official Open Referral HSDS 3.0 JSON Schemas the directory validates every import and export
# against (read from disk through a local registry; nothing is fetched).
HSDS_SCHEMA_DIR = Path(
    env_str("UPSTREAM_HSDS_SCHEMA_DIR", str(BASE_DIR.parent / "shared/data/hsds/hsds-3.0/schema"))
)

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Logging: structured enough to read, never personal data (views log ids, not contents).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Single-use tokens in invitation and reset links are redacted from every log line.
    "filters": {"redact": {"()": "upstream.core.access_log.RedactSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("UPSTREAM_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step of every PDF at INFO; keep only its warnings.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Framework packs shipped with Upstream; `upstream framework load` also takes any path.
FRAMEWORK_PACK_DIR = PACKAGE_DIR / "framework" / "packs"
DEFAULT_FRAMEWORK = env_str("UPSTREAM_DEFAULT_FRAMEWORK", "hhs-2024")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# Community analytics: where the us-atlas TopoJSON packages are installed (`npm ci`), the
# geography set used when a command names none, and the official CDC SVI download address.
COMMUNITY_NODE_MODULES = Path(env_str("UPSTREAM_NODE_MODULES", str(BASE_DIR / "node_modules")))
COMMUNITY_DEFAULT_SET = env_str("UPSTREAM_COMMUNITY_DEFAULT_SET", "us-2023")
COMMUNITY_SVI_URL = env_str(
    "UPSTREAM_SVI_URL",
    "https://svi.cdc.gov/Documents/Data/{year}/csv/states_counties/SVI_{year}_US_county.csv",
)

# Background work (docs/background-work.md): Django's task framework. The database backend needs
# nothing more than the database; the RQ backend (Redis) is for many workers on many machines.
# Tests run enqueued tasks at once unless a test chooses a real backend.
TASKS_BACKEND = env_str("UPSTREAM_TASKS_BACKEND", "immediate" if TESTING else "database")
REDIS_URL = env_str("UPSTREAM_REDIS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"UPSTREAM_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "django_rq", "upstream.tasks"]
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
# How often a worker looks for due periodic jobs.
TASKS_SCHEDULER_SECONDS = env_int("UPSTREAM_SCHEDULER_SECONDS", 30)
# Records of finished tasks and job runs are kept this many days (the tasks.prune job).
TASKS_RECORD_DAYS = env_int("UPSTREAM_TASK_RECORD_DAYS", 90)
# A task run with no sign of life (progress or attempt) for this long, or a job run started this
# long ago and not finished, is marked failed: its worker stopped (the tasks.abandon_stale job).
TASKS_STALE_MINUTES = env_int("UPSTREAM_TASK_STALE_MINUTES", 60)
# A plan with more activities than this is exported (PDF, XLSX) in the background; smaller plans
# are built while the person waits (docs/planning.md).
EXPORT_BACKGROUND_ACTIVITIES = env_int("UPSTREAM_EXPORT_BACKGROUND_ACTIVITIES", 100)
