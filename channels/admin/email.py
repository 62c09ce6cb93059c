"""Admin for the email channel: every inbound message, read-only, with its quarantine.

Nobody edits a raw message. Staff with the view permission list and read what arrived (the
quarantine filter shows what needs a person); the raw bytes are downloaded through a checked,
logged view, never linked directly; a quarantined message can be released to a new case by a
user with the change permission, through the service.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.admin.mixins import ReadOnlyAdminMixin
from cases.enums import CaseEventType
from cases.lib.scanning import ScannerUnavailable, scan_bytes
from cases.selectors.cases import case_list_for_staff
from cases.services.events import case_event_record
from channels.models import InboundEmail, InboundEmailStatus
from channels.services.email import inbound_email_release
from complaints_site.common.exceptions import ApplicationError

log = logging.getLogger(__name__)


class QuarantineFilter(admin.SimpleListFilter):
    title = _("quarantine")
    parameter_name = "quarantine"

    def lookups(self, request, model_admin):
        return [("yes", _("In quarantine")), ("no", _("Not in quarantine"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status=InboundEmailStatus.QUARANTINED)
        if self.value() == "no":
            return queryset.exclude(status=InboundEmailStatus.QUARANTINED)
        return queryset


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "received_at",
        "status",
        "source",
        "from_address",
        "from_verified",
        "subject",
        "case_reference",
        "reason",
    )
    list_select_related = ("case",)
    list_filter = (QuarantineFilter, "status", "source", "from_verified")
    search_fields = ("=rfc_message_id", "=from_address", "subject")
    date_hierarchy = None
    show_full_result_count = False
    ordering = ("-received_at", "-id")
    actions = ["release_to_new_case"]
    fields = (
        "status",
        "reason",
        "source",
        "received_at",
        "processed_at",
        "rfc_message_id",
        "dedupe_key",
        "from_address",
        "from_verified",
        "subject",
        "case",
        "case_message",
        "sha256",
        "size",
        "raw_download",
        "notes",
    )
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.is_active_staff(request.user) and super().has_view_permission(request, obj)

    def get_queryset(self, request: HttpRequest):
        """Mail without a case (quarantined, dropped) for everyone who may see the list; mail
        on a case only for those who reach the case (need to know)."""
        queryset = super().get_queryset(request)
        if policies.may_view_all_cases(request.user):
            return queryset
        reachable = case_list_for_staff(user=request.user).values("pk")
        return queryset.filter(Q(case__isnull=True) | Q(case__in=reachable))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_release_permission(self, request: HttpRequest) -> bool:
        return policies.is_active_staff(request.user) and request.user.has_perm(
            "intake_channels.change_inboundemail"
        )

    @admin.display(description=_("case"), ordering="case__reference")
    def case_reference(self, obj: InboundEmail) -> str:
        return obj.case.reference if obj.case_id else ""

    @admin.display(description=_("raw message"))
    def raw_download(self, obj: InboundEmail) -> str:
        if not obj.pk:
            return ""
        url = reverse("admin:intake_channels_inboundemail_raw", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download (.eml)"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/raw/",
                self.admin_site.admin_view(self.raw_view),
                name="intake_channels_inboundemail_raw",
            ),
            *super().get_urls(),
        ]

    def raw_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The raw bytes as a download, for staff who may see this message (and its case).

        The raw mail carries its attachments, so it is scanned before it is handed out, whatever
        happened at intake (a quarantined message was never scanned; the scanner may have been
        down): malware, or no verdict from a configured scanner, is refused with a message."""
        inbound = get_object_or_404(InboundEmail.objects.select_related("case"), pk=pk)
        if not self.has_view_permission(request, inbound):
            raise PermissionDenied
        if inbound.case_id and not policies.may_reach_case(request.user, inbound.case):
            raise PermissionDenied
        with inbound.raw.open("rb") as handle:
            content = handle.read()
        back = reverse("admin:intake_channels_inboundemail_change", args=[inbound.pk])
        try:
            verdict = scan_bytes(content)
        except ScannerUnavailable:
            messages.error(
                request,
                _("The message could not be checked for viruses just now. Try again later."),
            )
            return redirect(back)
        if verdict.infected:
            log.warning("inbound email %s raw download refused: malware", inbound.pk)
            messages.error(
                request,
                _("The message contains malware (%(signature)s) and cannot be downloaded.")
                % {"signature": verdict.signature},
            )
            return redirect(back)
        if inbound.case_id:
            case_event_record(
                case=inbound.case,
                type=CaseEventType.EMAIL_RAW_DOWNLOADED,
                actor=request.user,
                data={"inbound_email": inbound.pk},
            )
        else:
            log.info("inbound email %s raw downloaded by user %s", inbound.pk, request.user.pk)
        response = FileResponse(
            io.BytesIO(content),
            as_attachment=True,
            filename=f"inbound-email-{inbound.pk}.eml",
            content_type="message/rfc822",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.action(description=_("Release to a new case"), permissions=["release"])
    def release_to_new_case(self, request: HttpRequest, queryset) -> None:
        released = 0
        for inbound in queryset.filter(status=InboundEmailStatus.QUARANTINED):
            try:
                inbound_email_release(inbound=inbound, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"#{inbound.pk}: {exc.message}", messages.ERROR)
            else:
                released += 1
        if released:
            self.message_user(
                request,
                _("%(n)s message(s) released to new cases.") % {"n": released},
                messages.SUCCESS,
            )
