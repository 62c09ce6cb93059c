"""The portal's security settings: the anti-phishing code every email we send shows."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from cases.portal.auth import portal_user_required
from cases.portal.forms import AntiPhishingForm
from cases.portal.services import customer_anti_phishing_set
from complaints_site.common.exceptions import ApplicationError


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@portal_user_required
def security(request: HttpRequest) -> HttpResponse:
    profile = request.user.customer_profile
    if request.method == "GET":
        form = AntiPhishingForm()
    else:
        clearing = "clear" in request.POST
        form = AntiPhishingForm({"code": ""} if clearing else request.POST)
        if form.is_valid():
            code = form.cleaned_data["code"]
            try:
                customer_anti_phishing_set(user=request.user, code=code)
            except ApplicationError as exc:
                form.add_error("code", exc.message)
            else:
                messages.success(
                    request,
                    _("Your anti-phishing code is saved. Every email we send you shows it.")
                    if code
                    else _("Your anti-phishing code is removed."),
                )
                return redirect("portal:security")
    status = 400 if form.errors else 200
    context = {"form": form, "current": profile.anti_phishing_code}
    return render(request, "cases/portal/security.html", context, status=status)
