"""The letters the regulators require besides the final response (docs/clocks.md "Letters"):
the holding reply and the delay notice a team lead sends when the final response will come
later, and the summary resolution communication the product writes by itself when an FCA
complaint is resolved within three business days.

Each letter is written once, in the customer's language, from a template
(`cases/letters/<kind>.txt`), dated on the jurisdiction's calendar, and stored with the SHA-256
of its text in an append-only table (`RegulatoryLetter`); in the same transaction the clocks
it answers stop, the deadline the customer was told goes on the final-response clock
(`extended_to`), the case's ledger gets its events, and the customer's emails and portal
notices are queued (they leave after commit).

Why here and not in `letters` (the final response): the summary resolution communication is
written when the customer accepts the offer, inside the `record_acceptance` transition, by its
effect (`cases.services.transition_effects.after_record_acceptance`). Effects sit below the
lifecycle, and `letters` (like `offers`, which records the acceptance) sits above it, so the
letter writer lives in a layer the effects may import (`pyproject.toml`, the
`cases-services-layers` contract). The staff-facing `regulatory_letter_issue` lives with it, so
the rules of these letters are in one module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.enums import (
    REGULATORY_CLOCKS,
    TERMINAL_STATES,
    ActionKind,
    CaseEventType,
    CaseState,
    ClockKind,
    LetterKind,
    OfferState,
    Regime,
)
from cases.lib.business_time import end_of_local_day, local_date
from cases.lib.letters import last_day, letter_date, letter_text, text_sha256
from cases.lib.money import amount_display
from cases.models import Case, CaseClock, RegulatoryLetter, ResolutionOffer
from cases.policies.followup import may_issue_regulatory_letter
from cases.policies.regimes import (
    Deadline,
    Jurisdiction,
    extended_final_due,
    holding_reply_letter,
    jurisdiction_for,
    referral_rights,
    regulatory_deadlines,
    summary_resolution_until,
)
from cases.services.clocks import clocks_meet
from cases.services.events import case_event_record
from cases.services.notifications import notification_queue
from cases.services.recusal import staff_write
from complaints_site.common.actors import Actor, SystemActor, actor_user
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp

SUMMARY_ACTOR = SystemActor("letters:summary_resolution")
REASONS_MAX_LENGTH = 10_000
# The letters a lead sends to defer the final response (the summary resolution is automatic,
# the acknowledgement is the intake email).
DEFERRING_KINDS = (LetterKind.HOLDING_REPLY, LetterKind.DELAY_NOTICE)
# Where a letter may still defer the final response: the exchange has not given its answer
# (accepted offer, final response) and the case has not ended.
DEFERRING_STATES = frozenset(
    state
    for state in CaseState
    if state not in TERMINAL_STATES
    and state
    not in (
        CaseState.RESOLUTION_ACCEPTED,
        CaseState.EXECUTING,
        CaseState.RESOLVED,
        CaseState.FINAL_RESPONSE,
        CaseState.IN_ARBITRATION,
    )
)
DENIED = gettext_lazy("Only a team lead may send a holding reply or a delay notice.")


def _error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"errors": {field: [message]}})


# --- what a case's regime asks for ----------------------------------------------------------


def case_regime(case: Case) -> Regime:
    """The regime the case's letters follow: its jurisdiction's for a complaint, none for a
    plain query (no regulator's deadline, no ombudsman)."""
    return Regime(case.regime) if case.is_complaint else Regime.NONE


def case_jurisdiction(case: Case) -> Jurisdiction:
    """The jurisdiction whose calendar dates the case's letters (settings only, no query)."""
    return jurisdiction_for(case.jurisdiction)


def case_deadlines(case: Case) -> list[Deadline]:
    """The regulator's deadlines of the case, computed from its receipt (no query); [] for a
    query or a case without a regime."""
    if case_regime(case) == Regime.NONE:
        return []
    return regulatory_deadlines(
        jurisdiction=case_jurisdiction(case), received_at=case.received_at, category=case.category
    )


def deferring_letter(case: Case) -> LetterKind | None:
    """The letter that defers this case's final response, by its regime and category (a
    holding reply under the FCA's payment-services rule and the CFPB, a delay notice under
    MiCA and the FCA's 8-week rule); None for a query or a case without a regime."""
    regime = case_regime(case)
    if regime == Regime.NONE:
        return None
    return holding_reply_letter(regime, case.category)


def expected_by_limit(case: Case) -> date | None:
    """The latest final-response date a holding reply may promise, as a local day (35 business
    days for FCA payment services, 60 days under the CFPB); None where the rules set none."""
    if case_regime(case) == Regime.NONE:
        return None
    jurisdiction = case_jurisdiction(case)
    limit = extended_final_due(
        jurisdiction=jurisdiction, received_at=case.received_at, category=case.category
    )
    return None if limit is None else last_day(limit, jurisdiction.time_zone)


def letter_today(case: Case, *, at: datetime | None = None) -> date:
    """Today on the case's jurisdiction's calendar: the date its letters carry."""
    return local_date(at or timezone.now(), case_jurisdiction(case).time_zone)


# --- rendering ------------------------------------------------------------------------------


def _subject(kind: str, regime: Regime, reference: str) -> str:
    values = {"ref": reference}
    if kind == LetterKind.SUMMARY_RESOLUTION:
        return _("Your complaint %(ref)s is resolved") % values
    if kind == LetterKind.HOLDING_REPLY and regime == Regime.CFPB:
        return _("Your complaint %(ref)s is in progress") % values
    if regime == Regime.MICA:
        return _("Your complaint %(ref)s: our decision will take longer") % values
    return _("Your complaint %(ref)s: our final response will take longer") % values


def regulatory_letter_render(
    *,
    case: Case,
    kind: str,
    issued: date,
    reasons: str = "",
    expected_by: date | None = None,
    agreed: Sequence[dict[str, str]] = (),
    agreed_summary: str = "",
) -> tuple[str, str]:
    """(subject, body) of a regulatory letter in the customer's language: the case, its dates
    on the jurisdiction's calendar, the reasons and the date to expect (holding reply, delay
    notice), what was agreed (summary resolution), and the referral rights the regime gives.
    Pure: reads the case, the arguments and the settings."""
    kind = LetterKind(kind)
    regime = case_regime(case)
    jurisdiction = case_jurisdiction(case)
    locale = case.complainant_locale
    limit = expected_by_limit(case) if kind == LetterKind.HOLDING_REPLY else None
    with translation.override(locale):
        rights = referral_rights(regime)
        subject = _subject(kind, regime, case.reference)
        context = {
            "title": subject,
            "kind": kind.value,
            "regime": regime.value,
            "reference": case.reference,
            "subject": case.subject,
            "received": letter_date(local_date(case.received_at, jurisdiction.time_zone), locale),
            "issued": letter_date(issued, locale),
            "reasons": reasons,
            "expected_by": letter_date(expected_by, locale) if expected_by else "",
            "limit": letter_date(limit, locale) if limit else "",
            "agreed": list(agreed),
            "agreed_summary": agreed_summary,
            "body": rights.body,
            "website": rights.website,
            "referral": rights.sentence(deadline=letter_date(rights.deadline(issued), locale)),
        }
        body = letter_text(render_to_string(f"cases/letters/{kind.value}.txt", context))
    return subject[:200], body


# --- recording ------------------------------------------------------------------------------


def _record_name(kind: str) -> str:
    """The letter's name as the history and the ledger record it (in English, like every
    reason the services write)."""
    with translation.override("en"):
        return str(LetterKind(kind).label)


def _record(
    *,
    case: Case,
    kind: LetterKind,
    actor: Actor,
    issued_at: datetime,
    reasons: str = "",
    expected_by: date | None = None,
    agreed: Sequence[dict[str, str]] = (),
    agreed_summary: str = "",
) -> tuple[RegulatoryLetter, bool]:
    """Render and store the letter, record its event and queue it to the customer; (letter,
    created). The same text again (a double submit) is the letter already stored, with no
    second effect."""
    subject, body = regulatory_letter_render(
        case=case,
        kind=kind,
        issued=letter_today(case, at=issued_at),
        reasons=reasons,
        expected_by=expected_by,
        agreed=agreed,
        agreed_summary=agreed_summary,
    )
    digest = text_sha256(body)
    existing = RegulatoryLetter.objects.filter(case=case, sha256=digest).first()
    if existing is not None:
        return existing, False
    letter = RegulatoryLetter.objects.create(
        case=case,
        kind=kind,
        regime=case_regime(case),
        locale=case.complainant_locale,
        reasons=reasons,
        expected_by=expected_by,
        subject=subject,
        body=body,
        sha256=digest,
        issued_by=actor_user(actor),
        issued_at=issued_at,
    )
    case_event_record(
        case=case,
        type=CaseEventType.LETTER_ISSUED,
        actor=actor,
        reason=f"{_record_name(kind)} (sha256 {digest[:12]})",
        data={
            "letter": letter.pk,
            "kind": kind.value,
            "sha256": digest,
            **({"expected_by": expected_by.isoformat()} if expected_by else {}),
        },
    )
    notification_queue(
        case=case,
        kind="case.letter",
        cause=f"letter-{letter.pk}",
        actor=actor,
        context={"letter_id": letter.pk, "subject": subject, "body": body},
    )
    return letter, True


def _save_columns(case: Case, before: tuple[Any, ...], *, actor: Actor, reason: str) -> None:
    """Save the case when meeting clocks moved its due-date columns (one history row)."""
    after = (case.next_due_at, case.final_response_due_at)
    if after != before:
        stamp(case, actor=actor, reason=reason)
        case.save()


@staff_write("letter:regulatory", may=may_issue_regulatory_letter, denied=DENIED)
def regulatory_letter_issue(
    *,
    case: Case,
    actor: Any,
    kind: str,
    reasons: str,
    expected_by: date | None,
) -> RegulatoryLetter:
    """Send the letter that defers the final response of `case`: a holding reply (FCA payment
    services within 15 business days; the CFPB's "in progress" reply) or a delay notice
    (MiCA when the 2 months cannot be met; the FCA's 8-week letter, which also states the
    Financial Ombudsman Service rights).

    Rules: only a team lead on a case within reach, never recused; the case is a complaint
    whose regime takes this kind of letter (`holding_reply_letter` by regime and category);
    the exchange has not answered finally and the case has not ended; the reasons are
    written; `expected_by` (the date the customer will have the final response, a local date
    of the jurisdiction) is after today and not after the regime's outer limit
    (`extended_final_due`) where one exists.

    In one transaction: the letter stored with the SHA-256 of its text; the deadlines this
    kind of letter meets stopped (`Deadline.met_by`); the final-response clock's `extended_to`
    set to the end of `expected_by` (its due time stays the regulator's); the events
    LETTER_ISSUED and DEADLINE_EXTENDED; the customer sent the letter and the new date (email
    and portal, after commit). The same letter again (a double submit) returns the stored one.

    Raises PermissionDeniedError (not a lead, out of reach, recused), ApplicationError (bad
    input; `extra["errors"]` names the field) or ConflictError (the case is past the point
    where its answer can be deferred).
    """
    if not may_issue_regulatory_letter(actor, case):
        raise PermissionDeniedError(str(DENIED))
    if kind not in DEFERRING_KINDS:
        raise _error("kind", _("Choose a holding reply or a delay notice."))
    kind = LetterKind(kind)
    reasons = (reasons or "").strip()
    if not reasons:
        raise _error("reasons", _("Write the reasons for the delay."))
    if len(reasons) > REASONS_MAX_LENGTH:
        raise _error(
            "reasons", _("Keep the reasons under %(n)s characters.") % {"n": REASONS_MAX_LENGTH}
        )
    if not isinstance(expected_by, date) or isinstance(expected_by, datetime):
        raise _error("expected_by", _("Give the date by which the customer will have our answer."))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        allowed = deferring_letter(locked)
        if allowed is None:
            raise _error(
                "kind",
                _("This case runs under no regulator's deadline: it takes no such letter."),
            )
        if kind != allowed:
            raise _error(
                "kind",
                _("Under %(regime)s this complaint takes a %(allowed)s, not a %(kind)s.")
                % {
                    "regime": Regime(locked.regime).label,
                    "allowed": allowed.label.lower(),
                    "kind": kind.label.lower(),
                },
            )
        if locked.state not in DEFERRING_STATES:
            raise ConflictError(
                _("No %(kind)s can be sent while the case is '%(state)s'.")
                % {"kind": kind.label.lower(), "state": CaseState(locked.state).label},
                extra={"state": locked.state},
            )
        now = timezone.now()
        today = letter_today(locked, at=now)
        if expected_by <= today:
            raise _error("expected_by", _("Give a date after today."))
        limit = expected_by_limit(locked)
        if limit is not None and expected_by > limit:
            shown = letter_date(limit, translation.get_language() or "en")
            raise _error(
                "expected_by",
                _("The rules allow a date up to %(limit)s at the latest.") % {"limit": shown},
            )
        letter, created = _record(
            case=locked,
            kind=kind,
            actor=actor,
            issued_at=now,
            reasons=reasons,
            expected_by=expected_by,
        )
        if not created:
            return letter
        met = [d.kind for d in case_deadlines(locked) if kind in d.met_by]
        told = end_of_local_day(expected_by, case_jurisdiction(locked).time_zone)
        # The date the customer was told, on the clock it concerns: the running final-response
        # clock, else the one an earlier letter met (a second FCA 8-week letter moves the date
        # again). Set before the clocks this letter meets stop.
        final = (
            CaseClock.objects.filter(case=locked, kind=ClockKind.REG_FINAL)
            .order_by(F("met_at").desc(nulls_first=True), "-id")
            .values_list("pk", flat=True)
            .first()
        )
        if final is not None:
            CaseClock.objects.filter(pk=final).update(extended_to=told)
        before = (locked.next_due_at, locked.final_response_due_at)
        if met:
            clocks_meet(case=locked, kinds=met, by=f"letter:{kind.value}", at=now)
        _save_columns(locked, before, actor=actor, reason=f"{_record_name(kind)} sent")
        case_event_record(
            case=locked,
            type=CaseEventType.DEADLINE_EXTENDED,
            actor=actor,
            reason=reasons[:500],
            data={
                "clock": ClockKind.REG_FINAL.value,
                "letter": letter.pk,
                "expected_by": expected_by.isoformat(),
                "extended_to": told.isoformat(),
                "met": [str(k) for k in met],
            },
        )
        notification_queue(
            case=locked,
            kind="case.deadline_extended",
            cause=f"letter-{letter.pk}-extended",
            actor=actor,
            context={"expected_date": expected_by.isoformat(), "reasons": reasons},
        )
    return letter


# --- the summary resolution communication (FCA DISP 1.5) ------------------------------------


def summary_resolution_due(case: Case, *, at: datetime | None = None) -> bool:
    """Whether a complaint resolved now gets a summary resolution communication: an FCA
    complaint, before the end of the third business day after the day of receipt."""
    if case_regime(case) != Regime.FCA:
        return False
    until = summary_resolution_until(
        jurisdiction=case_jurisdiction(case), received_at=case.received_at
    )
    return until is not None and (at or timezone.now()) < until


def _agreed(offer: ResolutionOffer | None) -> list[dict[str, str]]:
    """The accepted offer's actions as the letter lists them (labels in the active language)."""
    if offer is None:
        return []
    lines = []
    for action in offer.actions.all():
        amount = ""
        if action.amount is not None and action.asset is not None:
            amount = f"{amount_display(action.amount, decimals=action.asset.decimals)} "
            amount += action.asset.code
        lines.append(
            {"label": str(ActionKind(action.kind).label), "amount": amount, "detail": action.detail}
        )
    return lines


def summary_resolution_send(*, case: Case, at: datetime | None = None) -> RegulatoryLetter | None:
    """The customer accepted the exchange's offer: under the FCA, within three business days of
    receipt, write the summary resolution communication (DISP 1.5.4) — the complaint is
    resolved, what was agreed, and the right to refer to the Financial Ombudsman Service
    within 6 months — and stop the regulator's clocks with it. Otherwise (another regime, too
    late, already written) nothing, and None.

    Runs inside the acceptance's transaction on the locked case, before it is saved (the
    caller saves the columns the clocks moved)."""
    now = at or timezone.now()
    if not summary_resolution_due(case, at=now):
        return None
    if RegulatoryLetter.objects.filter(case=case, kind=LetterKind.SUMMARY_RESOLUTION).exists():
        return None
    offer = (
        ResolutionOffer.objects.filter(case=case, state=OfferState.ACCEPTED)
        .prefetch_related("actions__asset")
        .order_by("-version")
        .first()
    )
    with translation.override(case.complainant_locale):
        agreed = _agreed(offer)
    letter, _created = _record(
        case=case,
        kind=LetterKind.SUMMARY_RESOLUTION,
        actor=SUMMARY_ACTOR,
        issued_at=now,
        agreed=agreed,
        agreed_summary=offer.summary if offer is not None else "",
    )
    clocks_meet(
        case=case,
        kinds=REGULATORY_CLOCKS,
        by=f"letter:{LetterKind.SUMMARY_RESOLUTION.value}",
        at=now,
    )
    return letter


__all__ = [
    "DEFERRING_KINDS",
    "DEFERRING_STATES",
    "SUMMARY_ACTOR",
    "case_deadlines",
    "case_jurisdiction",
    "case_regime",
    "deferring_letter",
    "expected_by_limit",
    "letter_today",
    "regulatory_letter_issue",
    "regulatory_letter_render",
    "summary_resolution_due",
    "summary_resolution_send",
]
