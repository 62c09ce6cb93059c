"""The assets the exchange pays in (code, precision, where its dollar price comes from). Those
with the model's add or change permission (superusers) add and change them through
`asset_save`, with a reason kept in the asset's history; nobody deletes one (switch it off
instead); case-wide readers read the list and the history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.admin.forms import AssetForm
from cases.models import Asset
from cases.selectors.resolution import asset_history
from cases.services.money import asset_save
from complaints_site.common.exceptions import ApplicationError


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    form = AssetForm
    list_display = ["code", "name", "kind", "decimals", "usd_source", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]
    ordering = ["code"]
    fields = [
        "code",
        "name",
        "kind",
        "decimals",
        "usd_price_symbol",
        "usd_par",
        "active",
        "change_reason",
    ]

    @admin.display(description=_("dollar value from"))
    def usd_source(self, obj: Asset) -> str:
        if obj.usd_par:
            return str(_("at par with the US dollar"))
        return str(_("exchange price %(symbol)s") % {"symbol": obj.usd_price_symbol})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or policies.may_view_all_cases(
            request.user
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Asset, form: Any, change: bool) -> None:
        asset_save(asset=obj, actor=request.user, reason=form.cleaned_data["change_reason"])

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A refusal of `asset_save` (a used asset's precision) comes back as a message.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.path)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:
        # The asset's own history (actor and reason) is the record; no LogEntry copy.
        return None

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:
        return None

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None):
        """The asset's own history, read-only: who changed what, when and why."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        asset, rows = asset_history(pk=object_id)
        if asset is None:
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("History of asset %(code)s") % {"code": asset.code},
            "rows": rows,
        }
        return render(request, "cases/routing/rule_history.html", context)
