"""Every setting lives here and is switched by environment variables (see .env.example).

`local`, `test` and `production` only change defaults; nothing exists only in production.
"""

from datetime import timedelta
from decimal import Decimal

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from cases.lib.storage import evidence_storage_settings
from complaints_site.env import BASE_DIR, env

DEBUG = env.bool("DEBUG", default=False)

# With DEBUG off a missing SECRET_KEY is an error at start (environ raises ImproperlyConfigured).
SECRET_KEY = (
    env.str("SECRET_KEY", default="django-insecure-development-only-key-change-me")
    if DEBUG
    else env.str("SECRET_KEY")
)
# Loopback only for development; a deployment names its hosts (the test settings add Django's
# test client host, `testserver`, for themselves).
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The demo app (demo/: seed_demo, the demo exchange ledger and its gateway adapter): on for
# `make run` and the tests, left out of production unless asked for. Nothing else imports it.
DEMO_ENABLED = env.bool("DEMO_ENABLED", default=DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens stored as digests with an expiry (complaints_site/common/tokens.py).
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "pgtrigger",
    "complaints_site.common",
    "cases",
    "channels",
    "arbitration",
    "education",
]
if DEMO_ENABLED:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Web hardening (docs/operations.md, "Web hardening"): a NUL byte in the path or query is
    # refused before anything parses it; every answer carries the Content-Security-Policy.
    "complaints_site.common.middleware.RejectNulBytesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in answers are never stored by a cache; idle and absolute session lifetimes.
    "complaints_site.common.middleware.PrivateCacheControlMiddleware",
    "complaints_site.common.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "complaints_site.urls"
WSGI_APPLICATION = "complaints_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "complaints_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                # The portal navigation's unread badge (one COUNT, only where it is shown).
                "cases.portal.inbox.portal_inbox",
            ],
        },
    },
]

