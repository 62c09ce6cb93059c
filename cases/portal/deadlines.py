""" "What happens next and by when" on the customer's case page: the next step in plain words
and the dates the customer will hear from us — the service target for our first reply, the
regulator's deadline for the final response — in their language and on the calendar of their
jurisdiction ("by 28 January 2027 at the latest (UK FCA rules)").

One query (the case's running clocks); the words are here, the rules in
`cases.policies.regimes`. A deadline we missed is said plainly, with where the customer may
turn now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.enums import CaseState, ClockKind, Regime
from cases.lib.clock_words import date_words, last_day, moment_words
from cases.models import Case, CaseClock
from cases.policies.regimes import jurisdiction_for, referral_rights
from cases.selectors.clocks import running_clocks_of_case

# The step ahead, as the customer sees it. States missing here show no block: the case is
# over, or the final response (and what follows it) is on the page already.
NEXT_STEP = {
    CaseState.RECEIVED: gettext_lazy("We have received your complaint and will review it."),
    CaseState.ASSESSING: gettext_lazy("We are reviewing your complaint."),
    CaseState.INVESTIGATING: gettext_lazy(
        "We are investigating your complaint and will write to you with what we find."
    ),
    CaseState.RESPONSIBILITY_DETERMINED: gettext_lazy(
        "We have finished our investigation and are preparing our answer."
    ),
    CaseState.AWAITING_CUSTOMER: gettext_lazy(
        "We are waiting for the information we asked you for. Please answer with a message "
        "below; our own reply target is paused until you do."
    ),
    CaseState.RESOLUTION_PROPOSED: gettext_lazy(
        "We have made you a proposal. Please accept or reject it on this page."
    ),
    CaseState.PROPOSAL_REJECTED: gettext_lazy(
        "You rejected our proposal. We are considering your answer and will write to you."
    ),
    CaseState.RESOLUTION_ACCEPTED: gettext_lazy(
        "You accepted our proposal. We are preparing to carry it out."
    ),
    CaseState.EXECUTING: gettext_lazy(
        "We are carrying out the resolution you accepted and will tell you when it is done."
    ),
    CaseState.RESOLVED: gettext_lazy("Your complaint is resolved."),
    CaseState.REOPENED: gettext_lazy(
        "We are looking at your complaint again and will write to you with what we find."
    ),
}

# The rules a deadline comes from, named for the customer.
RULES = {
    Regime.FCA: gettext_lazy("UK FCA rules"),
    Regime.MICA: gettext_lazy("EU MiCA rules"),
    Regime.CFPB: gettext_lazy("US CFPB rules"),
}


@dataclass(frozen=True)
class Line:
    text: str
    css: str  # "due" or "late"


def _late_regulatory(clock: CaseClock, day: str, rules: str, regime: str) -> Line:
    rights = referral_rights(regime)
    where = str(rights.body)
    if rights.website:
        where = f"{where} ({rights.website})"
    return Line(
        _(
            "Our answer was due by %(date)s (%(rules)s) and is late; we are sorry. You may "
            "refer your complaint to %(where)s now."
        )
        % {"date": day, "rules": rules, "where": where},
        "late",
    )


def _regulatory_line(
    clock: CaseClock, *, regime: str, zone: str, now: datetime, response_pending: bool
) -> Line | None:
    rules = str(RULES.get(regime, ""))
    if clock.extended_to is not None and clock.extended_to > now:
        day = date_words(last_day(clock.extended_to, zone))
        return Line(
            _("As we wrote to you, we will send you our final response by %(date)s (%(rules)s).")
            % {"date": day, "rules": rules},
            "due",
        )
    day = date_words(last_day(clock.due_at, zone))
    if clock.due_at <= now:
        return _late_regulatory(clock, day, rules, regime)
    if clock.kind == ClockKind.REG_RESPONSE:
        if regime == Regime.CFPB:
            text = _(
                "By %(date)s at the latest, we will send you our response, or tell you that your "
                "complaint is still in progress and when to expect our final response "
                "(%(rules)s)."
            )
        else:
            text = _(
                "We will send you our final response by %(date)s at the latest. If, "
                "exceptionally, we cannot, we will write to you by then to explain why and to "
                "tell you when you will receive it (%(rules)s)."
            )
        return Line(text % {"date": day, "rules": rules}, "due")
    if response_pending:
        # The later, outer limit applies only once a holding reply went out: one date at a time.
        return None
    if regime == Regime.MICA:
        text = _("We will send you our decision by %(date)s at the latest (%(rules)s).")
    else:
        text = _("We will send you our final response by %(date)s at the latest (%(rules)s).")
    return Line(text % {"date": day, "rules": rules}, "due")


def _target_line(clock: CaseClock, *, zone: str, now: datetime, regulated: bool) -> Line | None:
    if clock.paused_at is not None:
        return None
    when = moment_words(clock.due_at, time_zone=zone)
    if clock.kind == ClockKind.FIRST_RESPONSE:
        if clock.due_at <= now:
            return Line(
                _(
                    "We aimed to reply to you by %(when)s and are late; we are sorry. You will "
                    "hear from us as soon as possible."
                )
                % {"when": when},
                "late",
            )
        return Line(_("You will hear from us by %(when)s.") % {"when": when}, "due")
    if clock.kind == ClockKind.NEXT_RESPONSE and clock.due_at > now:
        return Line(_("We will answer your latest message by %(when)s.") % {"when": when}, "due")
    if clock.kind == ClockKind.RESOLUTION and not regulated and clock.due_at > now:
        day = date_words(last_day(clock.due_at, zone))
        return Line(_("We aim to resolve your case by %(date)s.") % {"date": day}, "due")
    return None


def next_steps_for_customer(*, case: Case, now: datetime | None = None) -> dict[str, Any] | None:
    """The block's content, or None when there is nothing ahead to tell. Call under the
    customer's language; dates are on the calendar of the case's jurisdiction."""
    step = NEXT_STEP.get(case.state)
    if step is None:
        return None
    now = now or timezone.now()
    zone = jurisdiction_for(case.jurisdiction).time_zone
    clocks = running_clocks_of_case(case=case)
    regime = case.regime or Regime.NONE
    regulatory = [c for c in clocks if c.kind in (ClockKind.REG_RESPONSE, ClockKind.REG_FINAL)]
    response_pending = any(
        c.kind == ClockKind.REG_RESPONSE and c.extended_to is None for c in regulatory
    )
    lines: list[Line] = []
    for clock in clocks:
        if clock in regulatory:
            continue
        line = _target_line(clock, zone=zone, now=now, regulated=bool(regulatory))
        if line is not None:
            lines.append(line)
    for clock in regulatory:
        line = _regulatory_line(
            clock, regime=regime, zone=zone, now=now, response_pending=response_pending
        )
        if line is not None:
            lines.append(line)
    return {"step": str(step), "lines": lines}


def deadlines_context(*, case: Case) -> dict[str, Any]:
    """For `portal/case_detail.html` (cases/portal/_deadlines.html)."""
    return {"next_steps": next_steps_for_customer(case=case)}
