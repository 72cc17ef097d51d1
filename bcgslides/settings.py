"""Settings, read once from the environment (and an optional `.env` file).

A fresh checkout runs with nothing set: SQLite in `DATA_DIR`, django-q2 on its
ORM broker, the database cache, the built-in design and no OpenAI key.  Every
default below can be overridden by an environment variable of the same name;
`.env.example` lists them.  Junk values raise `ImproperlyConfigured` at start,
never later.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from bcgslides import filestore

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_env_file = Path(os.environ.get("BCGSLIDES_ENV_FILE", BASE_DIR / ".env"))
if _env_file.is_file():
    env.read_env(str(_env_file))


def _path(name: str, default: Path) -> Path:
    """An absolute path from the environment; relative values are taken from the repo root."""
    raw = env.str(name, default=str(default))
    path = Path(raw).expanduser()
    return path if path.is_absolute() else (BASE_DIR / path).resolve()


def _positive(name: str, default: float) -> float:
    try:
        value = env.float(name, default=default)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{name} must be a number") from exc
    if value < 0:
        raise ImproperlyConfigured(f"{name} must not be negative")
    return value


# -- paths: one DATA_DIR, with logs/, backups/ and reports/ beside it --------
DATA_DIR = _path("DATA_DIR", BASE_DIR / "data")
LOG_DIR = _path("LOG_DIR", DATA_DIR.parent / "logs")
BACKUP_DIR = _path("BACKUP_DIR", DATA_DIR.parent / "backups")
REPORT_DIR = _path("REPORT_DIR", DATA_DIR.parent / "reports")
CONFIG_DIR = _path("CONFIG_DIR", BASE_DIR / "config")
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
for _dir in (DATA_DIR, LOG_DIR):
    _dir.mkdir(parents=True, exist_ok=True)


def _secret(name: str) -> str:
    """A secret from `name`, or read from the file named by `name`_FILE (which wins)."""
    file_name = env.str(f"{name}_FILE", default="")
    if not file_name:
        return env.str(name, default="")
    try:
        value = Path(file_name).expanduser().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name} "
                                   f"({exc.__class__.__name__})") from None
    if not value:
        raise ImproperlyConfigured(f"{name}_FILE: {file_name} is empty")
    return value


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in DATA_DIR (0600).

    The key signs sessions, django-q2 task payloads and backup manifests, so it
    must survive restarts; it is never written to the repository or a backup.
    """
    key = _secret("SECRET_KEY")
    if key:
        return key
    stored = DATA_DIR / "secret_key"
    if not stored.exists():
        # Written whole under a temporary name, then linked into place: processes that
        # start together on a fresh DATA_DIR (web and worker) all read the one winner.
        fd, tmp = tempfile.mkstemp(prefix=".secret_key.", dir=DATA_DIR)  # 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_urlsafe(50))
            os.link(tmp, stored)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return stored.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# -- serving behind a TLS proxy (docs/deployment.md) ------------------------------------
# HTTPS=true: the proxy terminates TLS and says so in X-Forwarded-Proto; cookies are
# then secure-only and plain HTTP is redirected.  HSTS is opt-in (it cannot be undone
# in browsers that saw it), with SECURE_HSTS_SECONDS.
HTTPS = env.bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
# the load balancer's probes (health, liveness) speak plain HTTP
SECURE_REDIRECT_EXEMPT = [r"^api/health(/live)?$"]
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS and SECURE_HSTS_SECONDS == 0:
    SILENCED_SYSTEM_CHECKS = ["security.W004"]  # HSTS left off on purpose (see above)
APP_VERSION = "0.1.0"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "health_check",
    "axes",
    "ninja",  # the API's schema docs page, from its own static files
    "generator",
    "operations",
]

if os.environ.get("BCGSLIDES_LEAN_APPS") == "1":  # manage.py's one-shot deck commands
    INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "generator"]

MIDDLEWARE = [
    "bcgslides.middleware.ApiErrorsAsJson",  # first: it answers every /api/ error as JSON
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last: turns a login refused by django-axes into the lockout page (429)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bcgslides.urls"
WSGI_APPLICATION = "bcgslides.wsgi.application"

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
            ],
        },
    },
]

