"""Settings come from the environment (12-factor); see docs/operations.md for every variable."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VENUESAFE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Production mode is opt-in so that `make run` works with no configuration at all.
PRODUCTION = env_bool("VENUESAFE_PRODUCTION")
DEBUG = env_bool("DEBUG", default=not PRODUCTION)


def _development_secret_key() -> str:
    # A random key kept under var/ so sessions survive restarts of the development server.
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when VENUESAFE_PRODUCTION is on.")
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "axes",
    "venuesafe.core",
    "venuesafe.org",
    "venuesafe.accounts",
    "venuesafe.venues",
    "venuesafe.hazards",
    "venuesafe.inspections",
    "venuesafe.notices",
    "venuesafe.selfchecks",
    "venuesafe.equipment",
    "venuesafe.risk",
    "venuesafe.dashboard",
    "venuesafe.ledgers",
    "venuesafe.documents",
    "venuesafe.reports",
    "venuesafe.verifications",
    "venuesafe.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Serves collected static files in production; runserver and the test server do it otherwise.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "venuesafe.accounts.context_processors.current_roles",
                "venuesafe.notices.context_processors.unread_notices",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'venuesafe.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the dev server, the periodic command and readers work at once.
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "venuesafe.accounts.backends.UsernameOrMobileBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"  # by role: see accounts.selectors.home_url_name
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed logins (django-axes), per login name and address.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- i18n and time --------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# Front-end libraries come from the npm registry (package.json) and are served in place.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": os.environ.get("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if os.environ.get("MEDIA_STORAGE_OPTIONS"):
    # JSON options for an S3-compatible backend (django-storages), e.g. bucket and endpoint.
    import json

    STORAGES["default"]["OPTIONS"] = json.loads(os.environ["MEDIA_STORAGE_OPTIONS"])

# Venue photos: a real image within this size.
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = PHOTO_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Map tiles. Chinese tile services (AutoNavi) draw in GCJ-02, so markers are shifted to match.
MAP_TILE_URL = os.environ.get(
    "MAP_TILE_URL", "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
)
MAP_TILE_SUBDOMAINS = os.environ.get("MAP_TILE_SUBDOMAINS", "1234")
MAP_TILE_COORDINATE_SYSTEM = os.environ.get("MAP_TILE_COORDINATE_SYSTEM", "gcj02")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© AutoNavi")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "venuesafe.core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "VenueSafe API",
    "DESCRIPTION": (
        "小场所安全治理系统 REST API. Coordinates are WGS-84 unless a `coord_system` "
        "(wgs84, gcj02, bd09) says otherwise. Errors: {code, message, fields}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc assets come from the drf-spectacular-sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security (production) ------------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Demo/district configuration.
NEAR_ME_MAX_RADIUS_M = int(os.environ.get("NEAR_ME_MAX_RADIUS_M", "5000"))

# --- The hazard loop ------------------------------------------------------------------------
# Default rectification deadline by severity (一般/较大/重大), in hours. A catalogue entry's own
# default deadline comes first; a dispatcher may set any later deadline.
HAZARD_DEADLINE_HOURS = {
    "general": int(os.environ.get("HAZARD_DEADLINE_HOURS_GENERAL", "72")),
    "serious": int(os.environ.get("HAZARD_DEADLINE_HOURS_SERIOUS", "168")),
    "major": int(os.environ.get("HAZARD_DEADLINE_HOURS_MAJOR", "720")),
}
# "Due soon" notices go out this many hours before the deadline.
HAZARD_DUE_SOON_HOURS = int(os.environ.get("HAZARD_DUE_SOON_HOURS", "24"))
# Overdue orders go to the community at once and to the street office this many hours later.
HAZARD_ESCALATION_STEP_HOURS = int(os.environ.get("HAZARD_ESCALATION_STEP_HOURS", "24"))
# An inspection's hazards go to the venue's merchant at once when the venue has a merchant account.
HAZARD_AUTO_DISPATCH_TO_MERCHANT = env_bool("HAZARD_AUTO_DISPATCH_TO_MERCHANT", True)
# An inspection farther than this from the venue's archived location is saved but marked off-site.
INSPECTION_OFFSITE_DISTANCE_M = float(os.environ.get("INSPECTION_OFFSITE_DISTANCE_M", "200"))
# "Not inspected lately" on the inspector's task list.
INSPECTION_STALE_DAYS = int(os.environ.get("INSPECTION_STALE_DAYS", "30"))
MAX_PHOTOS_PER_STEP = int(os.environ.get("MAX_PHOTOS_PER_STEP", "9"))
# Notice delivery: every notice lands in the in-app inbox; each backend here also gets it
# (the log by default; an SMS or WeChat backend can be added without touching the loop).
NOTICE_BACKENDS = env_list("NOTICE_BACKENDS", "venuesafe.notices.backends.LogBackend")

# The benchmark's bare one-insert endpoint (bench/inspection_submit.py); never in production.
BENCH_ENDPOINTS = env_bool("VENUESAFE_BENCH_ENDPOINTS") and not PRODUCTION

# --- Merchants: one code per venue and the daily self-check ---------------------------------
# The address printed in door-plate QR codes (the public site); empty: the address of the request.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")
# A TrueType/TTC font with Chinese glyphs, embedded in PDFs; empty: the first one found on the system.
PDF_CJK_FONT = os.environ.get("PDF_CJK_FONT", "")
BINDING_CODE_TTL_HOURS = int(os.environ.get("BINDING_CODE_TTL_HOURS", "168"))
BINDING_MAX_FAILURES = int(os.environ.get("BINDING_MAX_FAILURES", "5"))
BINDING_LOCKOUT_MINUTES = int(os.environ.get("BINDING_LOCKOUT_MINUTES", "15"))
# Venues without a punch-in by this local hour get a reminder.
SELF_CHECK_REMINDER_HOUR = int(os.environ.get("SELF_CHECK_REMINDER_HOUR", "18"))
# A merchant "masters" self-checking with punch-ins on at least MASTERY_DAYS of the last WINDOW days.
SELF_CHECK_MASTERY_DAYS = int(os.environ.get("SELF_CHECK_MASTERY_DAYS", "20"))
SELF_CHECK_MASTERY_WINDOW_DAYS = int(os.environ.get("SELF_CHECK_MASTERY_WINDOW_DAYS", "30"))

# --- Equipment date rules, candidate major hazards, risk and patrol plans -----------------------
# The unconfirmed periods of regulations.md §6 (a date rule's own parameter wins when set).
DATE_RULE_RUBBER_HOSE_MONTHS = int(os.environ.get("DATE_RULE_RUBBER_HOSE_MONTHS", "18"))
DATE_RULE_REGULATOR_YEARS = int(os.environ.get("DATE_RULE_REGULATOR_YEARS", "3"))
# Risk level from the score: red ≥ RED, orange ≥ ORANGE, yellow ≥ YELLOW, else blue.
RISK_LEVEL_THRESHOLDS = {
    "red": int(os.environ.get("RISK_THRESHOLD_RED", "60")),
    "orange": int(os.environ.get("RISK_THRESHOLD_ORANGE", "40")),
    "yellow": int(os.environ.get("RISK_THRESHOLD_YELLOW", "20")),
}
# Inspection frequency (days) by risk level.
PATROL_FREQUENCY_DAYS = {
    "red": int(os.environ.get("PATROL_DAYS_RED", "7")),
    "orange": int(os.environ.get("PATROL_DAYS_ORANGE", "14")),
    "yellow": int(os.environ.get("PATROL_DAYS_YELLOW", "30")),
    "blue": int(os.environ.get("PATROL_DAYS_BLUE", "90")),
}
PATROL_DAILY_MAX = int(os.environ.get("PATROL_DAILY_MAX", "12"))

# --- Big screen, ledgers and documents ------------------------------------------------------
# The screen polls the summary API every POLL seconds (an unchanged screen costs four index
# lookups) and reloads everything at least every FULL_REFRESH seconds (overdue, "today").
DASHBOARD_POLL_SECONDS = int(os.environ.get("DASHBOARD_POLL_SECONDS", "3"))
DASHBOARD_FULL_REFRESH_SECONDS = int(os.environ.get("DASHBOARD_FULL_REFRESH_SECONDS", "60"))
# One summary per unit, scope, language and change, shared by every screen watching it; figures
# that move with the clock alone (overdue, "today") are at most this old. 0: no cache.
DASHBOARD_SUMMARY_CACHE_SECONDS = int(os.environ.get("DASHBOARD_SUMMARY_CACHE_SECONDS", "30"))

# --- Resident reports (public report page, triage) -------------------------------------------
# Reports per sender (keyed hash of the address, and the device cookie) per hour and per day.
REPORTS_RATE_PER_HOUR = int(os.environ.get("REPORTS_RATE_PER_HOUR", "5"))
REPORTS_RATE_PER_DAY = int(os.environ.get("REPORTS_RATE_PER_DAY", "20"))
# An Open311 client files for many residents: its own, larger limits replace the per-address ones.
REPORTS_OPEN311_CLIENT_PER_HOUR = int(os.environ.get("REPORTS_OPEN311_CLIENT_PER_HOUR", "200"))
REPORTS_OPEN311_CLIENT_PER_DAY = int(os.environ.get("REPORTS_OPEN311_CLIENT_PER_DAY", "2000"))
# Photos on a report: at most this many, each at most this size (and never above PHOTO_MAX_BYTES).
REPORTS_MAX_PHOTOS = int(os.environ.get("REPORTS_MAX_PHOTOS", "3"))
REPORTS_PHOTO_MAX_BYTES = int(os.environ.get("REPORTS_PHOTO_MAX_BYTES", str(8 * 1024 * 1024)))
# Locating: the nearest archived venue within LOCATE_RADIUS gives the community that triages;
# within STREET_RADIUS only its street (the street office triages); else the district does.
REPORTS_LOCATE_RADIUS_M = float(os.environ.get("REPORTS_LOCATE_RADIUS_M", "300"))
REPORTS_LOCATE_STREET_RADIUS_M = float(os.environ.get("REPORTS_LOCATE_STREET_RADIUS_M", "3000"))
# Venues offered on the triage page around the report's location.
REPORTS_NEAR_VENUES_RADIUS_M = float(os.environ.get("REPORTS_NEAR_VENUES_RADIUS_M", "50"))
# Risk: points per open resident report at a venue within the window (new, or its hazard still open), capped.
RISK_POINTS_RESIDENT_REPORT = int(os.environ.get("RISK_POINTS_RESIDENT_REPORT", "5"))
RISK_POINTS_RESIDENT_REPORT_CAP = int(os.environ.get("RISK_POINTS_RESIDENT_REPORT_CAP", "15"))
RISK_RESIDENT_REPORT_WINDOW_DAYS = int(os.environ.get("RISK_RESIDENT_REPORT_WINDOW_DAYS", "90"))
# Resident reports' states and sources get their own names in the API schema; the hazard's keep the
# names they had before another `state`/`source` field appeared.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "ReportStateEnum": "venuesafe.reports.models.ReportState.choices",
        "ReportSourceEnum": "venuesafe.reports.models.ReportSource.choices",
        "StateEnum": "venuesafe.hazards.models.HazardState.choices",
        "SourceEnum": "venuesafe.hazards.models.HazardSource.choices",
        "AnomalyKindEnum": "venuesafe.verifications.models.AnomalyKind.choices",
        "VerificationStateEnum": "venuesafe.verifications.models.TaskState.choices",
        "VerificationEventKindEnum": "venuesafe.verifications.models.EventKind.choices",
        "LedgerKindEnum": "venuesafe.ledgers.models.LedgerKind.choices",
        "ExportFormatEnum": "venuesafe.ledgers.models.ExportFormat.choices",
        "ExportStateEnum": "venuesafe.ledgers.models.ExportState.choices",
    }
)

# --- Instant response: new and changed venues (即时响应) -------------------------------------
# A reported anomaly must be verified on site within this many minutes (the seed's 2 hours).
VERIFICATION_TARGET_MINUTES = int(os.environ.get("VERIFICATION_TARGET_MINUTES", "120"))
# A missed target goes to community staff at once and to the street office this many minutes later.
VERIFICATION_ESCALATION_STEP_MINUTES = int(os.environ.get("VERIFICATION_ESCALATION_STEP_MINUTES", "120"))
# Duplicate protection: archived venues this close with a similar sign name are offered as matches.
VERIFICATION_DUPLICATE_RADIUS_M = float(os.environ.get("VERIFICATION_DUPLICATE_RADIUS_M", "30"))
# Sign names match at this difflib ratio (after normalising) or when one contains the other.
VERIFICATION_NAME_SIMILARITY = float(os.environ.get("VERIFICATION_NAME_SIMILARITY", "0.6"))
# A new venue's grid is the grid of the nearest archived venue within this distance.
VERIFICATION_LOCATE_RADIUS_M = float(os.environ.get("VERIFICATION_LOCATE_RADIUS_M", "1000"))

# --- Ledgers (台账): Excel and CSV exports ------------------------------------------------------
# Build requested exports in a background thread of the web process (after the request commits);
# off: build before answering (tests). Either way run_periodic_tasks builds any left queued.
LEDGER_EXPORT_IN_BACKGROUND = env_bool("LEDGER_EXPORT_IN_BACKGROUND", True)
# Export files are deleted this many days after they were asked for (the record of the export stays).
LEDGER_EXPORT_KEEP_DAYS = int(os.environ.get("LEDGER_EXPORT_KEEP_DAYS", "7"))
# A build that has written nothing for this long (server restarted) is taken up again by run_periodic_tasks.
LEDGER_EXPORT_STALE_MINUTES = int(os.environ.get("LEDGER_EXPORT_STALE_MINUTES", "10"))

# --- Open311 GeoReport v2 (docs/open311.md) ----------------------------------------------------
# Empty: one jurisdiction, any jurisdiction_id accepted; set: requests naming another get 404.
OPEN311_JURISDICTION_ID = os.environ.get("OPEN311_JURISDICTION_ID", "")
# Shown in discovery: who runs this endpoint (e.g. "陈桥街道综安办 0513-…").
OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "")