# SQLite by default so `make run` needs nothing but Python; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in backends, tried in order. axes' backend comes first and refuses a locked-out attempt
# before any password is hashed; then one backend for usernames and email addresses (admin and
# portal), so an attempt costs one hash. The exchange's single sign-on plugs in through
# AUTH_BACKENDS (e.g. an OIDC or RemoteUser backend), see docs/portal.md and docs/accounts.md.
# Guardian's object-permission backend always comes last.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *env.list(
        "AUTH_BACKENDS",
        default=["complaints_site.accounts.backends.UsernameOrEmailBackend"],
    ),
    "guardian.backends.ObjectPermissionBackend",
]
# Where the portal sends anonymous visitors (the admin has its own sign-in page).
LOGIN_URL = env.str("LOGIN_URL", default="portal:login")
LOGIN_REDIRECT_URL = "portal:case_list"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Sign-in protection and second factor (complaints_site/accounts, docs/accounts.md) ---
# The admin site that requires the second factor, django-axes (failed sign-ins) and django-otp
# (TOTP apps and recovery codes). OTPMiddleware marks the verified session; ours makes a staff
# session that still owes its code anonymous outside the admin's sign-in screens; axes' last.
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = (
    "complaints_site.accounts.apps.SecureAdminConfig"
)
INSTALLED_APPS += [
    "complaints_site.accounts.apps.SignInLockoutsConfig",  # django-axes, with a readable name
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "complaints_site.accounts",
]
_after_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_after_auth:_after_auth] = [
    "django_otp.middleware.OTPMiddleware",
    "complaints_site.accounts.middleware.SecondFactorMiddleware",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# Throttling: failures count per (account, address) and per address over all accounts, each
# within the cool-off; then that sign-in is refused (429) without hashing until the cool-off
# ends. axes' defaults (by address alone, never unlocking) are not used.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_HANDLER = "complaints_site.accounts.throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
# Attempts while locked out are refused without being counted: the page's "try again after"
# time holds, and a flood of them writes nothing.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "complaints_site.accounts.throttle.login_identifier"
AXES_CLIENT_IP_CALLABLE = "complaints_site.accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "complaints_site.accounts.throttle.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Our admin pages replace axes' (read-only, and lifting a lockout is audited).
AXES_ENABLE_ADMIN = False
# No start-up banner: management commands (the MTA pipe) keep their one-line error output.
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Never store or log sign-in names, addresses, passwords or codes in clear in axes' records.
AXES_SENSITIVE_PARAMETERS = ["username", "email", "ip_address", "otp_token"]
# Proxies in front of the site that append to X-Forwarded-For (0: the TCP peer is the client and
# X-Forwarded-For is ignored, so a client cannot choose the address it is counted under).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Staff must enrol and use a second factor; off by default only with DEBUG (make run), where a
# staff user who enrolled is still asked for the code.
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Complaints back office")
OTP_RECOVERY_CODES = 10

# Guardian: no anonymous user row; object permissions never fall back to model-wide grants.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Times are stored in UTC; the interface shows them in the reader's zone later.
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

# Mail: console by default; EMAIL_URL (smtp://, smtp+tls://, consolemail://) in deployments.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Seconds an SMTP connection may block; Django's default (None) blocks for ever. Kept far below
# NOTIFICATION_LEASE_SECONDS, so a hung send ends before anyone retries it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=60)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="complaints@exchange.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Secrets for inbound webhooks (used by the intake channels). The public development values
# exist only with DEBUG on; otherwise an unset secret is empty, the webhook refuses every call
# and `check --deploy` fails (complaints_site/common/checks.py).
DEV_INBOUND_EMAIL_SECRET = "dev-inbound-email-secret"  # noqa: S105 (public on purpose)
DEV_SOCIAL_WEBHOOK_SECRET = "dev-social-webhook-secret"  # noqa: S105 (public on purpose)
INBOUND_EMAIL_SECRET = env.str(
    "INBOUND_EMAIL_SECRET", default=DEV_INBOUND_EMAIL_SECRET if DEBUG else ""
)
SOCIAL_WEBHOOK_SECRET = env.str(
    "SOCIAL_WEBHOOK_SECRET", default=DEV_SOCIAL_WEBHOOK_SECRET if DEBUG else ""
)
# Email channel: the IMAP mailbox polled for mail (imap[s]://user:password@host:port/MAILBOX;
# empty = no polling) and the largest raw message the webhook accepts.
IMAP_URL = env.str("IMAP_URL", default="")
INBOUND_EMAIL_MAX_BYTES = env.int("INBOUND_EMAIL_MAX_BYTES", default=25 * 1024 * 1024)
EVIDENCE_STORAGE = env.str("EVIDENCE_STORAGE", default=str(BASE_DIR / "var" / "evidence"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": evidence_storage_settings(EVIDENCE_STORAGE, base_dir=BASE_DIR),
}
# Upload limits (bytes / count). Per file, per case in total, files per case.
EVIDENCE_MAX_FILE_BYTES = env.int("EVIDENCE_MAX_FILE_BYTES", default=10 * 1024 * 1024)
EVIDENCE_MAX_CASE_BYTES = env.int("EVIDENCE_MAX_CASE_BYTES", default=50 * 1024 * 1024)
EVIDENCE_MAX_FILES_PER_CASE = env.int("EVIDENCE_MAX_FILES_PER_CASE", default=50)
# --- Security (issue 11), evidence files: image work bounds and malware scanning ----------
# Images are re-encoded; the pixels are read from the header and bounded before decoding (the
# cost is proportional to them). 25 MP takes a 24 MP camera photo and a 6K screen (20 MP); an
# 8K screen or a 48 MP photo must be cropped. Above a 4K screen's 8.3 MP an image must also
# send at least one byte per 64 pixels (real photos send one per 2-10), so a small file of
# one colour cannot buy a second of CPU.
EVIDENCE_MAX_IMAGE_PIXELS = env.int("EVIDENCE_MAX_IMAGE_PIXELS", default=25_000_000)
EVIDENCE_IMAGE_FREE_PIXELS = env.int("EVIDENCE_IMAGE_FREE_PIXELS", default=8_400_000)
EVIDENCE_IMAGE_MAX_PIXELS_PER_BYTE = env.int("EVIDENCE_IMAGE_MAX_PIXELS_PER_BYTE", default=64)
# ClamAV's clamd scans every file a user sends before it is stored (cases/lib/scanning.py):
# unix:///run/clamav/clamd.ctl or tcp://127.0.0.1:3310. Empty: not scanned, with a warning
# (make run); production must set it (deploy check). Unreachable: uploads refused ("try again
# later", API 503), mail attachments held unscanned and rescanned every EVIDENCE_RESCAN_SECONDS.
CLAMD_ADDRESS = env.str("CLAMD_ADDRESS", default="")
CLAMD_TIMEOUT_SECONDS = env.int("CLAMD_TIMEOUT_SECONDS", default=30)
EVIDENCE_RESCAN_SECONDS = env.int("EVIDENCE_RESCAN_SECONDS", default=300)
# --- end of the evidence-files block ---------------------------------------------------------
# Office documents are ZIP containers: bounded entry count and unpacked size.
EVIDENCE_MAX_ARCHIVE_ENTRIES = 2000
EVIDENCE_MAX_ARCHIVE_UNPACKED_BYTES = 200 * 1024 * 1024
# Django refuses bodies larger than this before any view runs (413 from the API).
DATA_UPLOAD_MAX_MEMORY_SIZE = EVIDENCE_MAX_FILE_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# PDF documents (cases/lib/pdf.py, docs/pdf.md): a font file with Chinese glyphs (TTF, OTF, or
# a TTC/OTC collection, whose Simplified Chinese face is used). Empty: the first well-known CJK
# font installed (Debian fonts-noto-cjk first); none at all: Latin text only, Chinese text then
# fails with a message. Headings use PDF_FONT_BOLD_PATH when set, else a synthetic bold of the
# regular face (a second CJK face about doubles the time to render a document).
PDF_FONT_PATH = env.str("PDF_FONT_PATH", default="")
PDF_FONT_BOLD_PATH = env.str("PDF_FONT_BOLD_PATH", default="")

# Links in our mail point here.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Outbound mail: replies to our notifications come back to this address, with a signed token
# (complaints+<reference>.<signature>@domain) so they thread into the right case.
REPLY_TO_ADDRESS = env.str("REPLY_TO_ADDRESS", default=DEFAULT_FROM_EMAIL)

# --- Security (mail area): which inbound mail may join an existing case ---------------------
# A mail joins a case with a valid signed reply token (REPLY_TO_ADDRESS above). Besides that,
# only when our own receiving MTA says the From domain passed DKIM (aligned) or DMARC, in an
# Authentication-Results header under its authserv-id (RFC 8601), and the sender is a
# participant of the case. Off by default: turn it on only when the MTA in front of the pipe,
# the IMAP mailbox or the webhook provider stamps those headers and strips forged copies.
INBOUND_MAIL_TRUST_AUTH_RESULTS = env.bool("INBOUND_MAIL_TRUST_AUTH_RESULTS", default=False)
INBOUND_MAIL_AUTHSERV_ID = env.str("INBOUND_MAIL_AUTHSERV_ID", default="")
# Notification delivery: attempts before giving up, first retry delay (doubles each time).
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
NOTIFICATION_RETRY_SECONDS = env.int("NOTIFICATION_RETRY_SECONDS", default=60)
# Internal quality review: the share of each month's closed cases sampled per stratum.
QUALITY_REVIEW_SHARE = Decimal(env.str("QUALITY_REVIEW_SHARE", default="0.05"))
# Where a new case goes before a team lead or the routing rules move it (team code).
INTAKE_DEFAULT_TEAM = env.str("INTAKE_DEFAULT_TEAM", default="support")

# Celery: Redis through CELERY_BROKER_URL; with no broker, tasks run eagerly in-process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Delivery leases a notification before it sends (cases.services.notifications): nobody tries
# it again before the lease ends. Keep it above CELERY_TASK_TIME_LIMIT, so that the worker that
# took it has finished or been killed by then (docs/notifications.md, "Delivery guarantees").
NOTIFICATION_LEASE_SECONDS = env.int(
    "NOTIFICATION_LEASE_SECONDS", default=2 * CELERY_TASK_TIME_LIMIT
)
# Redis hands a message no worker acknowledged (its worker was killed) to another worker after
# the visibility timeout, one hour unless set here as JSON, e.g.
# {"visibility_timeout": 3600}. Keep it above the longest retry countdown (a countdown is held
# unacknowledged by the worker until due). The crash tests and bench/execution.py shorten it
# with a quick restore sweep ("unacked_restore_interval": 1, "unacked_restore_throttle": 1).
CELERY_BROKER_TRANSPORT_OPTIONS = env.json("CELERY_BROKER_TRANSPORT_OPTIONS", default={})
# The queue tasks go to when nothing routes them; a test or bench worker takes a queue of its
# own, and the tasks it queues in turn must go there too.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE: dict = {
    "quality-review-sample": {
        "task": "cases.tasks.quality_review_sample_previous_month",
        # The 1st of every month, 03:00 UTC; idempotent, so a rerun samples nothing twice.
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
    },
    "sla-sweep": {
        # Warnings before a deadline, escalation at a breach (docs/clocks.md).
        "task": "cases.tasks.sla_sweep",
        "schedule": env.int("SLA_SWEEP_SECONDS", default=60),
    },
    "notifications-retry": {
        "task": "cases.tasks.notifications_deliver_due",
        "schedule": env.int("NOTIFICATION_SWEEP_SECONDS", default=60),
    },
    "email-imap-poll": {
        "task": "channels.tasks.email_poll_imap",
        "schedule": env.int("IMAP_POLL_SECONDS", default=60),
    },
    "audit-seal": {
        "task": "common.audit_seal_pending",
        "schedule": env.int("AUDIT_SEAL_SECONDS", default=60),
    },
    "audit-verify": {
        "task": "common.audit_verify",
        "schedule": env.int("AUDIT_VERIFY_SECONDS", default=3600),
    },
    "offers-expire": {
        "task": "cases.tasks.offers_expire_sweep",
        "schedule": env.int("OFFER_SWEEP_SECONDS", default=900),
    },
    "execution-stale": {
        "task": "cases.tasks.execution_sweep",
        "schedule": env.int("EXECUTION_SWEEP_SECONDS", default=120),
    },
    "follow-up-close": {
        "task": "cases.tasks.follow_up_close_sweep",
        "schedule": env.int("FOLLOW_UP_SWEEP_SECONDS", default=3600),
    },
    "info-requests": {
        "task": "cases.tasks.info_requests_sweep",
        "schedule": env.int("INFO_REQUEST_SWEEP_SECONDS", default=900),
    },
    "consultations-overdue": {
        "task": "cases.tasks.consultations_flag_overdue",
        "schedule": env.int("CONSULTATION_SWEEP_SECONDS", default=900),
    },
    "evidence-rescan-held": {
        "task": "cases.tasks.evidence_rescan_held",
        "schedule": EVIDENCE_RESCAN_SECONDS,
    },
}

# --- Audit chain (issue 11, finding 9; docs/audit.md) -------------------------------------
# Signed anchors of the chain head, kept outside the database: a folder or s3://bucket/prefix,
# and the HMAC key (never stored in the database). Development gets a local folder and a
# public key; production must set both (deploy check common.E001/E002).
AUDIT_ANCHOR_LOCATION = env.str(
    "AUDIT_ANCHOR_LOCATION", default=str(BASE_DIR / "var" / "audit-anchors") if DEBUG else ""
)
AUDIT_ANCHOR_KEY = env.str(
    "AUDIT_ANCHOR_KEY", default="dev-audit-anchor-key-not-secret" if DEBUG else ""
)
# A write queues a sealing pass after commit, at most one per this many seconds per process.
AUDIT_SEAL_DEBOUNCE_SECONDS = env.int("AUDIT_SEAL_DEBOUNCE_SECONDS", default=10)
# How far (seconds) a row's time may go back against the time of a lower id before it is
# reported as back-dated.
AUDIT_BACKDATE_TOLERANCE = env.int("AUDIT_BACKDATE_TOLERANCE", default=300)

# Cache: per process by default; CACHE_URL=redis://127.0.0.1:6379/1 shares it between web
# processes (the API's throttle counters need that when several workers run).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "complaints_site.common.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON only, its nesting bounded (complaints_site/common/parsers.py); a view that takes
    # files names its multipart parser itself. Anything else is 415.
    "DEFAULT_PARSER_CLASSES": ["complaints_site.common.parsers.BoundedJSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "complaints_site.common.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Per caller (user); the cases API counts reads and writes apart (cases/api/permissions.py).
    # Counters live in the default cache: per process unless CACHES points at a shared store.
    "DEFAULT_THROTTLE_RATES": {
        "api_read": env.str("API_THROTTLE_READ", default="3000/min"),
        "api_write": env.str("API_THROTTLE_WRITE", default="600/min"),
    },
}
# Adds POST /api/v1/bench/noop/ (authentication, then an empty 201) for bench/intake.py only.
BENCH_NOOP_ENDPOINT = env.bool("BENCH_NOOP_ENDPOINT", default=False)
# --- Security, issue 11 (area: API): expiring hashed tokens, JSON parse limits. -------------
# A token issued by `issue_api_token` lives this many days; knox keeps only its SHA-512 digest.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    # The public contract: `Authorization: Token <key>`; keys stay plain hex (no prefix).
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_PREFIX": "",
    "AUTO_REFRESH": False,
}
# Deepest nesting of arrays and objects a JSON body may have (ours need 2); deeper is 400.
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
# --- end of the API block. -------------------------------------------------------------------
SPECTACULAR_SETTINGS = {
    "TITLE": "Complaints and disputes API",
    "DESCRIPTION": "The exchange's systems open and follow complaint cases here.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its browsable docs are for signed-in callers (session or token) only, and
    # Swagger UI is served from our own static files (drf-spectacular-sidecar), never a CDN.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Enum names in the schema, where a field's name alone is ambiguous: two fields named
    # `channel` (where a case came from; how the customer answered an offer), and the offer's.
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "cases.api.serializers.API_CHANNELS",
        "DecisionChannelEnum": "cases.enums.DecisionChannel",
        "OfferStateEnum": "cases.api.serializers.OFFER_STATE_CHOICES",
        "OfferAnswerEnum": "cases.api.serializers.OFFER_ANSWER_CHOICES",
        "OfferOutcomeEnum": "cases.enums.OfferOutcome",
        "ActionKindEnum": "cases.enums.ActionKind",
        "ActionExecutionStateEnum": "cases.enums.ActionExecutionState",
    },
}

