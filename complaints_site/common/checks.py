"""Deploy checks: `manage.py check --deploy --fail-level WARNING` fails on any development value.

Django's own deploy checks (security.W001-W022) already cover DEBUG, a short or
`django-insecure-` SECRET_KEY, HSTS, the HTTPS redirect and cookie flags; these add what is
ours. Each message names the setting and the environment variable that fixes it. The list and
its reasons are in docs/operations.md ("Deploy checks"). Messages are for operators and stay
in English, like Django's own.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# The keys this repository publishes (settings.local's default and the test settings'); a
# deployment that runs with one of them signs its sessions with a public key.
PUBLIC_SECRET_KEYS = frozenset(
    {
        "django-insecure-development-only-key-change-me",
        "test-only-secret-key-not-for-production-use-0123456789",
    }
)
# Webhook secrets are HMAC keys that anyone may try to guess offline from one signed request.
MIN_SECRET_LENGTH = 32
# Hosts refused in ALLOWED_HOSTS and PORTAL_BASE_URL (nothing binds to them here).
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "testserver"})  # noqa: S104
DEVELOPMENT_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    }
)


def _secret_problem(value: str, public_values: set[str]) -> str | None:
    if not value:
        return "is empty"
    if value in public_values or value.startswith("dev-"):
        return "is the public development value"
    if len(value) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    return None


def _is_loopback(host: str) -> bool:
    host = host.lower().strip("[]")
    return host in LOOPBACK_HOSTS or host.startswith("127.") or host.endswith(".localhost")


@register(Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs) -> list:
    if settings.SECRET_KEY in PUBLIC_SECRET_KEYS:
        return [
            Error(
                "SECRET_KEY is a key published in this repository.",
                hint="Set SECRET_KEY to a long random value kept outside the repository "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))').",
                id="complaints.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_webhook_secrets(app_configs=None, **kwargs) -> list:
    problems = []
    for name, public, check_id in (
        ("INBOUND_EMAIL_SECRET", settings.DEV_INBOUND_EMAIL_SECRET, "complaints.E002"),
        ("SOCIAL_WEBHOOK_SECRET", settings.DEV_SOCIAL_WEBHOOK_SECRET, "complaints.E003"),
    ):
        problem = _secret_problem(getattr(settings, name), {public})
        if problem:
            problems.append(
                Error(
                    f"{name} {problem}: anyone could sign requests to its webhook.",
                    hint=f"Set {name} to a random value of at least {MIN_SECRET_LENGTH} "
                    "characters, shared only with the sender.",
                    id=check_id,
                )
            )
    return problems


@register(Tags.security, deploy=True)
def check_gateway_secret(app_configs=None, **kwargs) -> list:
    if not settings.EXCHANGE_GATEWAY_URL:
        return []
    problems = []
    problem = _secret_problem(settings.EXCHANGE_GATEWAY_SECRET, set())
    if problem:
        problems.append(
            Error(
                f"EXCHANGE_GATEWAY_SECRET {problem} while EXCHANGE_GATEWAY_URL is set.",
                hint="Set EXCHANGE_GATEWAY_SECRET to the HMAC key agreed with the exchange "
                f"(at least {MIN_SECRET_LENGTH} characters).",
                id="complaints.E004",
            )
        )
    if urlsplit(settings.EXCHANGE_GATEWAY_URL).scheme != "https":
        problems.append(
            Error(
                "EXCHANGE_GATEWAY_URL is not https://: account data would travel in clear.",
                hint="Point EXCHANGE_GATEWAY_URL at the exchange's https:// endpoint.",
                id="complaints.E005",
            )
        )
    return problems


@register()
def check_gateway_app(app_configs=None, **kwargs) -> list:
    """A gateway class in the demo app needs that app: without it the import fails at the first
    investigation, not at start."""
    if settings.EXCHANGE_GATEWAY.startswith("demo.") and not apps.is_installed("demo"):
        return [
            Error(
                f"EXCHANGE_GATEWAY is {settings.EXCHANGE_GATEWAY!r} but the demo app is off.",
                hint="Set EXCHANGE_GATEWAY_URL (and its secret) for the exchange's API, or "
                "DEMO_ENABLED=true for a demo deployment.",
                id="complaints.E012",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_portal_base_url(app_configs=None, **kwargs) -> list:
    url = urlsplit(settings.PORTAL_BASE_URL)
    if url.scheme != "https" or not url.hostname or _is_loopback(url.hostname):
        return [
            Error(
                f"PORTAL_BASE_URL is {settings.PORTAL_BASE_URL!r}: links in customer mail must "
                "point at the public https:// address of the portal.",
                hint="Set PORTAL_BASE_URL, e.g. https://complaints.example.com.",
                id="complaints.E006",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs=None, **kwargs) -> list:
    bad = [h for h in settings.ALLOWED_HOSTS if h == "*" or _is_loopback(h)]
    if bad:
        return [
            Error(
                f"ALLOWED_HOSTS contains development or wildcard hosts: {', '.join(bad)}.",
                hint="Set ALLOWED_HOSTS to the public host names only "
                "(the health probe uses one of them too).",
                id="complaints.E007",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_email_backend(app_configs=None, **kwargs) -> list:
    if settings.EMAIL_BACKEND in DEVELOPMENT_EMAIL_BACKENDS:
        return [
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: customer mail would not be sent.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587.",
                id="complaints.E008",
            )
        ]
    return []


@register(Tags.database, deploy=True)
def check_database(app_configs=None, **kwargs) -> list:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return [
            Error(
                f"The database is {engine}: locks, sequences and the audit triggers need "
                "PostgreSQL.",
                hint="Set DATABASE_URL=postgres://user:password@host:5432/complaints.",
                id="complaints.E009",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_celery(app_configs=None, **kwargs) -> list:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return [
            Error(
                "Celery runs tasks eagerly in the web process (no broker): mail retries and "
                "the periodic work (audit sealing, reminders) would not run.",
                hint="Set CELERY_BROKER_URL=redis://host:6379/0 and run a worker and one beat.",
                id="complaints.E010",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                f"The default cache is {backend}: each web process counts API throttling "
                "(and sign-in attempts) on its own.",
                hint="Set CACHE_URL=redis://host:6379/1.",
                id="complaints.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_csp(app_configs=None, **kwargs) -> list:
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE or not getattr(
        settings, "CONTENT_SECURITY_POLICY", None
    ):
        return [
            Error(
                "No enforced Content-Security-Policy (CSP_REPORT_ONLY is on, or the CSP "
                "middleware is missing).",
                hint="Unset CSP_REPORT_ONLY; keep csp.middleware.CSPMiddleware in MIDDLEWARE.",
                id="complaints.E011",
            )
        ]
    return []


# The audit chain keeps its head outside the database (docs/audit.md, "Anchors").
AUDIT_KEY_DEV_PREFIX = "dev-"


@register(Tags.security, deploy=True)
def check_audit_anchor(app_configs=None, **kwargs) -> list:
    """Production keeps the chain head outside the database: an anchor location and a real
    signing key must be configured."""
    errors = []
    key = settings.AUDIT_ANCHOR_KEY or ""
    if not settings.AUDIT_ANCHOR_LOCATION:
        errors.append(
            Error(
                "AUDIT_ANCHOR_LOCATION is not set: the audit chain head is not kept outside "
                "the database, so a rewritten chain cannot be detected.",
                hint="Set AUDIT_ANCHOR_LOCATION to a folder on other storage or s3://bucket/"
                "prefix (with object lock or versioning).",
                id="common.E001",
            )
        )
    if not key or key.startswith(AUDIT_KEY_DEV_PREFIX) or len(key) < MIN_SECRET_LENGTH:
        errors.append(
            Error(
                "AUDIT_ANCHOR_KEY is missing, a development value or shorter than "
                f"{MIN_SECRET_LENGTH} characters: anchors could be forged.",
                hint="Set AUDIT_ANCHOR_KEY to a long random secret kept away from the "
                "database (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))').",
                id="common.E002",
            )
        )
    return errors