# -- database: SQLite in DATA_DIR unless DATABASE_URL says otherwise ----------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'database.db'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE + a busy timeout: the web, qcluster workers and the
    # metric schedule all write to one file (research/ops.md §2.8).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test_database.db")}
else:
    # A server database: keep each thread's connection for a minute instead of opening
    # one a request (checked before reuse, so a restarted server costs no error).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# -- cache: the database by default, Redis when REDIS_URL is set ---------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "bcgslides_cache",
            "OPTIONS": {"MAX_ENTRIES": env.int("CACHE_MAX_ENTRIES", default=10000)},
        }
    }

# -- django-q2: ORM broker by default (research/ops.md §2.1) -------------------
Q_CLUSTER = {
    "name": "bcgslides",
    "workers": env.int("Q_WORKERS", default=2),
    "queue_limit": env.int("Q_QUEUE_LIMIT", default=4),
    "timeout": env.int("TASK_TIMEOUT", default=600),
    "retry": env.int("TASK_TIMEOUT", default=600) + 120,
    "max_attempts": 1,
    "catch_up": False,
    "poll": 1.0,
    "save_limit": 500,
    "cache": "default",
    "sync": env.bool("Q_SYNC", default=False),
    "label": "Django Q",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
    Q_CLUSTER["broker_class"] = "operations.brokers.PatientRedis"
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["broker_class"] = "operations.brokers.PatientORM"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# -- failed logins (the page and the admin): django-axes ----------------------------
# LOGIN_FAILURE_LIMIT wrong passwords for one user name from one address lock that pair
# out for LOGIN_COOLOFF_MINUTES (HTTP 429, generator/web/lockout.py); each
# failure is logged (user name, address, path; never the password) and kept in the
# admin's "Access attempts", where staff can also lift a lockout.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before checking
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=_positive("LOGIN_COOLOFF_MINUTES", 15.0))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "generator.web.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # failures are kept and logged; successes need no table
AXES_SENSITIVE_PARAMETERS = []  # log the user name and address (the password never is)
AXES_CLIENT_STR_CALLABLE = "generator.web.lockout.client_description"
# Behind a proxy (docs/deployment.md) every client would share the proxy's address:
# TRUSTED_PROXY_COUNT proxies that append to X-Forwarded-For are believed, no more.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "generator.web.clientip.address"
if AXES_FAILURE_LIMIT < 1 or not AXES_COOLOFF_TIME:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be above 0")
LOGIN_REDIRECT_URL = "generator-dashboard"
LOGOUT_REDIRECT_URL = "login"