# Lifecycle and clocks. Targets per priority: (first response, resolution).
CASE_REFERENCE_PREFIX = env.str("CASE_REFERENCE_PREFIX", default="CX")
SLA_TARGETS = {
    "P1": (timedelta(hours=1), timedelta(days=2)),
    "P2": (timedelta(hours=4), timedelta(days=7)),
    "P3": (timedelta(hours=24), timedelta(days=15)),
    "P4": (timedelta(hours=72), timedelta(days=30)),
}
# The team lead's queue view counts a case "at risk" when a clock is due within this many hours.
SLA_RISK_HOURS = env.int("SLA_RISK_HOURS", default=4)
# A service target warns its assignee when this share of its time is used (SlaPolicy may set
# its own). The sweep runs every SLA_SWEEP_SECONDS (CELERY_BEAT_SCHEDULE).
SLA_WARN_AT_PERCENT = env.int("SLA_WARN_AT_PERCENT", default=75)
# Final-response deadline (UK FCA DISP 1.6: eight weeks), after which arbitration is open.
FINAL_RESPONSE_DEADLINE = timedelta(days=env.int("FINAL_RESPONSE_DEADLINE_DAYS", default=56))
# Regulatory deadlines (docs/clocks.md, cases.policies.regimes). Per jurisdiction (the user's
# ISO 3166 country code): the regime whose deadlines apply ("fca", "mica", "cfpb" or "none"),
# the country (and subdivision) whose public holidays are not business days (codes of the
# `holidays` package), and the time zone whose midnights end a day. JSON in the environment
# replaces the whole table. Defaults: the UK under the FCA (England's bank holidays, London
# time), the 27 EU member states under MiCA (each its own holidays, its capital's time), the US
# under the CFPB (federal holidays, New York time).
_EU_TIME_ZONES = {
    "AT": "Europe/Vienna",
    "BE": "Europe/Brussels",
    "BG": "Europe/Sofia",
    "CY": "Asia/Nicosia",
    "CZ": "Europe/Prague",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn",
    "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GR": "Europe/Athens",
    "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest",
    "IE": "Europe/Dublin",
    "IT": "Europe/Rome",
    "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg",
    "LV": "Europe/Riga",
    "MT": "Europe/Malta",
    "NL": "Europe/Amsterdam",
    "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest",
    "SE": "Europe/Stockholm",
    "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava",
}
COMPLAINT_JURISDICTIONS = env.json(
    "COMPLAINT_JURISDICTIONS",
    default={
        "GB": {
            "regime": "fca",
            "country": "GB",
            "subdivision": "ENG",
            "time_zone": "Europe/London",
        },
        **{
            code: {"regime": "mica", "country": code, "subdivision": "", "time_zone": zone}
            for code, zone in _EU_TIME_ZONES.items()
        },
        "US": {
            "regime": "cfpb",
            "country": "US",
            "subdivision": "",
            "time_zone": "America/New_York",
        },
    },
)
# The jurisdiction of a user whose country is unknown or not in the table.
DEFAULT_JURISDICTION = env.str("DEFAULT_JURISDICTION", default="GB")
# Categories that are payment-services or e-money complaints under FCA DISP 1.6.2A (final
# response within 15 business days, or a holding reply and a final response within 35).
PAYMENT_SERVICE_CATEGORIES = env.list("PAYMENT_SERVICE_CATEGORIES", default=["deposit_withdrawal"])
# The assignee is warned this many calendar days before a regulatory deadline (never before the
# complaint was received; 0 turns the warning off).
REGULATORY_WARN_DAYS = env.int("REGULATORY_WARN_DAYS", default=5)
# How long after resolution the user may still reopen a case; after it a sweep closes it.
REOPEN_WINDOW = timedelta(days=env.int("REOPEN_WINDOW_DAYS", default=14))

