"""Exact amounts: parse a user's or staff member's amount into a Decimal with the asset's
precision, refusing instead of rounding. Pure: the asset's precision is passed in."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

CENT = Decimal("0.01")


class AmountError(ValueError):
    """The amount is not acceptable; the message says why, for the person who typed it."""


def amount_parse(value: Any, *, decimals: int, asset: str) -> Decimal:
    """`value` (text or Decimal; never a float) as a positive Decimal with at most `decimals`
    places. Raises AmountError for a float, text that is not a number, zero or less, or more
    places than the asset has (never rounded)."""
    if isinstance(value, float):
        raise AmountError(_("Amounts are exact decimals, never floating-point numbers."))
    text = str(value).strip().replace(",", "") if value is not None else ""
    if not text:
        raise AmountError(_("Enter an amount."))
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise AmountError(_("“%(value)s” is not a number.") % {"value": text[:40]}) from exc
    if not amount.is_finite():
        raise AmountError(_("“%(value)s” is not a number.") % {"value": text[:40]})
    if amount <= 0:
        raise AmountError(_("The amount must be more than zero."))
    places = -amount.normalize().as_tuple().exponent
    if places > decimals:
        raise AmountError(
            _("%(asset)s has %(decimals)s decimal places; %(value)s has %(places)s.")
            % {"asset": asset, "decimals": decimals, "value": text[:60], "places": places}
        )
    # Stored with exactly the asset's places (1.5 BTC -> 1.50000000): the same value.
    return amount.quantize(Decimal(1).scaleb(-decimals))


def usd_round(value: Decimal) -> Decimal:
    """A dollar value for thresholds and reports, to the cent (the amount itself is never
    rounded; only its dollar equivalent is)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_display(amount: Decimal, *, decimals: int) -> str:
    """An amount as people read it: the asset's places without trailing zeros, grouped
    thousands (0.01250000 BTC -> "0.0125", 12500.00 USD -> "12,500.00" for fiat keeps cents)."""
    if decimals == 2:
        return f"{amount:,.2f}"
    text = f"{amount.quantize(Decimal(1).scaleb(-decimals)):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
