"""Exact amounts: parsed with the asset's precision, refused instead of rounded, never a float."""

from decimal import Decimal

import pytest

from cases.lib.money import AmountError, amount_display, amount_parse, usd_round


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        ("0.000000000000000001", 18, "0.000000000000000001"),
        ("1.123456789012345678", 18, "1.123456789012345678"),
        (Decimal("0.00000001"), 8, "0.00000001"),
        ("0.0125", 8, "0.01250000"),
        ("1,250.5", 2, "1250.50"),
        ("  3.12 ", 6, "3.120000"),
        ("100", 2, "100.00"),
        ("1E+2", 2, "100.00"),
        (7, 8, "7.00000000"),
        # 29 significant digits: more than Decimal's default context (28) holds.
        ("12345678901.123456789012345678", 18, "12345678901.123456789012345678"),
        # The most an amount column holds: 22 digits before the point, 18 after.
        ("9" * 22 + "." + "9" * 18, 18, "9" * 22 + "." + "9" * 18),
    ],
)
def test_amounts_keep_every_place_the_asset_has(value, decimals, expected):
    amount = amount_parse(value, decimals=decimals, asset="X")
    assert isinstance(amount, Decimal)
    assert amount == Decimal(expected)
    assert format(amount, "f") == expected
    assert amount.as_tuple().exponent == -decimals


def test_more_places_than_the_asset_has_are_refused_not_rounded():
    with pytest.raises(AmountError) as exc_info:
        amount_parse("0.123456789", decimals=8, asset="BTC")
    message = str(exc_info.value)
    assert "BTC has 8 decimal places" in message
    assert "0.123456789 has 9" in message
    # Counted on the digits, never after a rounding to Decimal's 28-digit context.
    with pytest.raises(AmountError, match="has 19"):
        amount_parse("12345678901.1234567890123456789", decimals=18, asset="ETH")
    # Trailing zeros are not places: 1.50000000000 BTC is 1.5 BTC.
    assert amount_parse("1.50000000000", decimals=8, asset="BTC") == Decimal("1.5")


@pytest.mark.parametrize("value", [0.1, 1.0, float("nan"), float("inf")])
def test_floats_are_refused(value):
    with pytest.raises(AmountError, match="never floating-point"):
        amount_parse(value, decimals=18, asset="ETH")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "more than zero"),
        ("0.000", "more than zero"),
        ("-1", "more than zero"),
        ("-0.00000001", "more than zero"),
        ("", "Enter an amount"),
        (None, "Enter an amount"),
        ("   ", "Enter an amount"),
        ("abc", "is not a number"),
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        ("1.2.3", "is not a number"),
        (True, "is not a number"),
    ],
)
def test_zero_negative_and_non_numbers_are_refused(value, message):
    with pytest.raises(AmountError, match=message):
        amount_parse(value, decimals=8, asset="BTC")


@pytest.mark.parametrize("value", ["1" + "0" * 22, "1E+30"])
def test_amounts_too_large_for_the_column_are_refused_with_a_message(value):
    # They used to escape as decimal.InvalidOperation (a server error), not a message.
    with pytest.raises(AmountError, match="too large"):
        amount_parse(value, decimals=2, asset="USD")


def test_usd_is_rounded_to_the_cent_half_up():
    assert usd_round(Decimal("1.005")) == Decimal("1.01")
    assert usd_round(Decimal("1.00499999")) == Decimal("1.00")
    assert usd_round(Decimal("0.000000000000000003")) == Decimal("0.00")


@pytest.mark.parametrize(
    ("amount", "decimals", "expected"),
    [
        (Decimal("0.01250000"), 8, "0.0125"),
        (Decimal("12500.00"), 2, "12,500.00"),
        (Decimal("0.000000000000000001"), 18, "0.000000000000000001"),
        (Decimal("1.000000000000000000"), 18, "1"),
        (Decimal("1234.500000"), 6, "1,234.5"),
        (
            Decimal("12345678901.123456789012345678"),
            18,
            "12,345,678,901.123456789012345678",
        ),
    ],
)
def test_display(amount, decimals, expected):
    assert amount_display(amount, decimals=decimals) == expected
