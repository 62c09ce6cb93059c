"""The customer portal: small views; forms check shape, selectors scoped to the signed-in user
read, services write. Anything not the user's own is 404, whatever the URL."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.enums import Channel, Locale
from cases.lib.redaction import LABELS
from cases.models import Case, EvidenceKind, IdempotencyKey
from cases.policies.clients import is_portal_customer
from cases.portal.auth import portal_user_required
from cases.portal.deadlines import deadlines_context
from cases.portal.followup import followup_context
from cases.portal.forms import (
    ComplaintForm,
    EvidenceForm,
    OfferRejectForm,
    ReplyForm,
    SignInForm,
    incoming_files,
)
from cases.portal.selectors import (
    case_timeline_for_customer,
    customer_status,
    notifications_for_customer,
    offer_panel_for_customer,
)
from cases.portal.services import (
    complaint_submit_once,
    form_token_key,
    reply_form_nonce,
    reply_form_token,
    reply_submit_once,
)
from cases.selectors.cases import (
    case_get_for_customer,
    case_list_for_customer,
    evidence_list_for_customer,
    messages_public_for_case,
)
from cases.services.evidence import evidence_add, evidence_open
from cases.services.intake import IntakeReply, IntakeSubmission
from cases.services.notifications import notification_render
from complaints_site.common.exceptions import ApplicationError, ConflictError

PAGE_SIZE = 20
# Form tokens handed out and not yet used, per session; old ones fall off the end.
_TOKENS = "portal_form_tokens"
_MAX_TOKENS = 20


def _own_case(request: HttpRequest, reference: str) -> Case:
    case = case_get_for_customer(user=request.user, reference=reference)
    if case is None:
        raise Http404
    return case


def _locale() -> str:
    return Locale.ZH_HANS if (get_language() or "").lower().startswith("zh") else Locale.EN


def _refusals_to_messages(request: HttpRequest, refused: list) -> None:
    for item in refused:
        messages.warning(
            request,
            _("The file %(name)s was not accepted: %(reason)s")
            % {"name": item.name, "reason": item.reason},
        )


def _redaction_message(request: HttpRequest, kinds: tuple[str, ...]) -> None:
    if kinds:
        messages.warning(
            request,
            _(
                "Your message contained secrets that must never be shared with anyone, including "
                "us (%(kinds)s). We removed them before storing it. If you shared them elsewhere, "
                "move your funds to a new wallet now."
            )
            % {"kinds": ", ".join(str(LABELS[k]) for k in kinds)},
        )


# --- Sign-in --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if user is not None and is_portal_customer(user):
            login(request, user)
            return redirect(next_url or "portal:case_list")
        # One message for every failure, so the form does not reveal which accounts exist.
        form.add_error(None, _("The email address or password is not correct."))
    return render(request, "cases/portal/sign_in.html", {"form": form, "next": next_url})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:login")


# --- Cases ------------------------------------------------------------------------------------


@require_GET
@portal_user_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = case_list_for_customer(user=request.user).order_by("-received_at", "-id")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, customer_status(case.state)) for case in page.object_list]
    return render(request, "cases/portal/case_list.html", {"page": page, "rows": rows})


def _issue_token(request: HttpRequest) -> str:
    token = str(uuid.uuid4())
    request.session[_TOKENS] = [*request.session.get(_TOKENS, []), token][-_MAX_TOKENS:]
    return token


@require_http_methods(["GET", "POST"])
@portal_user_required
def case_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = ComplaintForm(initial={"form_token": _issue_token(request)})
        return render(request, "cases/portal/case_new.html", {"form": form})
    form = ComplaintForm(request.POST, request.FILES)
    if not form.is_valid():
        form.data = form.data.copy()
        form.data["form_token"] = _issue_token(request)
        return render(request, "cases/portal/case_new.html", {"form": form}, status=400)
    token = form.cleaned_data["form_token"]
    issued = request.session.get(_TOKENS, [])
    if str(token) not in issued:
        used = IdempotencyKey.objects.filter(client=request.user, key=form_token_key(token))
        case_id = used.values_list("case_id", flat=True).first()
        if case_id is not None:
            reference = Case.objects.filter(pk=case_id).values_list("reference", flat=True)[0]
            return redirect("portal:case_detail", reference=reference)
        messages.error(request, _("This form has expired. Please fill it in again."))
        return redirect("portal:case_new")
    data = form.cleaned_data
    profile = request.user.customer_profile
    submission = IntakeSubmission(
        channel=Channel.WEB,
        subject=data["subject"],
        description=data["description"],
        email=request.user.email,
        account_id=profile.exchange_account_id,
        category=data["category"],
        locale=profile.locale or _locale(),
        related_transactions=data["related_transactions"],
        attachments=incoming_files(data["attachments"]),
        customer=request.user,
        source={"type": "portal"},
    )
    try:
        case, result = complaint_submit_once(submission=submission, token=token, actor=request.user)
    except ApplicationError as exc:
        for field, errors in (exc.extra.get("errors") or {}).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        if not form.errors:
            form.add_error(None, exc.message)
        return render(request, "cases/portal/case_new.html", {"form": form}, status=400)
    request.session[_TOKENS] = [t for t in request.session.get(_TOKENS, []) if t != str(token)]
    if result is not None:
        messages.success(
            request,
            _("Thank you. Your complaint is registered under the reference %(reference)s.")
            % {"reference": case.reference},
        )
        _refusals_to_messages(request, result.refused)
        _redaction_message(request, result.redactions)
    return redirect("portal:case_detail", reference=case.reference)


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    reply_form: ReplyForm | None = None,
    reject_form: OfferRejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    notifications = []
    for notification in notifications_for_customer(case=case, user=request.user)[:20]:
        # In the language the page is read in, as the inbox shows them.
        subject, body = notification_render(notification, locale=get_language())
        notifications.append({"at": notification.created_at, "subject": subject, "body": body})
    token = reply_form_token(user=request.user, case=case)
    if reply_form is None:
        reply_form = ReplyForm(initial={"form_token": token})
    else:
        # A form shown again keeps what the user wrote, with a fresh token.
        reply_form.data = reply_form.data.copy()
        reply_form.data["form_token"] = token
    context = {
        "case": case,
        "status": customer_status(case.state),
        "timeline": case_timeline_for_customer(case=case),
        "messages_public": list(messages_public_for_case(case=case)),
        "evidence": list(evidence_list_for_customer(case=case)),
        "notifications": notifications,
        "offers": offer_panel_for_customer(case=case),
        "reject_form": reject_form or OfferRejectForm(),
        "reply_form": reply_form,
        "evidence_form": EvidenceForm(),
        "max_file_mb": settings.EVIDENCE_MAX_FILE_BYTES // (1024 * 1024),
    }
    context.update(followup_context(case=case))
    context.update(deadlines_context(case=case))
    return render(request, "cases/portal/case_detail.html", context, status=status)


@require_GET
@portal_user_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_page(request, _own_case(request, reference))


@require_POST
@portal_user_required
def case_reply(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        if set(form.errors) == {"form_token"}:
            form.errors.clear()
            form.add_error(None, _("This form has expired. Please send your message again."))
            return _case_page(request, case, reply_form=form, status=400)
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("portal:case_detail", reference=case.reference)
    nonce = reply_form_nonce(token=form.cleaned_data["form_token"], user=request.user, case=case)
    if nonce is None:
        # Expired, forged, or another case's form: nothing stored; the text is kept.
        form.add_error(None, _("This form has expired. Please send your message again."))
        return _case_page(request, case, reply_form=form, status=400)
    reply = IntakeReply(
        case=case,
        channel=Channel.WEB,
        body=form.cleaned_data["body"],
        attachments=incoming_files(form.cleaned_data["attachments"]),
        author=request.user,
        source={"type": "portal"},
    )
    try:
        result = reply_submit_once(reply=reply, nonce=nonce, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if result is None:
            messages.info(request, _("This message was already sent."))
        else:
            messages.success(request, _("Your message was sent."))
            _refusals_to_messages(request, result.refused)
            _redaction_message(request, result.redactions)
    return redirect("portal:case_detail", reference=case.reference)


@require_POST
@portal_user_required
def evidence_upload(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("portal:case_detail", reference=case.reference)
    upload = form.cleaned_data["file"]
    try:
        evidence_add(
            case=case,
            actor=request.user,
            name=upload.name or "file",
            content=upload.read(settings.EVIDENCE_MAX_FILE_BYTES + 1),
            channel=Channel.WEB,
            kind=EvidenceKind.UPLOAD,
            description=form.cleaned_data["description"],
        )
    except ApplicationError as exc:
        messages.error(
            request,
            _("The file %(name)s was not accepted: %(reason)s")
            % {"name": upload.name, "reason": exc.message},
        )
    else:
        messages.success(request, _("Thank you, the file was added to your case."))
    return redirect("portal:case_detail", reference=case.reference)


@require_GET
@portal_user_required
def evidence_download(request: HttpRequest, reference: str, evidence_id: int) -> HttpResponse:
    case = _own_case(request, reference)
    evidence = evidence_list_for_customer(case=case).filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    try:
        handle = evidence_open(evidence=evidence, actor=request.user, via="portal")
    except ConflictError as exc:  # held by the malware check
        messages.error(request, exc.message)
        return redirect("portal:case_detail", reference=case.reference)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.download_name,
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
