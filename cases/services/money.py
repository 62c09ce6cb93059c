"""What an offer is worth in US dollars, from the exchange's prices through the gateway, and
the assets the exchange pays in.

The rate used is stored with the offer (price, symbol, source and time), so thresholds and
reports read the value as it was when the offer was made and never recompute it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.gateway import GatewayError, get_gateway
from cases.gateway.port import iso
from cases.models import Asset, OfferAction
from complaints_site.common.actors import Actor
from complaints_site.common.exceptions import ApplicationError
from complaints_site.common.history import stamp


@dataclass(frozen=True)
class UsdRate:
    asset: str
    price: Decimal
    symbol: str
    source: str
    at: str

    def as_json(self) -> dict[str, str]:
        return {
            "price": format(self.price, "f"),
            "symbol": self.symbol,
            "source": self.source,
            "at": self.at,
        }


def usd_rates(*, assets: Iterable[Asset], at: datetime | None = None) -> dict[str, UsdRate]:
    """The latest dollar price of each asset no older than USD_PRICE_MAX_AGE at `at` (now).

    Assets at par count 1:1. Raises ApplicationError naming the asset when the exchange has no
    recent price or does not answer: an offer that cannot be valued cannot be approved.
    """
    at = at or timezone.now()
    rates: dict[str, UsdRate] = {}
    priced = {}
    for asset in assets:
        if asset.usd_par:
            rates[asset.code] = UsdRate(asset.code, Decimal(1), "", "par", iso(at) or "")
        else:
            priced[asset.usd_price_symbol] = asset
    if not priced:
        return rates
    gateway = get_gateway()
    try:
        records = gateway.prices(sorted(priced), at - settings.USD_PRICE_MAX_AGE, at)
    except GatewayError as exc:
        raise ApplicationError(
            _("The exchange's prices could not be read: %(error)s") % {"error": exc.message}
        ) from exc
    latest: dict[str, dict] = {}
    for record in records:
        symbol = record.get("symbol") or ""
        if not (symbol in priced and record.get("price")):
            continue
        if symbol not in latest or (record["time"] or "") >= (latest[symbol]["time"] or ""):
            latest[symbol] = record
    for symbol, asset in priced.items():
        record = latest.get(symbol)
        if record is None:
            raise ApplicationError(
                _(
                    "No %(asset)s price from the exchange in the last %(hours)s hours: the "
                    "offer cannot be valued in US dollars."
                )
                % {
                    "asset": asset.code,
                    "hours": int(settings.USD_PRICE_MAX_AGE.total_seconds() // 3600),
                },
                extra={"errors": {"actions": [_("No recent price.")]}},
            )
        rates[asset.code] = UsdRate(
            asset.code, Decimal(record["price"]), symbol, gateway.name, record["time"] or ""
        )
    return rates


def _asset_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"errors": {field: [message]}})


def asset_save(*, asset: Asset, actor: Actor, reason: str) -> Asset:
    """Add or change an asset the exchange pays in, with the reason kept in its history.

    Once an offer names the asset, its code and its decimal places never change (stored
    amounts and rates rely on them): add a new asset instead. An asset not at par with the
    dollar needs the exchange's price symbol. Raises ApplicationError naming the field."""
    reason = (reason or "").strip()
    if not reason:
        raise _asset_error("change_reason", _("Say why you change this asset."))
    asset.code = (asset.code or "").strip().upper()
    asset.usd_price_symbol = (asset.usd_price_symbol or "").strip().upper()
    if not asset.usd_par and not asset.usd_price_symbol:
        raise _asset_error(
            "usd_price_symbol",
            _("Name the exchange's price symbol, or count the asset at par with the dollar."),
        )
    if asset.pk is not None:
        before = Asset.objects.get(pk=asset.pk)
        changed_terms = before.code != asset.code or before.decimals != asset.decimals
        if changed_terms and OfferAction.objects.filter(asset_id=asset.pk).exists():
            raise _asset_error(
                "decimals" if before.code == asset.code else "code",
                _(
                    "Offers already name this asset: its code and decimal places no longer "
                    "change. Add a new asset instead."
                ),
            )
    stamp(asset, actor=actor, reason=reason)
    asset.save()
    return asset
