"""Deploy checks (issue 11, High 2): `check --deploy` fails on every development value and is
silent on a real-looking production configuration; no secret has a default outside DEBUG."""

import secrets

import pytest
from django.core.checks import Error, Warning

from complaints_site.common import checks
from tests.support.django_process import production_environment, run, run_python

PRODUCTION = "complaints_site.settings.production"
# The checks read DATABASES only; no connection is made with the overridden value.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def _random(n: int = 40) -> str:
    return secrets.token_urlsafe(n)


@pytest.fixture
def production(settings):
    """The in-process settings as a good production configuration has them."""
    settings.DEBUG = False
    settings.SECRET_KEY = _random(50)
    settings.ALLOWED_HOSTS = ["complaints.exchange-example.com"]
    settings.PORTAL_BASE_URL = "https://complaints.exchange-example.com"
    settings.INBOUND_EMAIL_SECRET = _random()
    settings.SOCIAL_WEBHOOK_SECRET = _random()
    settings.EXCHANGE_GATEWAY_URL = ""
    settings.EXCHANGE_GATEWAY_SECRET = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.DATABASES = {
        **settings.DATABASES,
        "default": {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.postgresql",
        },
    }
    settings.CELERY_BROKER_URL = "redis://redis.internal:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    return settings


ALL_CHECKS = [
    checks.check_secret_key,
    checks.check_webhook_secrets,
    checks.check_gateway_secret,
    checks.check_portal_base_url,
    checks.check_allowed_hosts,
    checks.check_email_backend,
    checks.check_database,
    checks.check_celery,
    checks.check_shared_cache,
    checks.check_csp,
]


def _ids() -> list[str]:
    return [m.id for check in ALL_CHECKS for m in check()]


def test_silent_on_a_good_production_configuration(production):
    assert _ids() == []


@pytest.mark.parametrize(
    ("name", "value", "check_id"),
    [
        ("SECRET_KEY", "django-insecure-development-only-key-change-me", "complaints.E001"),
        ("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789", "complaints.E001"),
        ("INBOUND_EMAIL_SECRET", "dev-inbound-email-secret", "complaints.E002"),
        ("INBOUND_EMAIL_SECRET", "", "complaints.E002"),
        ("INBOUND_EMAIL_SECRET", "short-secret", "complaints.E002"),
        ("SOCIAL_WEBHOOK_SECRET", "dev-social-webhook-secret", "complaints.E003"),
        ("SOCIAL_WEBHOOK_SECRET", "", "complaints.E003"),
        ("PORTAL_BASE_URL", "http://127.0.0.1:8000", "complaints.E006"),
        ("PORTAL_BASE_URL", "http://complaints.exchange-example.com", "complaints.E006"),
        ("PORTAL_BASE_URL", "https://localhost", "complaints.E006"),
        ("ALLOWED_HOSTS", ["complaints.exchange-example.com", "testserver"], "complaints.E007"),
        ("ALLOWED_HOSTS", ["localhost"], "complaints.E007"),
        ("ALLOWED_HOSTS", ["127.0.0.1"], "complaints.E007"),
        ("ALLOWED_HOSTS", ["*"], "complaints.E007"),
        ("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend", "complaints.E008"),
        ("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend", "complaints.E008"),
        ("CELERY_TASK_ALWAYS_EAGER", True, "complaints.E010"),
        ("CELERY_BROKER_URL", "", "complaints.E010"),
        (
            "CACHES",
            {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            "complaints.W001",
        ),
        ("CONTENT_SECURITY_POLICY", None, "complaints.E011"),
    ],
)
def test_each_check_fires_on_its_development_value(production, name, value, check_id):
    setattr(production, name, value)
    assert _ids() == [check_id]


def test_sqlite_in_production(production):
    production.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}}
    assert _ids() == ["complaints.E009"]


def test_gateway_secret_and_scheme_when_a_gateway_is_set(production):
    production.EXCHANGE_GATEWAY_URL = "https://exchange-internal.example/gateway"
    assert _ids() == ["complaints.E004"]
    production.EXCHANGE_GATEWAY_SECRET = _random()
    assert _ids() == []
    production.EXCHANGE_GATEWAY_URL = "http://exchange-internal.example/gateway"
    assert _ids() == ["complaints.E005"]


def test_levels_and_hints(production):
    production.INBOUND_EMAIL_SECRET = ""
    production.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    messages = checks.check_webhook_secrets() + checks.check_shared_cache()
    assert [type(m) for m in messages] == [Error, Warning]
    assert all(m.hint for m in messages)


def test_deploy_check_passes_with_a_realistic_production_environment():
    """The real command with production settings: every value set as a deployment sets it.
    (The check does not connect to the database or the broker.)"""
    out = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        settings=PRODUCTION,
        **production_environment(),
    )
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize(
    ("unset", "check_id"),
    [
        ("INBOUND_EMAIL_SECRET", "complaints.E002"),
        ("SOCIAL_WEBHOOK_SECRET", "complaints.E003"),
        ("PORTAL_BASE_URL", "complaints.E006"),
        ("EMAIL_URL", "complaints.E008"),
        ("DATABASE_URL", "complaints.E009"),
        ("CELERY_BROKER_URL", "complaints.E010"),
        ("CACHE_URL", "complaints.W001"),
        ("ALLOWED_HOSTS", "security.W020"),
    ],
)
def test_deploy_check_fails_on_each_development_default(unset, check_id):
    environment = production_environment()
    del environment[unset]
    out = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        settings=PRODUCTION,
        drop=(unset,),
        **environment,
    )
    assert out.returncode != 0
    assert check_id in out.stderr


def test_no_development_secret_or_host_outside_debug():
    """Production settings with nothing set but SECRET_KEY: webhook secrets are empty (the
    webhooks refuse every call), ALLOWED_HOSTS names no development host."""
    out = run_python(
        "from django.conf import settings as s;"
        "print(repr((s.INBOUND_EMAIL_SECRET, s.SOCIAL_WEBHOOK_SECRET, s.ALLOWED_HOSTS)))",
        settings=PRODUCTION,
        SECRET_KEY=_random(50),
        drop=("INBOUND_EMAIL_SECRET", "SOCIAL_WEBHOOK_SECRET", "ALLOWED_HOSTS"),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "('', '', [])"


def test_development_settings_keep_their_demo_values():
    out = run_python(
        "from django.conf import settings as s;"
        "print(repr((s.INBOUND_EMAIL_SECRET, s.SOCIAL_WEBHOOK_SECRET, s.ALLOWED_HOSTS)))",
        settings="complaints_site.settings.local",
        drop=("INBOUND_EMAIL_SECRET", "SOCIAL_WEBHOOK_SECRET", "ALLOWED_HOSTS", "SECRET_KEY"),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        "('dev-inbound-email-secret', 'dev-social-webhook-secret', ['127.0.0.1', 'localhost'])"
    )
