"""The admin's second-factor screens: the code after the password, enrolment (QR code drawn
here as inline SVG, no outside service), the recovery codes shown once, and the audited reset
of another user's factor. Mounted on the admin site by admin_site.SecureAdminSite."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from complaints_site.accounts.forms import CodeForm, ReasonForm
from complaints_site.accounts.policies import (
    is_active_staff,
    is_second_factor_verified,
    may_reset_second_factor,
)
from complaints_site.accounts.services import (
    has_second_factor,
    recovery_code_used,
    recovery_codes_issue,
    second_factor_pending,
    second_factor_reset,
    totp_enrolment_confirm,
    totp_enrolment_start,
)
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError

_CODES_SESSION_KEY = "accounts_recovery_codes"


def safe_next(request: HttpRequest) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def second_factor_url(request: HttpRequest, user: Any) -> str:
    """Where a signed-in staff user still owing a second factor goes: the code page, or
    enrolment when they have no device yet; `next` is carried along."""
    name = "admin:second_factor_verify" if has_second_factor(user) else "admin:second_factor_enrol"
    target = safe_next(request)
    query = f"?{urlencode({REDIRECT_FIELD_NAME: target})}" if target else ""
    return reverse(name) + query


def _context(request: HttpRequest, site: admin.AdminSite, **extra: Any) -> dict[str, Any]:
    return {
        **site.each_context(request),
        "next": safe_next(request),
        REDIRECT_FIELD_NAME: safe_next(request),
        **extra,
    }


def _done(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request) or reverse("admin:index"))


def _signed_in_staff(request: HttpRequest) -> Any:
    user = request.user
    if not is_active_staff(user):
        return None
    return user


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, *, site: admin.AdminSite) -> HttpResponse:
    """The code after the password: a TOTP code or one recovery code (which it spends)."""
    user = _signed_in_staff(request)
    if user is None:
        return redirect("admin:login")
    if not second_factor_pending(user):
        return _done(request)
    if not has_second_factor(user):
        return HttpResponseRedirect(second_factor_url(request, user))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Every device of the user, each with django-otp's throttling (a growing delay after
        # each wrong code); a recovery code matches once and is deleted.
        device = match_token(user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            recovery_code_used(device=device, actor=user)
            return _done(request)
        form.add_error(
            None,
            _("That code is not valid. Wait for the next code, or use a recovery code."),
        )
    return render(
        request,
        "accounts/verify.html",
        _context(request, site, form=form, title=_("Second factor")),
    )


def _qr_svg(url: str) -> str:
    # segno writes the SVG itself (no image service); the secret never leaves the server.
    return segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, *, site: admin.AdminSite) -> HttpResponse:
    """Enrol an authenticator app: scan, then confirm with its first code. Whoever has a
    device must first sign in with it (a password alone never replaces a factor)."""
    user = _signed_in_staff(request)
    if user is None:
        return redirect("admin:login")
    if has_second_factor(user) and not is_second_factor_verified(user):
        return HttpResponseRedirect(second_factor_url(request, user))
    if has_second_factor(user):
        return render(
            request,
            "accounts/enrolled.html",
            _context(request, site, title=_("Second factor")),
        )
    device = totp_enrolment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_enrolment_confirm(
            device=device, token=form.cleaned_data["otp_token"], actor=user
        )
        if codes is not None:
            otp_login(request, device)
            request.session.cycle_key()
            request.session[_CODES_SESSION_KEY] = codes
            target = reverse("admin:second_factor_recovery_codes")
            if safe_next(request):
                target += f"?{urlencode({REDIRECT_FIELD_NAME: safe_next(request)})}"
            return HttpResponseRedirect(target)
        form.add_error(None, _("That code is not valid. Check the time on your phone and retry."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        _context(
            request,
            site,
            form=form,
            title=_("Set up your second factor"),
            qr_svg=mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (segno's own markup)
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        ),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest, *, site: admin.AdminSite) -> HttpResponse:
    """GET: the codes just issued, once (they leave the session as they are shown).
    POST: replace the codes by new ones (a verified user only)."""
    user = _signed_in_staff(request)
    if user is None or not is_second_factor_verified(user):
        return redirect("admin:login")
    if request.method == "POST":
        request.session[_CODES_SESSION_KEY] = recovery_codes_issue(user=user, actor=user)
        return redirect("admin:second_factor_recovery_codes")
    codes = request.session.pop(_CODES_SESSION_KEY, None)
    if not codes:
        return _done(request)
    return render(
        request,
        "accounts/recovery_codes.html",
        _context(request, site, codes=codes, title=_("Your recovery codes")),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest, user_id: int, *, site: admin.AdminSite) -> HttpResponse:
    """Reset another user's second factor, with a reason (admin_view: verified staff only)."""
    subject = get_object_or_404(get_user_model(), pk=user_id)
    if subject.pk == request.user.pk:
        raise PermissionDenied
    if not may_reset_second_factor(request.user, subject):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            removed = second_factor_reset(
                user=subject, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied from exc
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The second factor of %(user)s was reset (%(n)s devices removed).")
                % {"user": subject.get_username(), "n": removed},
            )
            return redirect("admin:auth_user_change", subject.pk)
    return render(
        request,
        "accounts/reset.html",
        _context(
            request,
            site,
            form=form,
            subject=subject,
            has_device=user_has_device(subject, confirmed=None),
            title=_("Reset the second factor of %(user)s") % {"user": subject.get_username()},
        ),
    )
