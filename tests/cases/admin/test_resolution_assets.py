"""The assets admin: superusers add and change assets through `asset_save` (with a reason kept
in the history), nobody deletes one, a used asset's precision never changes, and case-wide
readers read the list and the history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Asset
from cases.roles import AUDITOR, CASE_HANDLER, TEAM_LEAD
from cases.services.offers import ActionDraft, OfferTerms, offer_draft
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

ADD = {
    "code": "xrp",
    "name": "XRP",
    "kind": "crypto",
    "decimals": "6",
    "usd_price_symbol": "xrpusdt",
    "active": "on",
    "change_reason": "Listed for refunds from today",
}


def test_a_superuser_adds_and_changes_an_asset_with_a_reason(client, staff):
    client.force_login(staff(None, superuser=True))
    response = client.post(reverse("admin:cases_asset_add"), ADD)
    assert response.status_code == 302
    asset = Asset.objects.get(code="XRP")
    assert asset.usd_price_symbol == "XRPUSDT"
    record = asset.history.latest("history_id")
    assert record.history_change_reason == "Listed for refunds from today"

    change = reverse("admin:cases_asset_change", args=[asset.pk])
    response = client.post(change, {**ADD, "name": "Ripple XRP", "change_reason": ""})
    assert response.status_code == 200  # the reason is required
    assert Asset.objects.get(pk=asset.pk).name == "XRP"
    history = client.get(reverse("admin:cases_asset_history", args=[asset.pk]))
    assert "Listed for refunds from today" in history.content.decode()
    assert client.get(reverse("admin:cases_asset_delete", args=[asset.pk])).status_code == 403


def test_a_used_assets_precision_never_changes(client, staff, team, case_factory):
    lead = staff(TEAM_LEAD, teams=[team])
    case = case_factory(team=team, assignee=lead, state_path=path_to("responsibility_determined"))
    offer_draft(
        case=case,
        actor=lead,
        terms=OfferTerms(
            summary="Refund.",
            outcome="upheld",
            actions=[ActionDraft("refund", "USDT", "10")],
            justification="No earlier case compares with this one at all.",
        ),
    )
    usdt = Asset.objects.get(code="USDT")
    client.force_login(staff(None, superuser=True))
    response = client.post(
        reverse("admin:cases_asset_change", args=[usdt.pk]),
        {
            "code": "USDT",
            "name": "Tether USD",
            "kind": "crypto",
            "decimals": "2",
            "usd_par": "on",
            "active": "on",
            "change_reason": "Fewer places",
        },
        follow=True,
    )
    assert "its code and decimal places no longer change" in response.content.decode()
    assert Asset.objects.get(pk=usdt.pk).decimals == 6


def test_readers_see_assets_and_handlers_do_not_edit_them(client, staff, team):
    usdt = Asset.objects.get(code="USDT")
    client.force_login(staff(AUDITOR))
    assert client.get(reverse("admin:cases_asset_changelist")).status_code == 200
    assert client.get(reverse("admin:cases_asset_history", args=[usdt.pk])).status_code == 200
    assert client.post(reverse("admin:cases_asset_add"), ADD).status_code == 403
    client.force_login(staff(CASE_HANDLER, teams=[team]))
    assert client.get(reverse("admin:cases_asset_changelist")).status_code == 403