# -- i18n: Japanese and English; Japanese when the browser prefers it ----------
def _locale_language() -> str:
    """Japanese when the machine's locale is Japanese (LC_ALL / LC_MESSAGES / LANG)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


# The commands speak this language; pages follow the browser (Accept-Language) first.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default=_locale_language())
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = _path("STATIC_ROOT", DATA_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Once collectstatic has run, whitenoise serves STATIC_ROOT (with its compressed copies);
# before, it serves the apps' static folders, so a run without collectstatic still works.
WHITENOISE_USE_FINDERS = not any(STATIC_ROOT.iterdir())

# -- shared files: design assets, decks, slide pictures (generator/files.py) --------
# Unset: files under DATA_DIR (design_assets/, presentations/, previews/, thumbnails/).
# s3://bucket/prefix?endpoint_url=...&region=...: an S3-compatible bucket shared by
# every web and worker host; its credentials are read only then.
MEDIA_STORAGE_URL = env.str("MEDIA_STORAGE_URL", default="").strip()
if MEDIA_STORAGE_URL:
    _files_storage = filestore.bucket_storage(
        MEDIA_STORAGE_URL, access_key=env.str("AWS_ACCESS_KEY_ID", default="").strip(),
        secret_key=_secret("AWS_SECRET_ACCESS_KEY"))
else:
    _files_storage = filestore.local_storage(DATA_DIR)
STORAGES = {
    "default": _files_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# -- the deck engine -------------------------------------------------------------
# Worker liveness (generator/decks/liveness.py): a running deck's worker beats every
# DECK_HEARTBEAT_SECONDS; one silent for DECK_STALL_SECONDS is presumed dead and
# the deck is queued again, at most DECK_MAX_ATTEMPTS claims in all, then failed.
DECK_HEARTBEAT_SECONDS = _positive("DECK_HEARTBEAT_SECONDS", 10.0)
DECK_STALL_SECONDS = _positive("DECK_STALL_SECONDS", 60.0)
DECK_MAX_ATTEMPTS = env.int("DECK_MAX_ATTEMPTS", default=2)
if DECK_HEARTBEAT_SECONDS <= 0 or DECK_STALL_SECONDS < 3 * DECK_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("DECK_STALL_SECONDS must be at least three heartbeats "
                               "(3 x DECK_HEARTBEAT_SECONDS, which must be above 0)")
if DECK_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("DECK_MAX_ATTEMPTS must be 1 or more")
# Slide pictures through LibreOffice (off on hosts that should only generate decks).
PREVIEWS_ENABLED = env.bool("PREVIEWS_ENABLED", default=True)
# Learning renders the layouts decks use, empty, to see the colours behind text and the
# area clear of the template's graphics (generator/learning/layout_probe.py); off: from the XML.
LEARN_LAYOUT_PICTURES = env.bool("LEARN_LAYOUT_PICTURES", default=True)
# One LibreOffice kept running per worker (generator/previews/converter.py); off: one per deck.
PREVIEWS_WARM_CONVERTER = env.bool("PREVIEWS_WARM_CONVERTER", default=True)
# Font files used to measure text; empty means "search the usual system places".
FONT_LATIN_FILE = env.str("FONT_LATIN_FILE", default="")
FONT_EA_FILE = env.str("FONT_EA_FILE", default="")
MAX_SOURCE_BYTES = env.int("MAX_SOURCE_BYTES", default=2 * 1024 * 1024)
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=100 * 1024 * 1024)
MAX_UNCOMPRESSED_BYTES = env.int("MAX_UNCOMPRESSED_BYTES", default=512 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_SOURCE_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# -- OpenAI (optional; drafting from a brief is off without a key) --------------
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
# The JSON API: requests per token ("120/min", "2000/hour"; empty: no limit), and how long
# an Idempotency-Key is remembered (seconds).
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/min")
IDEMPOTENCY_TTL = env.int("IDEMPOTENCY_TTL", default=24 * 3600)
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="") or None
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_TIMEOUT = _positive("OPENAI_TIMEOUT", 60.0)
OPENAI_MAX_RETRIES = env.int("OPENAI_MAX_RETRIES", default=3)
USD_JPY_RATE = _positive("USD_JPY_RATE", 150.0)
API_COST_WARNING_JPY = _positive("API_COST_WARNING_JPY", 3000.0)
API_COST_LIMIT_JPY = _positive("API_COST_LIMIT_JPY", 5000.0)
LLM_CACHE_TTL = env.int("LLM_CACHE_TTL", default=7 * 24 * 3600)
# Source material attached to a brief (generator/material/): intake limits, and how many
# tokens of it each model call may carry (the most relevant passages first).
MATERIAL_MAX_FILES = env.int("MATERIAL_MAX_FILES", default=10)
MATERIAL_MAX_FILE_BYTES = env.int("MATERIAL_MAX_FILE_BYTES", default=20 * 1024 * 1024)
MATERIAL_MAX_TOTAL_BYTES = env.int("MATERIAL_MAX_TOTAL_BYTES", default=50 * 1024 * 1024)
MATERIAL_MAX_PAGES = env.int("MATERIAL_MAX_PAGES", default=300)
MATERIAL_MAX_INFLATED_BYTES = env.int("MATERIAL_MAX_INFLATED_BYTES", default=200 * 1024 * 1024)
MATERIAL_STORYLINE_TOKENS = env.int("MATERIAL_STORYLINE_TOKENS", default=6000)
MATERIAL_FILL_TOKENS = env.int("MATERIAL_FILL_TOKENS", default=8000)
MATERIAL_REVISION_TOKENS = env.int("MATERIAL_REVISION_TOKENS", default=3000)
OPENAI_MAX_OUTPUT_TOKENS = env.int("OPENAI_MAX_OUTPUT_TOKENS", default=12000)
# USD per 1M tokens (input, cached input, output) for models missing from the price table.
OPENAI_DEFAULT_PRICE = (
    _positive("OPENAI_PRICE_INPUT", 2.50),
    _positive("OPENAI_PRICE_INPUT", 2.50) / 2,
    _positive("OPENAI_PRICE_OUTPUT", 10.00),
)

# -- operations: thresholds from the operations manual -----------------------------
HEALTH_DISK_WARNING_PERCENT = _positive("HEALTH_DISK_WARNING_PERCENT", 80.0)
HEALTH_DISK_CRITICAL_PERCENT = _positive("HEALTH_DISK_CRITICAL_PERCENT", 90.0)
HEALTH_MEMORY_WARNING_PERCENT = _positive("HEALTH_MEMORY_WARNING_PERCENT", 80.0)
HEALTH_MEMORY_CRITICAL_PERCENT = _positive("HEALTH_MEMORY_CRITICAL_PERCENT", 90.0)
HEALTH_LOG_WARNING_MB = _positive("HEALTH_LOG_WARNING_MB", 100.0)
# Seconds /api/health serves the host's last report before a request refreshes it.
HEALTH_SNAPSHOT_SECONDS = _positive("HEALTH_SNAPSHOT_SECONDS", 10.0)
HEALTH_QUEUE_BACKLOG_WARNING = env.int("HEALTH_QUEUE_BACKLOG_WARNING", default=50)
# The endpoint the performance monitor times (the running web server).
HEALTH_URL = env.str("HEALTH_URL", default="http://127.0.0.1:5000/api/health")
METRICS_RETENTION_HOURS = env.int("METRICS_RETENTION_HOURS", default=24)
REPORT_RETENTION_DAYS = env.int("REPORT_RETENTION_DAYS", default=30)
LOG_RETENTION_DAYS = env.int("LOG_RETENTION_DAYS", default=30)
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=7)
PREFLIGHT_MIN_FREE_GB = _positive("PREFLIGHT_MIN_FREE_GB", 1.0)

# -- logging: app.log and app_error.log, rotated at 100 MB ----------------------
# ConcurrentRotatingFileHandler locks around rotation, so web and qcluster
# processes writing the same file lose no lines (research/ops.md §6.34).
LOG_MAX_BYTES = env.int("LOG_MAX_BYTES", default=100 * 1024 * 1024)
LOG_BACKUP_COUNT = env.int("LOG_BACKUP_COUNT", default=5)
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"},
    },
    "filters": {"redact": {"()": "bcgslides.logfilters.RedactSecretsFilter"}},
    "handlers": {
        "app": {
            "class": "concurrent_log_handler.ConcurrentRotatingFileHandler",
            "filename": str(LOG_DIR / "app.log"),
            "maxBytes": LOG_MAX_BYTES,
            "backupCount": LOG_BACKUP_COUNT,
            "encoding": "utf-8",
            "formatter": "plain",
            "filters": ["redact"],
            "level": "INFO",
        },
        "app_error": {
            "class": "concurrent_log_handler.ConcurrentRotatingFileHandler",
            "filename": str(LOG_DIR / "app_error.log"),
            "maxBytes": LOG_MAX_BYTES,
            "backupCount": LOG_BACKUP_COUNT,
            "encoding": "utf-8",
            "formatter": "plain",
            "filters": ["redact"],
            "level": "ERROR",
        },
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
            "level": "WARNING",
        },
    },
    "root": {"handlers": ["app", "app_error", "console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "httpx": {"level": "WARNING"},
        "openai": {"level": "WARNING"},
        # failed logins and lockouts are warnings; its INFO lines are every success
        "axes": {"level": "WARNING"},
        # boto3 announces every credential lookup and connection at INFO
        "boto3": {"level": "WARNING"},
        "botocore": {"level": "WARNING"},
        "s3transfer": {"level": "WARNING"},
    },
}
