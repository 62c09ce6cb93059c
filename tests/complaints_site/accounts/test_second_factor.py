"""Staff sign in with a second factor (django-otp TOTP, recovery codes); an administrator's
reset of someone else's factor is audited (issue 11, finding 4)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import roles
from complaints_site.accounts.models import SignInEvent, SignInEventType
from complaints_site.accounts.services import (
    second_factor_reset,
    totp_enrolment_confirm,
    totp_enrolment_start,
)
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError
from tests.support.sign_in import PASSWORD, admin_sign_in, portal_sign_in

pytestmark = pytest.mark.django_db

ENROL = "/admin/second-factor/enrol/"
VERIFY = "/admin/second-factor/"
CODES = "/admin/second-factor/recovery-codes/"


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    return settings


def code_for(device: TOTPDevice, *, drift: int = 0) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, drift).token():06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = totp_enrolment_start(user=user)
    codes = totp_enrolment_confirm(device=device, token=code_for(device), actor=user)
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def wait_out_throttle(user) -> None:
    """django-otp makes a user wait after a wrong code (1 s, then 2 s, 4 s...): move the
    failure back in time instead of sleeping."""
    from datetime import timedelta

    from django.utils import timezone

    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


def follow_to(client, url: str) -> str:
    response = client.get(url, follow=True)
    return response.redirect_chain[-1][0] if response.redirect_chain else url


def test_staff_without_a_device_are_sent_to_enrolment_and_reach_no_admin_page(
    client, otp_required, staff
):
    agent = staff(roles.SUPPORT_AGENT, username="agent")
    response = admin_sign_in(client, "agent", PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    for url in ("/admin/", "/admin/cases/case/", "/admin/auth/user/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert follow_to(client, url).startswith(ENROL), url
    assert not TOTPDevice.objects.filter(user=agent, confirmed=True).exists()


def test_a_password_alone_opens_no_other_door(client, otp_required, staff):
    staff(roles.SUPPORT_AGENT, username="agent2")
    admin_sign_in(client, "agent2", PASSWORD)
    # Outside the admin the half-signed-in staff user is anonymous.
    response = client.get("/api/v1/cases/", HTTP_ACCEPT="application/json")
    assert response.status_code in (401, 403)
    assert client.get("/portal/").status_code == 302


def test_enrolment_confirms_with_a_first_code_and_shows_recovery_codes_once(
    client, otp_required, staff
):
    agent = staff(roles.SUPPORT_AGENT, username="agent3")
    admin_sign_in(client, "agent3", PASSWORD)
    page = client.get(ENROL)
    assert page.status_code == 200
    assert b"<svg" in page.content  # the QR code, drawn here
    device = TOTPDevice.objects.get(user=agent)
    assert not device.confirmed
    assert client.post(ENROL, {"otp_token": "000000"}).status_code == 200
    # Right after a wrong code even the right one waits (django-otp's throttling).
    assert client.post(ENROL, {"otp_token": code_for(device)}).status_code == 200
    wait_out_throttle(agent)
    response = client.post(ENROL, {"otp_token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"].startswith(CODES)
    shown = client.get(CODES)
    codes = shown.context["codes"]
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=agent).values_list("token", flat=True)
    )
    assert client.get(CODES).status_code == 302  # shown once
    assert client.get("/admin/cases/case/").status_code == 200
    event = SignInEvent.objects.get(kind=SignInEventType.SECOND_FACTOR_ENROLLED)
    assert event.subject == agent
    assert event.actor == agent


def test_enrolled_staff_give_a_totp_code_after_the_password(client, otp_required, staff):
    agent = staff(roles.SUPPORT_AGENT, username="agent4")
    device, _codes = enrolled(agent)
    response = admin_sign_in(client, "agent4", PASSWORD)
    assert response["Location"].startswith(VERIFY)
    assert client.get("/admin/").status_code == 302
    assert client.post(VERIFY, {"otp_token": "123456", "next": "/admin/"}).status_code == 200
    wait_out_throttle(agent)
    # The code of the next time step (the enrolment used this one; a code works only once).
    response = client.post(VERIFY, {"otp_token": code_for(device, drift=1), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/cases/case/").status_code == 200


def test_a_password_alone_cannot_replace_an_enrolled_factor(client, otp_required, staff):
    agent = staff(roles.SUPPORT_AGENT, username="agent5")
    enrolled(agent)
    admin_sign_in(client, "agent5", PASSWORD)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=agent).count() == 1


def test_a_recovery_code_works_once(client, otp_required, staff):
    agent = staff(roles.SUPPORT_AGENT, username="agent6")
    _device, codes = enrolled(agent)
    admin_sign_in(client, "agent6", PASSWORD)
    assert client.post(VERIFY, {"otp_token": codes[0].upper()}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert SignInEvent.objects.filter(
        kind=SignInEventType.RECOVERY_CODE_USED, subject=agent
    ).exists()
    client.post("/admin/logout/")
    admin_sign_in(client, "agent6", PASSWORD)
    assert client.post(VERIFY, {"otp_token": codes[0]}).status_code == 200
    assert client.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=agent).count() == 9


def test_make_run_staff_sign_in_with_a_password_alone(client, settings, staff):
    """DEBUG / make run: OTP is not required, the demo logins work as before..."""
    settings.OTP_REQUIRED_FOR_STAFF = False
    staff(roles.SUPPORT_AGENT, username="demo-agent")
    response = admin_sign_in(client, "demo-agent", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/cases/case/").status_code == 200


def test_make_run_staff_who_enrolled_are_asked_for_the_code(client, settings, staff):
    """... but a demo user who enrolled is asked for a code."""
    settings.OTP_REQUIRED_FOR_STAFF = False
    agent = staff(roles.SUPPORT_AGENT, username="demo-agent2")
    device, _codes = enrolled(agent)
    response = admin_sign_in(client, "demo-agent2", PASSWORD)
    assert response["Location"].startswith(VERIFY)
    assert client.get("/admin/").status_code == 302
    client.post(VERIFY, {"otp_token": code_for(device, drift=1)})
    assert client.get("/admin/").status_code == 200


def test_portal_users_need_no_second_factor(client, otp_required, portal_user):
    portal_user("grace")
    response = portal_sign_in(client, "grace@example.com", PASSWORD)
    assert response.status_code == 302
    assert client.get("/portal/").status_code == 200


def test_a_superuser_resets_another_users_factor_and_it_is_recorded(client, otp_required, staff):
    root = staff(None, username="root", superuser=True)
    agent = staff(roles.SUPPORT_AGENT, username="agent7")
    enrolled(agent)
    root_device, _ = enrolled(root)
    admin_sign_in(client, "root", PASSWORD)
    client.post(VERIFY, {"otp_token": code_for(root_device, drift=1)})
    url = f"/admin/second-factor/reset/{agent.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200
    assert TOTPDevice.objects.filter(user=agent).exists()
    response = client.post(url, {"reason": "Lost phone, identity checked by video call"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert not StaticToken.objects.filter(device__user=agent).exists()
    event = SignInEvent.objects.get(kind=SignInEventType.SECOND_FACTOR_RESET)
    assert (event.subject, event.actor) == (agent, root)
    assert event.reason == "Lost phone, identity checked by video call"
    assert event.actor_label == f"user:{root.pk}:root"


def test_nobody_resets_their_own_factor(client, otp_required, staff):
    root = staff(None, username="root2", superuser=True)
    device, _ = enrolled(root)
    admin_sign_in(client, "root2", PASSWORD)
    client.post(VERIFY, {"otp_token": code_for(device, drift=1)})
    url = f"/admin/second-factor/reset/{root.pk}/"
    assert client.post(url, {"reason": "mine"}).status_code == 403
    with pytest.raises(PermissionDeniedError):
        second_factor_reset(user=root, actor=root, reason="mine")
    assert TOTPDevice.objects.filter(user=root).exists()
    assert not SignInEvent.objects.filter(kind=SignInEventType.SECOND_FACTOR_RESET).exists()


def test_staff_without_the_permission_cannot_reset(client, settings, staff):
    settings.OTP_REQUIRED_FOR_STAFF = False
    auditor = staff(roles.AUDITOR, username="auditor")
    agent = staff(roles.SUPPORT_AGENT, username="agent8")
    enrolled(agent)
    client.force_login(auditor)
    response = client.post(f"/admin/second-factor/reset/{agent.pk}/", {"reason": "x"})
    assert response.status_code == 403
    with pytest.raises(PermissionDeniedError):
        second_factor_reset(user=agent, actor=auditor, reason="x")
    assert TOTPDevice.objects.filter(user=agent).exists()


def test_a_reset_needs_a_reason(staff):
    root = staff(None, username="root3", superuser=True)
    agent = staff(roles.SUPPORT_AGENT, username="agent9")
    enrolled(agent)
    with pytest.raises(ApplicationError):
        second_factor_reset(user=agent, actor=root, reason="  ")
    assert TOTPDevice.objects.filter(user=agent).exists()


def test_django_otps_own_device_admin_is_not_exposed(client, settings, staff):
    settings.OTP_REQUIRED_FOR_STAFF = False
    client.force_login(staff(None, username="root4", superuser=True))
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
    assert client.get("/admin/accounts/signinevent/").status_code == 200


@pytest.mark.postgres
def test_the_sign_in_ledger_is_append_only(staff):
    root = staff(None, username="root5", superuser=True)
    agent = staff(roles.SUPPORT_AGENT, username="agent10")
    second_factor_reset(user=agent, actor=root, reason="test")
    event = SignInEvent.objects.get()
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        SignInEvent.objects.filter(pk=event.pk).update(reason="edited")
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        event.delete()


def test_the_operators_break_glass_command_resets_and_is_recorded(staff):
    from django.core.management import call_command

    root = staff(None, username="lone-root", superuser=True)
    enrolled(root)
    with pytest.raises(CommandError):
        call_command("second_factor_reset", "lone-root", "--reason", " ")
    call_command("second_factor_reset", "lone-root", "--reason", "Lost phone, only superuser")
    assert not TOTPDevice.objects.filter(user=root).exists()
    event = SignInEvent.objects.get(kind=SignInEventType.SECOND_FACTOR_RESET)
    assert event.actor is None
    assert event.actor_label == "system:manage.py second_factor_reset"
