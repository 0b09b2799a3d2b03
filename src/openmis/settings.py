"""Django settings for OpenMIS. Everything that differs between installations comes from the
environment (see README.md, "Configuration")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from openmis import conf

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = conf.data_dir()
env = environ.Env()

DEBUG = conf.env_bool("DEBUG", False)
SECRET_KEY = conf.secret_key(DEBUG)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
HTTPS = conf.env_bool("OPENMIS_HTTPS", False)
TESTING = conf.env_bool("OPENMIS_TESTING", False)

INSTALLED_APPS = [
    "openmis.core.admin_apps.AdminConfig",  # django.contrib.admin, without import-export's mixins
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "auditlog",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "csp",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "openmis.core",
    "openmis.org",
    "openmis.portfolio",
    "openmis.meetings",
    "openmis.feedback",
    "openmis.appraisal",
    "openmis.governance",
    "openmis.staffing",
    "openmis.bi",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "openmis.core.caching.RequestMemoMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "openmis.core.middleware.CachedAuthenticationMiddleware",
    "openmis.core.formatting.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "openmis.core.middleware.ContentSecurityPolicyMiddleware",  # django-csp's, header built once
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "openmis.core.middleware.RequireTwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openmis.urls"
WSGI_APPLICATION = "openmis.wsgi.application"

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
                "openmis.core.context_processors.navigation",
                # ``perms`` from the permissions already loaded (after auth's, which it replaces)
                "openmis.core.context_processors.perms",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'openmis.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web workers read while one of them writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Connections are kept between requests: opening one costs more than a simple page (SQLite
# reads its whole schema on the first query of a new connection).
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://openmis"),
}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Pages, their sections and signed-in users are kept under the data generation: Django's
    # 300 entries would be culled (a third at a time, whatever their use) on any busy server.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault(
        "MAX_ENTRIES", env.int("OPENMIS_CACHE_MAX_ENTRIES", default=5000)
    )
if env.str("CACHE_URL", default=""):
    # A cache shared by every worker can front the sessions; a per-process one cannot (a
    # logout in one worker would not reach the others).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    SESSION_ENGINE = "openmis.core.sessions"  # Django's db sessions, read without the ORM

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# django-allauth: login by username or email, password reset by email, TOTP two-factor.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "openmis.core.auth.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_RATE_LIMITS = {"login_failed": False} if TESTING else {}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OpenMIS"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-axes: lock an account out after repeated failed logins (UI and API token alike).
AXES_FAILURE_LIMIT = env.int("OPENMIS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("OPENMIS_LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = conf.env_bool("OPENMIS_AXES", True)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("pl", _("Polish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Warsaw")
USE_I18N = True
# Dates Django renders itself read as openmis.core.formatting writes them (CLDR medium).
FORMAT_MODULE_PATH = ["openmis.core.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "openmis.core.staticfiles.StaticFilesStorage"  # WhiteNoise's, URLs kept
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG or TESTING

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The address users reach OpenMIS at, for links in e-mails (scheduled deliveries, alerts).
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="openmis@localhost")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files, so
# one missed escape cannot run a script. Inline ``<script>`` and ``on…=`` handlers are never
# used (data reaches the scripts through ``json_script`` and ``data-`` attributes). Style
# *attributes* stay allowed: ECharts writes its tooltips as HTML with ``style="…"``, and a
# style attribute cannot run code. The API docs (Swagger UI) relax it for their own page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("OPENMIS_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# API tokens (django-rest-knox, hashed at rest): several per user, each expiring after this many
# days (0: never); a password change or deactivation revokes them (openmis.core.tokens).
OPENMIS_API_TOKEN_DAYS = env.int("OPENMIS_API_TOKEN_DAYS", default=90)
KNOX_TOKEN_MODEL = "core.ApiToken"  # noqa: S105  (a model name, not a secret)
# knox's own token model is swapped for core.ApiToken, but knox's migrations create its table
# anyway: an empty table that still references auth_user, so that PostgreSQL refuses to empty
# auth_user on its own (a transactional test's flush). Without knox's migrations the swapped
# model gets no table; core 0009 drops the one earlier installs have.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=OPENMIS_API_TOKEN_DAYS) if OPENMIS_API_TOKEN_DAYS else None,
    "AUTH_HEADER_PREFIX": "Token",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "openmis.core.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["openmis.core.drf.ObjectPermission"],
    "DEFAULT_PAGINATION_CLASS": "openmis.core.drf.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "openmis.core.drf.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "openmis.core.drf.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OpenMIS API",
    "DESCRIPTION": "REST API of OpenMIS. Authenticate with `POST /api/auth/token/`, then send "
    "`Authorization: Token <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # For WCAG 2.1 AA (checked by openmis.tests.test_browser_a11y): examples in plain text, as
    # the highlighter's colours lack contrast on its dark background and no theme has enough;
    # no deep link inside each operation's summary button (a link in a button: axe's
    # nested-interactive), so an operation is opened with its button only.
    "SWAGGER_UI_SETTINGS": {"syntaxHighlight": {"activated": False}, "deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
    # Bodies are documented as JSON: a form encoding has no null, so a nullable reference sent
    # as a form field arrives as the text "null" and is refused. Uploads name their multipart
    # bodies explicitly.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "ENUM_NAME_OVERRIDES": {
        "LifecycleStageEnum": "openmis.portfolio.models.System.Stage",
        "AttendanceStatusEnum": "openmis.meetings.models.Attendance.Status",
        "SkillLevelEnum": "openmis.staffing.models.LEVELS",
    },
    # openmis.urls.SignedIntConverter: an integer, as Django's <int:...> is published
    "PATH_CONVERTER_OVERRIDES": {"signed_int": {"type": "integer"}},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "openmis.core.api.schema.add_error_responses",
        "openmis.core.api.schema.local_times",
        "openmis.core.api.schema.empty_filters",
    ],
}

IMPORT_EXPORT_SKIP_ADMIN_ACTION_EXPORT_UI = True
OPENMIS_IMPORT_MAX_BYTES = env.int("OPENMIS_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
OPENMIS_IMPORT_MAX_ROWS = env.int("OPENMIS_IMPORT_MAX_ROWS", default=50_000)
# Files attached to objects (openmis.core.attachments), kept under DATA_DIR/attachments: the
# most one file may hold, the most one object may hold (0: no limit), and the types accepted
# (empty: all of PDF, PNG, JPEG, GIF, WebP, text, CSV, docx, xlsx, pptx, odt, ods).
OPENMIS_ATTACHMENT_MAX_BYTES = env.int("OPENMIS_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
OPENMIS_ATTACHMENT_MAX_PER_OBJECT = env.int("OPENMIS_ATTACHMENT_MAX_PER_OBJECT", default=100)
OPENMIS_ATTACHMENT_TYPES = env.list("OPENMIS_ATTACHMENT_TYPES", default=[])
# The post-implementation review of a system (openmis.feedback.review): the days compared on
# each side of a go-live, the whole days that must have passed before it shows figures, and the
# feedback items each side needs.
OPENMIS_REVIEW_DAYS = env.int("OPENMIS_REVIEW_DAYS", default=90)
OPENMIS_REVIEW_MIN_DAYS = env.int("OPENMIS_REVIEW_MIN_DAYS", default=30)
OPENMIS_REVIEW_MIN_FEEDBACK = env.int("OPENMIS_REVIEW_MIN_FEEDBACK", default=5)
# Business intelligence: the warehouse (default: DuckDB files under the data dir), the limits
# on every query, and the background jobs that load files into it.
WAREHOUSE_URL = env.str("WAREHOUSE_URL", default="") or None
BI_QUERY_TIMEOUT = env.float("OPENMIS_BI_QUERY_TIMEOUT", default=30.0)
BI_ROW_CAP = env.int("OPENMIS_BI_ROW_CAP", default=100_000)
BI_MEMORY_LIMIT = env.str("OPENMIS_BI_MEMORY_LIMIT", default="2GB")
BI_THREADS = env.int("OPENMIS_BI_THREADS", default=2)
BI_UPLOAD_MAX_BYTES = env.int("OPENMIS_BI_UPLOAD_MAX_BYTES", default=2 * 1024**3)
BI_RESULT_CACHE_SECONDS = env.int("OPENMIS_BI_RESULT_CACHE_SECONDS", default=3600)
# Feedback should be acknowledged within this many working days (Monday to Friday, less the
# public holidays of OPENMIS_HOLIDAY_COUNTRY).
FEEDBACK_ACKNOWLEDGE_DAYS = env.int("OPENMIS_FEEDBACK_ACKNOWLEDGE_DAYS", default=5)
# Whose public holidays are not working days (openmis.core.workdays): an ISO 3166 country code
# the `holidays` package knows ("PL", "DE", "GB"...); empty counts only weekends as days off.
OPENMIS_HOLIDAY_COUNTRY = env.str("OPENMIS_HOLIDAY_COUNTRY", default="PL").strip().upper()
# A published policy's audience acknowledges it within this many working days; reminders go
# this many days before the due date (openmis.governance.acknowledgements).
OPENMIS_ACKNOWLEDGE_DAYS = env.int("OPENMIS_ACKNOWLEDGE_DAYS", default=14)
OPENMIS_ACKNOWLEDGE_REMINDER_DAYS = env.int("OPENMIS_ACKNOWLEDGE_REMINDER_DAYS", default=3)
# Results larger than this (as cached, in bytes) are not cached: the cache counts entries.
BI_RESULT_CACHE_MAX_BYTES = env.int("OPENMIS_BI_RESULT_CACHE_MAX_BYTES", default=4 * 1024**2)
# External tables are read in place and may change at any time: their results live shorter.
BI_EXTERNAL_CACHE_SECONDS = env.int("OPENMIS_BI_EXTERNAL_CACHE_SECONDS", default=300)
# Embedded warehouse only: DuckDB files of other systems whose tables can be registered as
# datasets, e.g. "crm=/srv/crm/crm.duckdb,erp=/srv/erp/erp.duckdb".
BI_EXTERNAL_DUCKDB = env.dict("OPENMIS_BI_EXTERNAL_DUCKDB", default={})
# Jobs are rows in the main database, run by `openmis worker` (started by `openmis run`);
# tests and `OPENMIS_TASKS=immediate` run them in the request instead.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING or env.str("OPENMIS_TASKS", default="") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

AUDITLOG_DISABLE_REMOTE_ADDR = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "openmis.core.logging.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # A refused request (403, 400, 404) is one line, without a traceback: core/logging.py.
    "loggers": {"django.request": {"filters": ["refusals"]}},
}

AXES_USERNAME_CALLABLE = "openmis.core.auth.axes_username"
AXES_LOCKOUT_CALLABLE = "openmis.core.auth.lockout_response"
