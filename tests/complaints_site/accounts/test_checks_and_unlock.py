"""The deploy check refuses production without sign-in protection; lifting a lockout is for
authorised staff and is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import checks

from cases import roles
from complaints_site.accounts.models import SignInEvent, SignInEventType
from complaints_site.accounts.services import lockout_reset
from complaints_site.common.exceptions import PermissionDeniedError
from tests.support.sign_in import PASSWORD, admin_sign_in

pytestmark = pytest.mark.django_db


def deploy_errors() -> set[str]:
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    return {message.id for message in found if message.id.startswith("accounts.")}


def test_the_deploy_check_passes_with_protection_on(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    assert deploy_errors() == set()


@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("OTP_REQUIRED_FOR_STAFF", False, "accounts.E001"),
        ("AXES_ENABLED", False, "accounts.E002"),
        ("AXES_COOLOFF_TIME", None, "accounts.E003"),
        ("AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler", "accounts.E005"),
    ],
)
def test_the_deploy_check_fails_without_protection(settings, setting, value, error):
    settings.OTP_REQUIRED_FOR_STAFF = True
    setattr(settings, setting, value)
    assert error in deploy_errors()


def test_the_deploy_check_wants_axes_first(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    settings.AUTHENTICATION_BACKENDS = [
        "complaints_site.accounts.backends.UsernameOrEmailBackend",
        "axes.backends.AxesStandaloneBackend",
    ]
    assert "accounts.E004" in deploy_errors()


@pytest.fixture
def locked_out(client, settings, staff):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    staff(None, username="henry")
    for _ in range(3):
        admin_sign_in(client, "henry", "wrong", REMOTE_ADDR="192.0.2.77")
    assert admin_sign_in(client, "henry", PASSWORD, REMOTE_ADDR="192.0.2.77").status_code == 429
    return AccessAttempt.objects.filter(username="henry")


def test_a_superuser_lifts_a_lockout_with_a_reason_and_it_is_recorded(
    client, settings, staff, locked_out
):
    settings.OTP_REQUIRED_FOR_STAFF = False
    root = staff(None, username="root", superuser=True)
    admin = client.__class__()
    admin.force_login(root)
    ids = list(locked_out.values_list("pk", flat=True))
    form = {"action": "lift_lockout", "_selected_action": ids}
    page = admin.post("/admin/axes/accessattempt/", form)
    assert page.status_code == 200  # asks for the reason first
    assert locked_out.exists()
    admin.post("/admin/axes/accessattempt/", {**form, "apply": "1", "reason": "Called the user"})
    assert not locked_out.exists()
    event = SignInEvent.objects.get(kind=SignInEventType.LOCKOUT_RESET)
    assert (event.subject_label, event.ip_address, event.actor) == ("henry", "192.0.2.77", root)
    assert event.reason == "Called the user"
    assert admin_sign_in(client, "henry", PASSWORD, REMOTE_ADDR="192.0.2.77").status_code == 302


def test_compliance_sees_lockouts_but_cannot_lift_them(client, settings, staff, locked_out):
    settings.OTP_REQUIRED_FOR_STAFF = False
    officer = staff(roles.COMPLIANCE_OFFICER, username="olga")
    client.force_login(officer)
    assert client.get("/admin/axes/accessattempt/").status_code == 200
    assert client.get("/admin/axes/accessfailurelog/").status_code == 200
    assert client.get("/admin/accounts/signinevent/").status_code == 200
    ids = list(locked_out.values_list("pk", flat=True))
    client.post(
        "/admin/axes/accessattempt/",
        {"action": "lift_lockout", "_selected_action": ids, "apply": "1", "reason": "x"},
    )
    assert locked_out.exists()
    with pytest.raises(PermissionDeniedError):
        lockout_reset(attempts=locked_out, actor=officer, reason="x")
    assert not SignInEvent.objects.exists()
