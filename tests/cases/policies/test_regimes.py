"""The regulators' deadlines (cases.policies.regimes): which regime a user's country falls
under, each regime's deadlines as concrete instants, the letters that meet them, the FCA's
summary resolution window and the referral rights. Pure: no database."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.enums import ClockKind, LetterKind, Regime
from cases.lib.business_time import is_business_day
from cases.policies.regimes import (
    FINAL_RESPONSE,
    REGIME_SUMMARY,
    Deadline,
    Jurisdiction,
    extended_final_due,
    holding_reply_letter,
    is_payment_service,
    jurisdiction_for,
    jurisdictions,
    referral_rights,
    regulatory_deadlines,
    summary_resolution_until,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
EU = [
    *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"),
    *("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"),
]


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def deadlines(code, received, category="trade_dispute"):
    return regulatory_deadlines(
        jurisdiction=jurisdiction_for(code), received_at=received, category=category
    )


def plain(items):
    return [(d.kind, d.due_at, d.warn_at, d.requires) for d in items]


# --- Jurisdictions ----------------------------------------------------------------------------


def test_the_default_table_covers_the_uk_the_eu_and_the_us():
    table = jurisdictions()
    assert table["GB"] == Jurisdiction(
        code="GB", regime=Regime.FCA, country="GB", subdivision="ENG", time_zone="Europe/London"
    )
    assert table["US"] == Jurisdiction(
        code="US", regime=Regime.CFPB, country="US", subdivision="", time_zone="America/New_York"
    )
    assert sorted(code for code, j in table.items() if j.regime == Regime.MICA) == sorted(EU)
    assert all(table[code].country == code for code in EU)
    assert table["DE"].time_zone == "Europe/Berlin"
    assert table["CY"].time_zone == "Asia/Nicosia"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("GB", "GB"),
        ("gb", "GB"),
        (" de ", "DE"),
        ("US", "US"),
        ("CN", "GB"),
        ("", "GB"),
        (None, "GB"),
    ],
)
def test_a_users_country_picks_the_jurisdiction_or_the_default(code, expected):
    assert jurisdiction_for(code).code == expected


def test_the_default_jurisdiction_is_a_setting(settings):
    settings.DEFAULT_JURISDICTION = "US"
    assert jurisdiction_for("CN").regime == Regime.CFPB
    assert jurisdiction_for("FR").regime == Regime.MICA


@pytest.mark.parametrize(
    ("table", "default", "message"),
    [
        ({"GB": {"regime": "fca", "country": "GB", "time_zone": "Europe/London"}}, "US", "US"),
        ({"GB": {"regime": "sec", "country": "GB", "time_zone": "UTC"}}, "GB", "regime"),
        ({"GB": {"regime": "fca", "country": "GB"}}, "GB", "time_zone"),
        ({"GB": {"regime": "fca", "country": "GB", "time_zone": "Europe/Londres"}}, "GB", "zone"),
        ({"GB": {"regime": "fca", "country": "QQ", "time_zone": "UTC"}}, "GB", "QQ"),
        ({"GB": "fca"}, "GB", "object"),
    ],
)
def test_a_bad_table_is_a_configuration_error(settings, table, default, message):
    settings.COMPLAINT_JURISDICTIONS = table
    settings.DEFAULT_JURISDICTION = default
    with pytest.raises(ImproperlyConfigured, match=message):
        jurisdiction_for("GB")
    with pytest.raises(ImproperlyConfigured, match=message):
        jurisdictions()


def test_a_jurisdiction_without_a_regime_has_no_deadlines(settings):
    settings.COMPLAINT_JURISDICTIONS = {
        **settings.COMPLAINT_JURISDICTIONS,
        "SG": {"regime": "none", "country": "", "time_zone": "Asia/Singapore"},
    }
    singapore = jurisdiction_for("sg")
    assert singapore.regime == Regime.NONE
    assert deadlines("SG", utc(2026, 3, 2, 10)) == []
    assert summary_resolution_until(jurisdiction=singapore, received_at=utc(2026, 3, 2)) is None


def test_business_calendar_of_a_jurisdiction_is_monday_to_friday_without_its_holidays():
    calendar = jurisdiction_for("GB").business_calendar
    assert calendar.working_day(date(2026, 12, 24))
    assert not calendar.working_day(date(2026, 12, 28))
    assert not calendar.working_day(date(2026, 12, 27))


# --- Deadlines per regime ---------------------------------------------------------------------


def test_fca_standard_complaint_final_response_within_8_weeks():
    # Monday 2 March 2026, 10:00 GMT: 56 days later is Monday 27 April, whose end is midnight
    # BST (23:00 UTC); warned 5 local days before, at midnight BST starting 23 April.
    assert plain(deadlines("GB", datetime(2026, 3, 2, 10, tzinfo=LONDON))) == [
        (ClockKind.REG_FINAL, utc(2026, 4, 27, 23), utc(2026, 4, 22, 23), FINAL_RESPONSE)
    ]


def test_fca_eight_weeks_over_christmas_and_into_the_new_year():
    (final,) = deadlines("GB", datetime(2026, 12, 23, 15, tzinfo=LONDON))
    assert final.due_at == utc(2027, 2, 18)  # end of Wednesday 17 February 2027 (GMT)
    assert final.warn_at == utc(2027, 2, 13)
    assert final.met_by == (FINAL_RESPONSE, LetterKind.DELAY_NOTICE)
    assert str(final.description) == "Final response within 8 weeks of receipt (FCA DISP 1.6.2)"


def test_fca_payment_services_15_and_35_business_days_across_easter():
    received = datetime(2026, 3, 2, 10, tzinfo=LONDON)
    response, final = deadlines("GB", received, category="deposit_withdrawal")
    # 15 business days: Monday 23 March (GMT) -> midnight = 00:00 UTC on the 24th.
    assert (response.kind, response.due_at) == (ClockKind.REG_RESPONSE, utc(2026, 3, 24))
    assert response.requires == LetterKind.HOLDING_REPLY
    assert set(response.met_by) == {FINAL_RESPONSE, LetterKind.HOLDING_REPLY}
    # 35 business days skip Good Friday (3 April) and Easter Monday (6 April): Wednesday 22
    # April, BST.
    assert (final.kind, final.due_at) == (ClockKind.REG_FINAL, utc(2026, 4, 22, 23))
    assert final.requires == FINAL_RESPONSE
    assert final.met_by == (FINAL_RESPONSE,)
    assert "15 business days" in str(response.description)
    assert "DISP 1.6.2A" in str(final.description)


def test_fca_payment_services_received_before_christmas():
    received = datetime(2026, 12, 23, 16, tzinfo=LONDON)
    response, final = deadlines("GB", received, category="deposit_withdrawal")
    # 24 Dec, then 29, 30, 31 Dec (25 and 28 off; 1 Jan off), 4-8 Jan, 11-15 Jan, 18 Jan: the
    # 15th business day is Monday 18 January 2027.
    assert response.due_at == utc(2027, 1, 19)
    assert is_business_day(date(2027, 1, 18), country="GB", subdivision="ENG")
    assert final.due_at == utc(2027, 2, 16)  # 35th: Monday 15 February 2027


def test_payment_service_categories_are_a_setting(settings):
    assert is_payment_service("deposit_withdrawal")
    assert not is_payment_service("trade_dispute")
    settings.PAYMENT_SERVICE_CATEGORIES = ["trade_dispute"]
    kinds = [d.kind for d in deadlines("GB", utc(2026, 3, 2, 10), category="trade_dispute")]
    assert kinds == [ClockKind.REG_RESPONSE, ClockKind.REG_FINAL]


def test_mica_decision_within_2_months_in_the_member_states_own_time():
    # Received 31 December 2025 in Berlin: 2 months later is the last day of February.
    (final,) = deadlines("DE", datetime(2025, 12, 31, 18, tzinfo=ZoneInfo("Europe/Berlin")))
    assert (final.kind, final.due_at) == (ClockKind.REG_FINAL, utc(2026, 2, 28, 23))
    assert final.warn_at == utc(2026, 2, 23, 23)
    assert final.requires == FINAL_RESPONSE
    assert "2025/294" in str(final.description)
    # Helsinki is UTC+2 in winter.
    (final,) = deadlines("FI", utc(2026, 1, 15, 12))
    assert final.due_at == utc(2026, 3, 15, 22)


def test_mica_across_the_summer_time_change():
    # Received 10 February (CET): 10 April ends at midnight CEST = 22:00 UTC.
    (final,) = deadlines("FR", utc(2026, 2, 10, 9))
    assert final.due_at == utc(2026, 4, 10, 22)


def test_cfpb_15_days_response_and_60_days_final_in_new_york_time():
    # 1 March 2026 noon EST; New York moves to EDT on 8 March.
    response, final = deadlines("US", datetime(2026, 3, 1, 12, tzinfo=NEW_YORK))
    assert plain([response, final]) == [
        (
            ClockKind.REG_RESPONSE,
            utc(2026, 3, 17, 4),
            utc(2026, 3, 12, 4),
            LetterKind.HOLDING_REPLY,
        ),
        (ClockKind.REG_FINAL, utc(2026, 5, 1, 4), utc(2026, 4, 26, 4), FINAL_RESPONSE),
    ]
    assert set(response.met_by) == {FINAL_RESPONSE, LetterKind.HOLDING_REPLY}
    assert "in progress" in str(response.description)


def test_cfpb_counts_calendar_days_over_the_autumn_change_and_holidays():
    # 20 October 2026 (EDT) + 15 days = 4 November, ends at midnight EST (05:00 UTC); the
    # CFPB's days are calendar days, holidays and weekends included.
    response, final = deadlines("US", datetime(2026, 10, 20, 9, tzinfo=NEW_YORK))
    assert response.due_at == utc(2026, 11, 5, 5)
    assert final.due_at == utc(2026, 12, 20, 5)


def test_a_received_time_is_counted_on_the_jurisdictions_calendar():
    # 23:30 UTC on 30 June is already 1 July in London and still 30 June in New York.
    (gb,) = deadlines("GB", utc(2026, 6, 30, 23, 30))
    us_response, _ = deadlines("US", utc(2026, 6, 30, 23, 30))
    assert gb.due_at == utc(2026, 8, 26, 23)  # 1 July + 56 days = 26 August, BST
    assert us_response.due_at == utc(2026, 7, 16, 4)  # 30 June + 15 = 15 July, EDT


def test_the_warning_is_a_setting_and_never_before_receipt(settings):
    received = utc(2026, 3, 2, 10)  # 05:00 on 2 March in New York
    settings.REGULATORY_WARN_DAYS = 30
    response, final = deadlines("US", received)
    assert response.warn_at == received  # 15 days: 30 days before would precede receipt
    assert final.due_at == utc(2026, 5, 2, 4)  # end of 1 May, EDT
    assert final.warn_at == utc(2026, 4, 2, 4)
    settings.REGULATORY_WARN_DAYS = 0
    assert all(d.warn_at is None for d in deadlines("US", received))


def test_a_naive_received_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        deadlines("GB", datetime(2026, 3, 2, 10))  # noqa: DTZ001


@settings(max_examples=60, deadline=None)
@given(
    received=st.datetimes(
        min_value=datetime(2024, 1, 1),  # noqa: DTZ001 (hypothesis attaches the zone)
        max_value=datetime(2030, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    code=st.sampled_from(["GB", "US", "DE", "IE", "GR"]),
    category=st.sampled_from(["trade_dispute", "deposit_withdrawal"]),
)
def test_every_deadline_follows_receipt_and_is_warned_in_between(received, code, category):
    found = deadlines(code, received, category)
    assert found
    assert [d.due_at for d in found] == sorted(d.due_at for d in found)
    for deadline in found:
        assert isinstance(deadline, Deadline)
        assert deadline.due_at.tzinfo is UTC
        assert received < deadline.warn_at < deadline.due_at
        assert FINAL_RESPONSE in deadline.met_by
        assert deadline.requires in deadline.met_by


# --- Summary resolution, holding replies, referral rights -------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (datetime(2026, 12, 23, 10, tzinfo=LONDON), utc(2026, 12, 31)),
        (datetime(2026, 4, 2, 17, tzinfo=LONDON), utc(2026, 4, 9, 23)),  # over Easter
        (datetime(2026, 3, 26, 10, tzinfo=LONDON), utc(2026, 3, 31, 23)),  # into BST
    ],
)
def test_fca_summary_resolution_until_the_third_business_day(received, expected):
    gb = jurisdiction_for("GB")
    assert summary_resolution_until(jurisdiction=gb, received_at=received) == expected


def test_summary_resolution_is_an_fca_rule_only():
    received = utc(2026, 3, 2, 10)
    for code in ("DE", "US"):
        until = summary_resolution_until(jurisdiction=jurisdiction_for(code), received_at=received)
        assert until is None


def test_the_letter_that_defers_the_final_response():
    assert holding_reply_letter(Regime.FCA) == LetterKind.HOLDING_REPLY
    assert holding_reply_letter("fca", "deposit_withdrawal") == LetterKind.HOLDING_REPLY
    assert holding_reply_letter("fca", "trade_dispute") == LetterKind.DELAY_NOTICE
    assert holding_reply_letter(Regime.CFPB) == LetterKind.HOLDING_REPLY
    assert holding_reply_letter(Regime.MICA) == LetterKind.DELAY_NOTICE
    assert holding_reply_letter(Regime.NONE) is None
    with pytest.raises(ValueError, match="sec"):
        holding_reply_letter("sec")


def test_the_latest_date_a_holding_reply_may_promise():
    received = datetime(2026, 3, 2, 10, tzinfo=LONDON)

    def latest(code, category="trade_dispute"):
        return extended_final_due(
            jurisdiction=jurisdiction_for(code), received_at=received, category=category
        )

    assert latest("GB", "deposit_withdrawal") == utc(2026, 4, 22, 23)
    assert latest("GB") is None
    assert latest("US") == utc(2026, 5, 2, 4)  # 2 March + 60 days = 1 May, ends 00:00 EDT
    assert latest("DE") is None


@pytest.mark.parametrize(
    ("regime", "months", "website", "body"),
    [
        (Regime.FCA, 6, "https://www.financial-ombudsman.org.uk", "Financial Ombudsman Service"),
        (Regime.MICA, 4, "", "national competent authority"),
        (Regime.CFPB, 4, "https://www.consumerfinance.gov/complaint/", "Consumer Financial"),
        (Regime.NONE, 4, "", "arbitration body"),
    ],
)
def test_referral_rights_per_regime(settings, regime, months, website, body):
    settings.ARBITRATION_REFERRAL_MONTHS = 4  # the FCA's six months are the rule's, not ours
    rights = referral_rights(regime)
    assert rights.months == months
    assert rights.website == website
    assert body in str(rights.body)
    text = rights.sentence(deadline="1 March 2027")
    assert f"within {months} months of the date of this letter" in text
    assert "by 1 March 2027" in text
    assert body in text
    if website:
        assert website in text
    assert "%(" not in text


def test_a_one_month_referral_reads_in_the_singular(settings):
    settings.ARBITRATION_REFERRAL_MONTHS = 1
    text = referral_rights(Regime.NONE).sentence(deadline="1 April 2026")
    assert "within 1 month of" in text


def test_the_referral_deadline_counts_calendar_months():
    rights = referral_rights(Regime.FCA)
    assert rights.deadline(date(2026, 8, 31)) == date(2027, 2, 28)
    assert rights.deadline(date(2026, 3, 2)) == date(2026, 9, 2)


def test_the_referral_sentence_follows_the_active_language():
    rights = referral_rights(Regime.FCA)
    with translation.override("en"):
        english = rights.sentence(deadline="1 March 2027")
    with translation.override("zh-hans"):
        chinese = rights.sentence(deadline="2027年3月1日")
    # Until the lead compiles the catalogue the Chinese text may still be English; it must
    # never lose the date or the website whichever language it is in.
    assert "2027年3月1日" in chinese
    assert "https://www.financial-ombudsman.org.uk" in chinese
    assert "1 March 2027" in english


def test_every_regime_has_a_summary_of_its_milestones():
    assert set(REGIME_SUMMARY) == set(Regime.values)
    for regime, milestones in REGIME_SUMMARY.items():
        assert milestones, regime
        for milestone in milestones:
            assert str(milestone.name)
            assert str(milestone.rule)
    sources = " ".join(m.source for m in REGIME_SUMMARY[Regime.FCA])
    assert "DISP 1.5" in sources
    assert "DISP 1.6.2A" in sources
    assert any("Art. 6(3)" in m.source for m in REGIME_SUMMARY[Regime.MICA])


def _chinese_table():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "tools/translations/calendars.py"
    spec = importlib.util.spec_from_file_location("zh_calendars", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ZH


def _english_strings():
    received = utc(2026, 3, 2, 10)
    with translation.override("en"):
        for code, category in (("GB", "x"), ("GB", "deposit_withdrawal"), ("DE", "x"), ("US", "x")):
            for deadline in deadlines(code, received, category):
                yield str(deadline.description)
        for regime in Regime.values:
            rights = referral_rights(regime)
            yield str(rights.body)
            # A lazy plural keeps both msgids until it is given its number.
            yield rights.template._kw["singular"]
            yield rights.template._kw["plural"]
        for milestones in REGIME_SUMMARY.values():
            for milestone in milestones:
                yield str(milestone.name)
                yield str(milestone.rule)


def test_every_sentence_has_a_chinese_translation_with_the_same_placeholders():
    import re

    table = _chinese_table()
    missing = [text for text in _english_strings() if text not in table]
    assert missing == []
    placeholder = re.compile(r"%\(\w+\)s")
    for msgid, chinese in table.items():
        assert sorted(placeholder.findall(msgid)) == sorted(placeholder.findall(chinese)), msgid
        assert re.search(r"[\u4e00-\u9fff]", chinese), msgid
