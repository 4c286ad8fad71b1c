"""gridgov settings: one file, every knob from the environment.

The defaults run the demo on an embedded SQLite database with nothing else
installed. Production mode (GRIDGOV_DEBUG unset or 0 and GRIDGOV_DEMO unset)
refuses to start with the demo secret or the demo personal-data key.
"""

import os
import sys
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEMO_SECRET_KEY = "gridgov-demo-secret-key-do-not-use-in-production-0123456789"
DEMO_PII_KEY = "gridgov-demo-pii-key-do-not-use-in-production"

DEBUG = env_bool("GRIDGOV_DEBUG", False)
# Demo mode: the embedded single-machine setup that `make demo` and the tests use.
DEMO_MODE = env_bool("GRIDGOV_DEMO", False)
TESTING = "pytest" in sys.modules or env_bool("GRIDGOV_TESTING", False)

SECRET_KEY = env("SECRET_KEY", DEMO_SECRET_KEY)
# Personal data (ID numbers, phones) is encrypted with a key of its own, so that
# rotating SECRET_KEY (sessions) does not make the stored data unreadable.
PII_KEY = env("PII_KEY", DEMO_PII_KEY)

if not (DEBUG or DEMO_MODE or TESTING):
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "Production mode needs SECRET_KEY set to a random value of 40+ characters "
            "(or set GRIDGOV_DEMO=1 to run the demo)."
        )
    if PII_KEY == DEMO_PII_KEY or len(PII_KEY) < 32:
        raise ImproperlyConfigured(
            "Production mode needs PII_KEY set to a random value of 32+ characters; "
            "it encrypts ID and phone numbers, so keep it safe and never change it."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_htmx",
    "axes",
    "huey.contrib.djhuey",
    "gridgov.audit",
    "gridgov.org",
    "gridgov.people",
    "gridgov.accounts",
    "gridgov.api",
    "gridgov.web",
    "gridgov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gridgov.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a locked-out login is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

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
                "gridgov.web.context.navigation",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL and a busy timeout let several workers write without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and tasks ----------------------------------------------------------
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {"huey_class": "huey.RedisHuey", "name": "gridgov", "url": REDIS_URL, "immediate": TESTING}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _huey_path = Path(env("HUEY_SQLITE_PATH", BASE_DIR / "var" / "huey.sqlite3"))
    _huey_path.parent.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "gridgov",
        "filename": str(_huey_path),
        "immediate": TESTING or env_bool("HUEY_IMMEDIATE", DEMO_MODE),
    }

# --- auth ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "gridgov.accounts.backends.PhoneCodeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    # Hashing a persona's password with PBKDF2 costs a third of a second; tests make many.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout after repeated failed logins (django-axes), per user name and address.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", 0.25))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "gridgov.accounts.backends.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Axes keeps the POST of a failed login; a resident's phone and code must not be in it.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "phone", "code"]

# Behind N reverse proxies (nginx...), the client's address is the Nth from the right in
# X-Forwarded-For. Used by the lockout and written to the access log.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "gridgov.lib.net.client_ip"

# Resident login codes: how they are delivered, how long they live.
OTP_CHANNEL = env("OTP_CHANNEL", "gridgov.accounts.channels.ConsoleChannel")
if not (DEBUG or DEMO_MODE or TESTING) and OTP_CHANNEL.endswith(".ConsoleChannel"):
    raise ImproperlyConfigured(
        "Production mode needs OTP_CHANNEL set to a real delivery channel "
        "(e.g. gridgov.accounts.channels.HttpSmsChannel with OTP_SMS_GATEWAY_URL); "
        "the console channel prints residents' login codes to the log."
    )
OTP_SMS_GATEWAY_URL = env("OTP_SMS_GATEWAY_URL", "")
OTP_SMS_GATEWAY_TOKEN = env("OTP_SMS_GATEWAY_TOKEN", "")
OTP_TTL_SECONDS = int(env("OTP_TTL_SECONDS", 300))
OTP_MAX_ATTEMPTS = 5
OTP_MAX_PER_HOUR = int(env("OTP_MAX_PER_HOUR", 5))

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING or DEMO_MODE
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests serve static files through the live server's own handler; letting WhiteNoise
# rescan the finders for every new test client costs ~50 ms a test.
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE
if WHITENOISE_USE_FINDERS:
    # Served from the finders, so no collected staticfiles/ is expected: don't warn about it.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- map ------------------------------------------------------------------------
# Offline first: no tiles unless a tile server is configured, e.g.
# MAP_TILE_URL=http://tiles.intranet/{z}/{x}/{y}.png
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")

# --- REST API -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous client is answered 401 with WWW-Authenticate: Token.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gridgov API",
    "DESCRIPTION": "网格治理 gridgov: the area tree, people and party organisations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI draws deep links as a link inside each operation's button, which screen
    # readers cannot use (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
}

# --- security -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not (DEBUG or DEMO_MODE or TESTING):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