# Resolution, approval and execution (docs/resolution.md).
# How long the user has to answer an offer before the expiry sweep hands it back.
OFFER_VALID_FOR = timedelta(days=env.int("OFFER_VALID_DAYS", default=14))
# Approval tiers by the offer's value in USD, highest first: above `above`, `approvals`
# different approvers (never the proposer, never recused), among them one of each `roles`
# ("team_lead", "compliance"). Below every tier an offer needs no approval.
RESOLUTION_APPROVAL_TIERS = env.json(
    "RESOLUTION_APPROVAL_TIERS",
    default=[
        {"name": "board", "above": "100000", "approvals": 3, "roles": ["team_lead", "compliance"]},
        {"name": "senior", "above": "10000", "approvals": 2, "roles": ["team_lead"]},
        {"name": "standard", "above": "1000", "approvals": 1, "roles": []},
    ],
)
# A USD price older than this is not used to value an offer (the gateway's `prices`).
USD_PRICE_MAX_AGE = timedelta(hours=env.int("USD_PRICE_MAX_AGE_HOURS", default=24))
# Similar closed cases shown while proposing (same category and finding, nearest amounts).
PRECEDENT_COUNT = env.int("PRECEDENT_COUNT", default=5)
# Carrying out actions at the exchange: attempts in all, and the first retry's delay (doubled
# each time: 5, 10, 20, 40, 80 s by default). A queued or running action untouched this long is
# queued again by the sweep (a message lost with the broker, a worker killed).
EXECUTION_MAX_ATTEMPTS = env.int("EXECUTION_MAX_ATTEMPTS", default=6)
EXECUTION_RETRY_SECONDS = env.int("EXECUTION_RETRY_SECONDS", default=5)
EXECUTION_STALE_AFTER = timedelta(seconds=env.int("EXECUTION_STALE_SECONDS", default=600))
# The final response letter: how long the user has to refer the dispute to arbitration.
ARBITRATION_REFERRAL_MONTHS = env.int("ARBITRATION_REFERRAL_MONTHS", default=6)
# The satisfaction survey's link works once within this window after resolution.
SURVEY_WINDOW = timedelta(days=env.int("SURVEY_WINDOW_DAYS", default=28))
# Signed links in offer and survey emails (never a sign-in).
CUSTOMER_LINK_MAX_AGE = timedelta(days=env.int("CUSTOMER_LINK_MAX_AGE_DAYS", default=30))

