"""The regulators' deadlines for a complaint (docs/clocks.md "Regimes"): which regime applies to
a user's jurisdiction, when each deadline falls, which letter meets it, and the referral rights
a final response states. Pure rules over the settings and the clock arithmetic of
`cases.lib.business_time`; nothing here reads or writes the database.

- UK FCA, DISP 1.6.2: a final response by the end of 8 weeks after receipt (or, by then, a
  response explaining why not yet and when, with the Financial Ombudsman Service rights).
  Payment-services and e-money complaints (DISP 1.6.2A; `PAYMENT_SERVICE_CATEGORIES`): a final
  response within 15 business days after the day of receipt, or in exceptional situations a
  holding reply by then with the reasons and the date of the final response, which must come
  within 35 business days. DISP 1.5: a complaint resolved by the close of the third business day
  after the day of receipt gets a summary resolution communication instead.
- EU MiCA, RTS (EU) 2025/294: an acknowledgement at once (Art 4, stating the timeframe), the
  decision within 2 months of receipt (Art 6(2)); where that is impossible, the reasons for the
  delay and the date of the decision without undue delay (Art 6(3)).
- US CFPB: a substantive response within 15 calendar days, or an "in progress" reply and the
  final response within 60 calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from cases.enums import ClockKind, LetterKind, Regime
from cases.lib.business_time import (
    WorkCalendar,
    business_days_after,
    calendar_days_after,
    calendar_months_after,
    wall_clock_days_before,
)

# What meets a deadline besides the letters of LetterKind: the final response letter.
FINAL_RESPONSE = "final_response"

# The rules' numbers (the regulations', not ours to configure).
FCA_FINAL_WEEKS = 8
FCA_PSD_RESPONSE_BUSINESS_DAYS = 15
FCA_PSD_FINAL_BUSINESS_DAYS = 35
FCA_SUMMARY_RESOLUTION_BUSINESS_DAYS = 3
FCA_REFERRAL_MONTHS = 6  # DISP 2.8.2R: six months from the final response
MICA_DECISION_MONTHS = 2
CFPB_RESPONSE_DAYS = 15
CFPB_FINAL_DAYS = 60
MONDAY_TO_FRIDAY = frozenset(range(5))


@dataclass(frozen=True)
class Jurisdiction:
    """Where a user's complaint is regulated: its regime, the country (and subdivision) whose
    public holidays are not business days, and the time zone whose midnights end a day."""

    code: str
    regime: Regime
    country: str
    subdivision: str
    time_zone: str

    @property
    def business_calendar(self) -> WorkCalendar:
        """Business days of this jurisdiction as a calendar: Monday to Friday, whole days,
        without its public holidays."""
        return WorkCalendar(
            time_zone=self.time_zone,
            country=self.country,
            subdivision=self.subdivision,
            weekdays=MONDAY_TO_FRIDAY,
        )


def _jurisdiction(code: str, entry: Any) -> Jurisdiction:
    if not isinstance(entry, dict):
        raise ImproperlyConfigured(f"COMPLAINT_JURISDICTIONS[{code!r}] must be an object")
    try:
        regime = Regime(entry.get("regime", Regime.NONE))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"COMPLAINT_JURISDICTIONS[{code!r}]: regime must be one of "
            f"{', '.join(Regime.values)}, not {entry.get('regime')!r}"
        ) from exc
    if not entry.get("time_zone"):
        raise ImproperlyConfigured(f"COMPLAINT_JURISDICTIONS[{code!r}] needs a time_zone")
    jurisdiction = Jurisdiction(
        code=code,
        regime=regime,
        country=str(entry.get("country", code) or "").upper(),
        subdivision=str(entry.get("subdivision", "") or ""),
        time_zone=str(entry["time_zone"]),
    )
    try:
        # Validates the time zone, the country and the subdivision (holidays package codes).
        jurisdiction.business_calendar  # noqa: B018
    except ValueError as exc:
        raise ImproperlyConfigured(f"COMPLAINT_JURISDICTIONS[{code!r}]: {exc}") from exc
    return jurisdiction


def jurisdictions() -> dict[str, Jurisdiction]:
    """Every configured jurisdiction by its code, each checked. Raises ImproperlyConfigured
    for a bad entry or a DEFAULT_JURISDICTION missing from the table (a system check can call
    this at start)."""
    table = settings.COMPLAINT_JURISDICTIONS
    if not isinstance(table, dict):
        raise ImproperlyConfigured("COMPLAINT_JURISDICTIONS must be an object keyed by country")
    result = {str(code).upper(): _jurisdiction(str(code).upper(), e) for code, e in table.items()}
    if settings.DEFAULT_JURISDICTION.upper() not in result:
        raise ImproperlyConfigured(
            f"DEFAULT_JURISDICTION {settings.DEFAULT_JURISDICTION!r} is not in "
            "COMPLAINT_JURISDICTIONS"
        )
    return result


def jurisdiction_for(code: str | None) -> Jurisdiction:
    """The jurisdiction of a user's country code (any case, surrounding spaces ignored); an
    empty or unknown code gets DEFAULT_JURISDICTION's. Raises ImproperlyConfigured when the
    entry used (or the default) is badly configured."""
    table = settings.COMPLAINT_JURISDICTIONS
    if not isinstance(table, dict):
        raise ImproperlyConfigured("COMPLAINT_JURISDICTIONS must be an object keyed by country")
    table = {str(k).upper(): v for k, v in table.items()}
    default = settings.DEFAULT_JURISDICTION.upper()
    # Checked on every call, not only when used: a wrong default must not hide until the
    # first user from an unlisted country.
    if default not in table:
        raise ImproperlyConfigured(
            f"DEFAULT_JURISDICTION {default!r} is not in COMPLAINT_JURISDICTIONS"
        )
    wanted = (code or "").strip().upper()
    if wanted not in table:
        wanted = default
    return _jurisdiction(wanted, table[wanted])


def is_payment_service(category: str) -> bool:
    """A payment-services or e-money complaint (FCA DISP 1.6.2A): its category is one of
    PAYMENT_SERVICE_CATEGORIES."""
    return category in settings.PAYMENT_SERVICE_CATEGORIES


@dataclass(frozen=True)
class Deadline:
    """A regulatory deadline of a complaint. `requires` is the least that meets it (a
    LetterKind value, or FINAL_RESPONSE); `met_by` lists everything that does (a final
    response meets every deadline). `description` is a sentence for staff and the portal."""

    kind: ClockKind
    due_at: datetime
    warn_at: datetime | None
    requires: LetterKind | str
    description: str | Promise
    met_by: tuple[str, ...] = (FINAL_RESPONSE,)
    source: str = ""


def _received(received_at: datetime) -> datetime:
    if not isinstance(received_at, datetime):
        raise TypeError("received_at must be a datetime")
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError(f"received_at must be an aware datetime, got {received_at!r}")
    return received_at.astimezone(UTC)


def warn_at_for(*, due_at: datetime, received_at: datetime, time_zone: str) -> datetime | None:
    """REGULATORY_WARN_DAYS calendar days before `due_at` on the local calendar (a deadline at
    a local midnight is warned at a local midnight, DST or not), never before `received_at`;
    None when the setting is 0."""
    days = settings.REGULATORY_WARN_DAYS
    if days <= 0:
        return None
    warn = wall_clock_days_before(due_at, days, time_zone=time_zone)
    return max(warn, _received(received_at))


def _deadline(
    jurisdiction: Jurisdiction,
    received_at: datetime,
    *,
    kind: ClockKind,
    due_at: datetime,
    requires: str,
    met_by: tuple[str, ...],
    description: Promise,
    source: str,
) -> Deadline:
    return Deadline(
        kind=kind,
        due_at=due_at,
        warn_at=warn_at_for(
            due_at=due_at, received_at=received_at, time_zone=jurisdiction.time_zone
        ),
        requires=requires,
        description=description,
        met_by=met_by,
        source=source,
    )


def _business(jurisdiction: Jurisdiction, received_at: datetime, n: int) -> datetime:
    return business_days_after(
        received_at,
        n,
        country=jurisdiction.country,
        subdivision=jurisdiction.subdivision,
        time_zone=jurisdiction.time_zone,
    )


def regulatory_deadlines(
    *, jurisdiction: Jurisdiction, received_at: datetime, category: str
) -> list[Deadline]:
    """The regulator's deadlines of a complaint received at `received_at` (aware) in
    `jurisdiction`, earliest first; [] under no regime. Every due time is the end (local
    midnight, in UTC) of a day in the jurisdiction's time zone; see docs/clocks.md for how
    each is counted."""
    received = _received(received_at)
    regime = Regime(jurisdiction.regime)
    if regime == Regime.FCA and is_payment_service(category):
        return [
            _deadline(
                jurisdiction,
                received,
                kind=ClockKind.REG_RESPONSE,
                due_at=_business(jurisdiction, received, FCA_PSD_RESPONSE_BUSINESS_DAYS),
                requires=LetterKind.HOLDING_REPLY,
                met_by=(FINAL_RESPONSE, LetterKind.HOLDING_REPLY),
                description=_(
                    "Final response within 15 business days after the day of receipt, or by "
                    "then a holding reply giving the reasons for the delay and the date of the "
                    "final response (FCA DISP 1.6.2A)"
                ),
                source="FCA DISP 1.6.2A",
            ),
            _deadline(
                jurisdiction,
                received,
                kind=ClockKind.REG_FINAL,
                due_at=_business(jurisdiction, received, FCA_PSD_FINAL_BUSINESS_DAYS),
                requires=FINAL_RESPONSE,
                met_by=(FINAL_RESPONSE,),
                description=_(
                    "Final response within 35 business days after the day of receipt, at the "
                    "latest, when a holding reply was sent (FCA DISP 1.6.2A)"
                ),
                source="FCA DISP 1.6.2A",
            ),
        ]
    if regime == Regime.FCA:
        return [
            _deadline(
                jurisdiction,
                received,
                kind=ClockKind.REG_FINAL,
                due_at=calendar_days_after(
                    received, 7 * FCA_FINAL_WEEKS, time_zone=jurisdiction.time_zone
                ),
                requires=FINAL_RESPONSE,
                # DISP 1.6.2(2): by then, a response explaining why there is no final response
                # yet and when to expect it, with the ombudsman referral rights, also complies.
                met_by=(FINAL_RESPONSE, LetterKind.DELAY_NOTICE),
                description=_("Final response within 8 weeks of receipt (FCA DISP 1.6.2)"),
                source="FCA DISP 1.6.2",
            )
        ]
    if regime == Regime.MICA:
        return [
            _deadline(
                jurisdiction,
                received,
                kind=ClockKind.REG_FINAL,
                due_at=calendar_months_after(
                    received, MICA_DECISION_MONTHS, time_zone=jurisdiction.time_zone
                ),
                requires=FINAL_RESPONSE,
                met_by=(FINAL_RESPONSE,),
                description=_(
                    "Decision within 2 months of receipt; if that is not possible, a letter "
                    "giving the reasons for the delay and the date of the decision (MiCA RTS "
                    "(EU) 2025/294, Art. 6)"
                ),
                source="MiCA RTS (EU) 2025/294 Art. 6",
            )
        ]
    if regime == Regime.CFPB:
        return [
            _deadline(
                jurisdiction,
                received,
                kind=ClockKind.REG_RESPONSE,
                due_at=calendar_days_after(
                    received, CFPB_RESPONSE_DAYS, time_zone=jurisdiction.time_zone
                ),
                requires=LetterKind.HOLDING_REPLY,
                met_by=(FINAL_RESPONSE, LetterKind.HOLDING_REPLY),
                description=_(
                    "Substantive response, or an “in progress” reply, within 15 days of "
                    "receipt (CFPB)"
                ),
                source="CFPB",
            ),
            _deadline(
                jurisdiction,
                received,
                kind=ClockKind.REG_FINAL,
                due_at=calendar_days_after(
                    received, CFPB_FINAL_DAYS, time_zone=jurisdiction.time_zone
                ),
                requires=FINAL_RESPONSE,
                met_by=(FINAL_RESPONSE,),
                description=_("Final response within 60 days of receipt (CFPB)"),
                source="CFPB",
            ),
        ]
    return []


def summary_resolution_until(
    *, jurisdiction: Jurisdiction, received_at: datetime
) -> datetime | None:
    """FCA DISP 1.5: until when a complaint resolved with the customer's acceptance gets a
    summary resolution communication instead of a final response — the end of the third
    business day after the day of receipt. None under every other regime."""
    received = _received(received_at)
    if Regime(jurisdiction.regime) != Regime.FCA:
        return None
    return _business(jurisdiction, received, FCA_SUMMARY_RESOLUTION_BUSINESS_DAYS)


def holding_reply_letter(regime: str, category: str | None = None) -> LetterKind | None:
    """The letter that tells the customer the final response will come later, with the reasons
    and the date: a holding reply under the FCA's payment-services rule and the CFPB (its "in
    progress" reply), a delay notice under MiCA (Art 6(3)), none without a regime. Given the
    category, an FCA complaint outside payment services gets the DISP 1.6.2(2) letter at 8
    weeks (why not yet, when, and the ombudsman rights): a delay notice."""
    regime = Regime(regime)
    if regime == Regime.FCA:
        if category is not None and not is_payment_service(category):
            return LetterKind.DELAY_NOTICE
        return LetterKind.HOLDING_REPLY
    if regime == Regime.CFPB:
        return LetterKind.HOLDING_REPLY
    if regime == Regime.MICA:
        return LetterKind.DELAY_NOTICE
    return None


def extended_final_due(
    *, jurisdiction: Jurisdiction, received_at: datetime, category: str
) -> datetime | None:
    """The latest final-response date a holding reply may promise: 35 business days after the
    day of receipt (FCA payment services), 60 days (CFPB). None where the rules set no cap
    (MiCA's delay notice and the FCA's 8-week letter name a date of the exchange's choosing)
    or there is no regime."""
    received = _received(received_at)
    regime = Regime(jurisdiction.regime)
    if regime == Regime.FCA and is_payment_service(category):
        return _business(jurisdiction, received, FCA_PSD_FINAL_BUSINESS_DAYS)
    if regime == Regime.CFPB:
        return calendar_days_after(received, CFPB_FINAL_DAYS, time_zone=jurisdiction.time_zone)
    return None


@dataclass(frozen=True)
class ReferralRights:
    """Where a customer not satisfied with the final response may turn, and by when: the body,
    the months from the date of the letter, its website, and the sentence the letter carries
    (`sentence(deadline=...)`, in the active language)."""

    body: str | Promise
    months: int
    template: str | Promise
    website: str = ""

    def deadline(self, issued: date) -> date:
        """The last day to refer: the letter's date plus `months` calendar months (31 August
        + 6 months is the last day of February)."""
        return issued + relativedelta(months=self.months)

    def sentence(self, *, deadline: str) -> str:
        """The referral sentence with the deadline as the letter writes dates."""
        # Not str(template) first: a lazy plural picks its form from "months" in the mapping.
        return str(
            self.template
            % {
                "body": self.body,
                "months": self.months,
                "deadline": deadline,
                "website": self.website,
            }
        )


def referral_rights(regime: str) -> ReferralRights:
    """The referral rights a final response states under `regime`: the Financial Ombudsman
    Service within 6 months (FCA DISP 2.8.2, its website); under MiCA the national competent
    authority or an out-of-court dispute resolution body; under the CFPB the Bureau (its
    complaint page); otherwise the arbitration bodies listed in the portal. Outside the FCA the
    months are ARBITRATION_REFERRAL_MONTHS."""
    regime = Regime(regime)
    months = settings.ARBITRATION_REFERRAL_MONTHS
    if regime == Regime.FCA:
        return ReferralRights(
            body=_("the Financial Ombudsman Service"),
            months=FCA_REFERRAL_MONTHS,
            website="https://www.financial-ombudsman.org.uk",
            template=ngettext_lazy(
                "If you are not satisfied with our response, you may refer your complaint to "
                "%(body)s, free of charge, within %(months)s month of the date of this letter, "
                "that is by %(deadline)s. Its website is %(website)s.",
                "If you are not satisfied with our response, you may refer your complaint to "
                "%(body)s, free of charge, within %(months)s months of the date of this "
                "letter, that is by %(deadline)s. Its website is %(website)s.",
                "months",
            ),
        )
    if regime == Regime.MICA:
        return ReferralRights(
            body=_(
                "the national competent authority for crypto-asset services, or an "
                "out-of-court dispute resolution body"
            ),
            months=months,
            template=ngettext_lazy(
                "If you are not satisfied with our decision, you may complain to %(body)s. "
                "Please do so within %(months)s month of the date of this letter, that is by "
                "%(deadline)s.",
                "If you are not satisfied with our decision, you may complain to %(body)s. "
                "Please do so within %(months)s months of the date of this letter, that is by "
                "%(deadline)s.",
                "months",
            ),
        )
    if regime == Regime.CFPB:
        return ReferralRights(
            body=_("the Consumer Financial Protection Bureau"),
            months=months,
            website="https://www.consumerfinance.gov/complaint/",
            template=ngettext_lazy(
                "If you are not satisfied with our response, you may submit a complaint to "
                "%(body)s at %(website)s. You may also refer the dispute to an independent "
                "arbitration body within %(months)s month of the date of this letter, that is "
                "by %(deadline)s.",
                "If you are not satisfied with our response, you may submit a complaint to "
                "%(body)s at %(website)s. You may also refer the dispute to an independent "
                "arbitration body within %(months)s months of the date of this letter, that is "
                "by %(deadline)s.",
                "months",
            ),
        )
    return ReferralRights(
        body=_("an independent arbitration body listed on the arbitration page of our portal"),
        months=months,
        template=ngettext_lazy(
            "If you do not agree with our decision, you may refer the dispute to %(body)s "
            "within %(months)s month of the date of this letter, that is by %(deadline)s.",
            "If you do not agree with our decision, you may refer the dispute to %(body)s "
            "within %(months)s months of the date of this letter, that is by %(deadline)s.",
            "months",
        ),
    )


@dataclass(frozen=True)
class Milestone:
    """One step a regime sets: its name, the rule in a sentence, and where the rule is."""

    name: str | Promise
    rule: str | Promise
    source: str


# Per regime, the milestones in the order they fall (docs/clocks.md, the case page, the portal).
REGIME_SUMMARY: dict[str, tuple[Milestone, ...]] = {
    Regime.FCA: (
        Milestone(
            _("Acknowledgement"),
            _("Promptly, in writing, with our complaints procedure."),
            "FCA DISP 1.6.1",
        ),
        Milestone(
            _("Summary resolution"),
            _(
                "A complaint resolved to the customer's satisfaction by the close of the third "
                "business day after the day of receipt gets a summary resolution communication "
                "instead of a final response."
            ),
            "FCA DISP 1.5",
        ),
        Milestone(
            _("Final response"),
            _(
                "Within 8 weeks of receipt; or by then a letter explaining why not yet and when "
                "to expect it, with the right to refer to the Financial Ombudsman Service."
            ),
            "FCA DISP 1.6.2",
        ),
        Milestone(
            _("Payment services and e-money"),
            _(
                "Final response within 15 business days after the day of receipt; in "
                "exceptional situations a holding reply by then with the reasons and the date, "
                "and the final response within 35 business days."
            ),
            "FCA DISP 1.6.2A",
        ),
        Milestone(
            _("Referral"),
            _("The customer may refer to the Financial Ombudsman Service within 6 months."),
            "FCA DISP 2.8.2",
        ),
    ),
    Regime.MICA: (
        Milestone(
            _("Acknowledgement"),
            _("At once, stating the time within which we will decide."),
            "MiCA RTS (EU) 2025/294 Art. 4",
        ),
        Milestone(
            _("Decision"),
            _("Within 2 months of receipt, addressing every point, with the reasons."),
            "MiCA RTS (EU) 2025/294 Art. 6(1)-(2)",
        ),
        Milestone(
            _("Delay notice"),
            _(
                "If the decision cannot be given in time, the reasons for the delay and the "
                "date of the decision, without undue delay."
            ),
            "MiCA RTS (EU) 2025/294 Art. 6(3)",
        ),
        Milestone(
            _("Remedies"),
            _(
                "A decision that does not fully satisfy the customer states the remedies: the "
                "national competent authority or an out-of-court dispute resolution body."
            ),
            "MiCA RTS (EU) 2025/294 Art. 6(4)",
        ),
    ),
    Regime.CFPB: (
        Milestone(
            _("Response"),
            _("A substantive response, or an “in progress” reply, within 15 days."),
            "CFPB",
        ),
        Milestone(
            _("Final response"),
            _("Within 60 days when an “in progress” reply was sent."),
            "CFPB",
        ),
        Milestone(
            _("Referral"),
            _("The customer may submit a complaint to the Consumer Financial Protection Bureau."),
            "CFPB",
        ),
    ),
    Regime.NONE: (
        Milestone(
            _("Service targets"),
            _("Only the exchange's own service targets apply; no regulator sets a deadline."),
            "",
        ),
    ),
}
