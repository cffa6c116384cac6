"""Duban settings: one file, every value from the environment, bad values refused.

With nothing set the project runs for development: SQLite in the project folder,
DEBUG on, a development key, and Celery on kombu's filesystem transport so that a
worker and beat run without Redis. With DEBUG=0 the settings refuse to load unless
SECRET_KEY, ALLOWED_HOSTS and REDIS_URL are set: production never falls back silently.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be 0/1 (or true/false), got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.getenv(name, default).split(",") if part.strip()]


def required(name: str) -> str:
    value = os.getenv(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG=0")
    return value


DEBUG = envbool("DEBUG", "1")
# Under pytest: fast password hashing and plain static storage.
TESTING = envbool("DUBAN_TESTING", "0") or "pytest" in sys.modules

if DEBUG:
    SECRET_KEY = os.getenv("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production-0123456789"
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
else:
    SECRET_KEY = required("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long")
    ALLOWED_HOSTS = envlist("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG=0")

SITE_NAME = os.getenv("SITE_NAME", "督办")
SITE_ROOT = os.getenv("SITE_ROOT", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# A stale form (e.g. after logging in again) gets a Chinese page that keeps the typed text (the
# form's local draft) instead of Django's technical page.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_celery_beat",
    "csp",
    "axes",
    "accounts",
    "units",
    "workdays",
    "documents",
    "tasks",
    "ledgers",
    "dashboard",
    "search",
    "audit",
    "reminders",
    "demo",
    "config.apps.DubanConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.InputLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.SessionExpiryMiddleware",
    # Remembers when this browser last changed something (the 统计看板 shows a person's own change at once).
    "accounts.writes.WriteStampMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.RefusalLogMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the login page with the reason.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.navigation",
                "reminders.context_processors.notifications",
                "demo.context_processors.demo_logins",
            ],
        },
    },
]

# Database: SQLite (WAL) in the project folder unless DATABASE_URL says otherwise.
DATABASE_URL = os.getenv("DATABASE_URL", "").strip()
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL")
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: the dashboard's and lights' long CASE expressions cost PostgreSQL seconds of
        # compiling for milliseconds of execution (measured: 3.7 s of a 4.4 s query at 20,000 tasks).
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.getenv("SQLITE_PATH", str(BASE_DIR / "duban.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Login throttling (django-axes) first: a locked-out account or address is refused before
# its password is checked.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ThrottledLoginBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
if DEBUG:
    # WhiteNoise serves from the finders in development but warns when STATIC_ROOT is missing.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: documents up to 20 MB by default; larger files are refused with a message.
MAX_UPLOAD_MB = envint("MAX_UPLOAD_MB", "20")
# Evidence files attached to progress reports (office documents, PDF, images only).
MAX_EVIDENCE_MB = envint("MAX_EVIDENCE_MB", "20")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to this folder instead of the
# system's /tmp, so the files a killed server leaves behind are in one known place;
# `manage.py clean_upload_temp` (run at start, see Procfile) removes those older than an hour.
FILE_UPLOAD_TEMP_DIR = os.getenv("FILE_UPLOAD_TEMP_DIR", str(BASE_DIR / ".upload-tmp"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)

# Celery: Redis in production; kombu's filesystem transport for development.
REDIS_URL = os.getenv("REDIS_URL", "").strip()
if not DEBUG and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set when DEBUG=0")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("REDIS_URL must be a redis:// URL")
# The cache is shared by every web process through Redis in production (nothing may live in one
# worker's memory: sessions are in the database, uploads in STORAGES["default"]); tests and
# development without Redis use per-process memory.
if REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "duban",
        }
    }
CELERY_QUEUE_DIR = BASE_DIR / ".celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{CELERY_QUEUE_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_RESULT_EXPIRES = 3600

# Email
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "0")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "duban@localhost")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Security: strict in production.
SESSION_COOKIE_HTTPONLY = True
# Sessions end after SESSION_IDLE_SECONDS without a request (default 2 hours) and in any case
# SESSION_MAX_SECONDS after signing in (default 12 hours); see config/middleware.py.
# Under pytest the defaults are long: many tests sign in and then travel in time with
# time-machine; config/tests/test_sessions.py sets the real values and tests the expiry.
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_SECONDS", "315360000" if TESTING else "7200")
SESSION_MAX_SECONDS = envint("SESSION_MAX_SECONDS", "315360000" if TESTING else "43200")
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS

# Login throttling: 10 failures lock the account and, separately, the address, for
# AXES_COOLOFF_MINUTES (an admin unlocks sooner under 管理 → Axes → 访问尝试).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "10")
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "30"))
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "accounts.backends.login_username"
# The number of reverse proxies in front of gunicorn that append to X-Forwarded-For (nginx: 1).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
# Password-reset mails: at most this many per address per hour.
PASSWORD_RESET_MAILS_PER_HOUR = envint("PASSWORD_RESET_MAILS_PER_HOUR", "3")

# Content-Security-Policy (django-csp): nothing inline, nothing from elsewhere. Bootstrap's
# icons are data: SVG images in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; the security log (audit/) keeps what matters.
    "loggers": {"axes": {"level": "WARNING"}},
}

# The cache holds the worker's heartbeat and the password-reset counters: Redis when it is
# configured (shared by every gunicorn worker and the Celery worker), files in .cache/ otherwise;
# each test process has its own memory cache.
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    # The broker's Redis database: keys are prefixed, and nothing may call cache.clear()
    # (FLUSHDB would empty the task queue too).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "duban",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / ".cache"),
        }
    }
# /healthz reports the worker as down once its last heartbeat is older than this.
WORKER_HEARTBEAT_MAX_AGE = envint("WORKER_HEARTBEAT_MAX_AGE", "120")

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

# Domain settings
# The district as documents write it before unit names ("景德镇市昌江区…", "昌江区…").
DUBAN_DISTRICT = os.getenv("DUBAN_DISTRICT", "景德镇市昌江区")
DUBAN_YELLOW_WORKING_DAYS = envint("DUBAN_YELLOW_WORKING_DAYS", "5")
# The 统计看板 and its data.json, for 督查室 and 区领导, are kept in the cache this many seconds
# while the data they count is unchanged (dashboard.cache: the key carries the data version that
# database triggers replace on every change, and today's date); 0 computes them on every request.
DUBAN_DASHBOARD_CACHE_SECONDS = envint("DUBAN_DASHBOARD_CACHE_SECONDS", "3600")
# After a change by someone else, figures up to this many seconds old are still shown (with
# their time and a note), so that a steady stream of reports does not make every reader wait for
# a recount; a person's own change always shows on their next request. 0: recount after any change
# (the tests' default, except those of the tolerance itself: dashboard/tests/test_cache.py).
DUBAN_DASHBOARD_STALE_SECONDS = envint("DUBAN_DASHBOARD_STALE_SECONDS", "0" if TESTING else "60")
# Ledger exports with more tasks than this are built by a Celery job with a progress bar;
# smaller ones download at once (ledgers.views.export).
LEDGER_ASYNC_ROWS = envint("LEDGER_ASYNC_ROWS", "2000")
# Ledgers of more tasks than this are written by a second (forked) process while the first reads
# the rows (ledgers.pipeline): on two cores a large export takes about half as long. 0: never.
LEDGER_WRITER_PROCESS_ROWS = envint("LEDGER_WRITER_PROCESS_ROWS", "2000")