# Investigation (docs/investigation.md). A request for information is followed by a reminder
# after INFO_REQUEST_REMINDER_DAYS of silence and closes the case with notice after
# INFO_REQUEST_CLOSE_DAYS; consultations are due CONSULTATION_DUE_DAYS after they are asked.
INFO_REQUEST_REMINDER_AFTER = timedelta(days=env.int("INFO_REQUEST_REMINDER_DAYS", default=7))
INFO_REQUEST_CLOSE_AFTER = timedelta(days=env.int("INFO_REQUEST_CLOSE_DAYS", default=21))
CONSULTATION_DUE_DAYS = env.int("CONSULTATION_DUE_DAYS", default=3)

# The exchange gateway (docs/gateway.md): the HTTP adapter with HMAC-signed requests
# (EXCHANGE_GATEWAY_SECRET signs both ways); the demo ledger instead when the demo app is on
# and EXCHANGE_GATEWAY_URL is not set. Without the demo app the default never names it.
EXCHANGE_GATEWAY_URL = env.str("EXCHANGE_GATEWAY_URL", default="")
EXCHANGE_GATEWAY = env.str(
    "EXCHANGE_GATEWAY",
    default="demo.gateway.DemoExchangeGateway"
    if DEMO_ENABLED and not EXCHANGE_GATEWAY_URL
    else "cases.gateway.http.HttpExchangeGateway",
)
EXCHANGE_GATEWAY_KEY_ID = env.str("EXCHANGE_GATEWAY_KEY_ID", default="complaints")
EXCHANGE_GATEWAY_SECRET = env.str("EXCHANGE_GATEWAY_SECRET", default="")
EXCHANGE_GATEWAY_TIMEOUT_MS = env.int("EXCHANGE_GATEWAY_TIMEOUT_MS", default=5000)
# Attempts in all (the first try included) for an answer that times out or fails with a 5xx.
EXCHANGE_GATEWAY_RETRIES = env.int("EXCHANGE_GATEWAY_RETRIES", default=3)
# Retries wait BACKOFF_MS, then twice that, and so on.
EXCHANGE_GATEWAY_BACKOFF_MS = env.int("EXCHANGE_GATEWAY_BACKOFF_MS", default=500)
# A snapshot pulls at most this many records and this long a window.
SNAPSHOT_MAX_RECORDS = env.int("SNAPSHOT_MAX_RECORDS", default=20000)
SNAPSHOT_MAX_WINDOW = timedelta(days=env.int("SNAPSHOT_MAX_WINDOW_DAYS", default=183))

