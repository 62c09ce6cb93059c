"""Exact amounts: parse a user's or staff member's amount into a Decimal with the asset's
precision, refusing instead of rounding. Pure: the asset's precision is passed in."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# What an amount column holds (`cases.models.resolution.AMOUNT`): 40 digits, 18 after the point.
MAX_DIGITS, MAX_PLACES = 40, 18
# Exact arithmetic at that size (Decimal's default context keeps only 28 digits).
EXACT = Context(prec=MAX_DIGITS)


class AmountError(ValueError):
    """The amount is not acceptable; the message says why, for the person who typed it."""


def amount_parse(value: Any, *, decimals: int, asset: str) -> Decimal:
    """`value` (text or Decimal; never a float) as a positive Decimal with at most `decimals`
    places. Raises AmountError for a float, text that is not a number, zero or less, or more
    places than the asset has (never rounded), or more digits before the point than an amount
    column holds."""
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
    places = _places(amount)
    if places > decimals:
        raise AmountError(
            _("%(asset)s has %(decimals)s decimal places; %(value)s has %(places)s.")
            % {"asset": asset, "decimals": decimals, "value": text[:60], "places": places}
        )
    if amount.adjusted() + 1 > MAX_DIGITS - MAX_PLACES:
        raise AmountError(
            _("%(value)s is too large for an amount.") % {"value": text[:60]},
        )
    # Stored with exactly the asset's places (1.5 BTC -> 1.50000000): the same value.
    return amount.quantize(Decimal(1).scaleb(-decimals), context=EXACT)


def _places(amount: Decimal) -> int:
    """Decimal places that carry a digit (1.50 has one), counted on the digits themselves:
    `normalize()` would first round to the context's precision."""
    _sign, digits, exponent = amount.as_tuple()
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(int(exponent) + trailing))


def amount_wire(amount: Decimal) -> str:
    """The amount as sent to the exchange: plain digits, no exponent, no trailing zeros, never
    rounded (1.50000000 -> "1.5")."""
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def usd_round(value: Decimal) -> Decimal:
    """A dollar value for thresholds and reports, to the cent (the amount itself is never
    rounded; only its dollar equivalent is)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_display(amount: Decimal, *, decimals: int) -> str:
    """An amount as people read it: the asset's places without trailing zeros, grouped
    thousands (0.01250000 BTC -> "0.0125", 12500.00 USD -> "12,500.00" for fiat keeps cents)."""
    if decimals == 2:
        return f"{amount:,.2f}"
    text = f"{amount.quantize(Decimal(1).scaleb(-decimals), context=EXACT):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