# Security: the same switches everywhere, strict unless DEBUG.
SESSION_COOKIE_HTTPONLY = True
# Absolute lifetime of a signed-in session, from sign-in (SessionLifetimeMiddleware enforces it
# even while the session is in use).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"

# --- Settings, entry points and web hardening (issue 11; docs/operations.md) ---------------
# Idle timeout: a signed-in session unused this long ends at its next request (staff, and
# portal customers); SESSION_COOKIE_AGE above is the absolute lifetime. The last-seen time is
# written at most every SESSION_ACTIVITY_RESOLUTION_SECONDS, not on every request.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
PORTAL_SESSION_IDLE_TIMEOUT_SECONDS = env.int(
    "PORTAL_SESSION_IDLE_TIMEOUT_SECONDS", default=60 * 60
)
SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
# Content-Security-Policy (django-csp 4) on every answer: scripts, styles, images and fonts only
# from our own origin, no inline script, no plugins, never framed, forms post only to us.
# 'unsafe-inline' for styles only, because the Django admin's own templates and its
# JavaScript (e.g. SelectFilter, the calendar widgets) set style attributes; no script may run
# inline. CSP_REPORT_ONLY=true sends the same policy as Report-Only (for a trial, not for
# production: the deploy check refuses it).
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
_CSP_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP_POLICY
else:
    CONTENT_SECURITY_POLICY = _CSP_POLICY

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # fontTools logs every table of every font it subsets for a PDF at INFO.
    "loggers": {"fontTools": {"level": "WARNING"}},
}
