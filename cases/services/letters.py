"""The final response letter (docs/resolution.md): the exchange's last word, stored once with
its hash, emailed, shown in the portal and downloadable as PDF.

A team lead issues it when the exchange will say no more: after a rejected offer, or when
nothing is offered. The letter is written in the customer's language from a template
(`cases/letters/final_response.txt`): the case and its subject, the outcome, the reasons, the
evidence relied on (by name, as the items were named when the letter was issued), and the
referral rights of the case's regime with the date by which the customer must use them
(`cases.policies.regimes.referral_rights`: the Financial Ombudsman Service within 6 months under
the FCA, DISP 2.8.2; otherwise `ARBITRATION_REFERRAL_MONTHS` calendar months after the letter).
The letter is dated on the jurisdiction's calendar. Its text is stored with the
SHA-256 of its UTF-8 bytes in an append-only table, in the same transaction as the case's
`issue_final_response` transition; the PDF is made later from the stored text, never
rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.enums import CaseState, OfferOutcome
from cases.lib.business_time import local_date
from cases.lib.letters import letter_date, letter_text, text_sha256
from cases.lib.pdf import PdfSection, pdf_render
from cases.models import Case, Evidence, FinalResponseLetter, ResolutionOffer
from cases.models.resolution import UNSENT
from cases.policies.followup import may_issue_final_response
from cases.policies.regimes import referral_rights
from cases.services.lifecycle import case_transition
from cases.services.notifications import notification_queue
from cases.services.recusal import staff_write
from cases.services.regulatory_letters import case_jurisdiction, case_regime, letter_today
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)

# Where the exchange may give its last word (the `issue_final_response` transition's sources).
LETTER_STATES = (
    CaseState.INVESTIGATING,
    CaseState.RESPONSIBILITY_DETERMINED,
    CaseState.PROPOSAL_REJECTED,
)
REASONS_MAX_LENGTH = 20_000
MAX_EVIDENCE = 50
TEMPLATE = "cases/letters/final_response.txt"


def _error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"errors": {field: [message]}})


def arbitration_deadline(issued: date) -> date:
    """The last day to refer the dispute to arbitration: the letter's date plus
    ARBITRATION_REFERRAL_MONTHS calendar months (31 August + 6 months is 28 or 29 February)."""
    return issued + relativedelta(months=settings.ARBITRATION_REFERRAL_MONTHS)


def referral_deadline(case: Case, issued: date) -> date:
    """The last day the customer may refer the complaint after a final response dated
    `issued`: the regime's months (the FCA's 6, DISP 2.8.2; otherwise
    ARBITRATION_REFERRAL_MONTHS) after the letter."""
    return referral_rights(case_regime(case)).deadline(issued)


def _evidence_ids(value: Any) -> list[int]:
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    ids: list[int] = []
    for item in items:
        text = str(item).strip()
        if not text.isdigit() or int(text) <= 0:
            raise _error("evidence", _("Cite evidence items by their number."))
        if int(text) not in ids:
            ids.append(int(text))
    if not ids:
        raise _error("evidence", _("Cite at least one evidence item the decision relies on."))
    if len(ids) > MAX_EVIDENCE:
        raise _error("evidence", _("Cite at most %(n)s evidence items.") % {"n": MAX_EVIDENCE})
    return ids


def _cited(case: Case, ids: Iterable[int]) -> list[Evidence]:
    ids = list(ids)
    items = list(Evidence.objects.filter(case=case, pk__in=ids).order_by("created_at", "id"))
    if len(items) != len(ids):
        raise _error("evidence", _("Cite only evidence items of this case."))
    return items


def letter_render(
    *,
    case: Case,
    outcome: str,
    reasons: str,
    evidence: list[Evidence],
    issued: date,
) -> tuple[str, str, date, list[dict[str, Any]]]:
    """(subject, body, referral deadline, evidence as stored) of the letter, in the customer's
    language, `issued` being its date on the jurisdiction's calendar. The referral rights are
    the case's regime's (`referral_rights`), with their deadline. Pure: reads the case, the
    evidence given and the settings."""
    locale = case.complainant_locale
    regime = case_regime(case)
    deadline = referral_deadline(case, issued)
    cited = [{"id": item.pk, "name": item.original_name} for item in evidence]
    time_zone = case_jurisdiction(case).time_zone
    with translation.override(locale):
        rights = referral_rights(regime)
        subject = _("Final response to your complaint %(ref)s") % {"ref": case.reference}
        context = {
            "reference": case.reference,
            "subject": case.subject,
            "received": letter_date(local_date(case.received_at, time_zone), locale),
            "issued": letter_date(issued, locale),
            "outcome": str(OfferOutcome(outcome).label),
            "reasons": reasons,
            "evidence": [
                {
                    "name": item.original_name,
                    "kind": item.get_kind_display(),
                    "added": letter_date(local_date(item.created_at, time_zone), locale),
                }
                for item in evidence
            ],
            "regime": regime.value,
            "referral": rights.sentence(deadline=letter_date(deadline, locale)),
            "title": subject,
        }
        body = letter_text(render_to_string(TEMPLATE, context))
    return subject[:200], body, deadline, cited


@staff_write(
    "letter:issue",
    may=may_issue_final_response,
    denied=_("Only a team lead may issue the final response."),
)
def letter_issue(
    *,
    case: Case,
    actor: Any,
    outcome: str,
    reasons: str,
    evidence_ids: Any,
    expected_state: str | None = None,
) -> FinalResponseLetter:
    """Issue the final response letter of `case` and move the case to `final_response`.

    Rules: only a team lead (the `issue_final_response` capability, the case within reach,
    never recused) issues it; the case is under investigation, has a responsibility finding,
    or its offer was rejected, and no new offer is being prepared or approved; `outcome` is
    an OfferOutcome; `reasons` are written; at least one evidence item is cited and every
    cited item belongs to this case. The letter is stored once with its hash, the transition
    runs in the same transaction, and the customer is sent the letter by email and in the
    portal after commit. `expected_state` is the state the lead saw (a case that moved
    meanwhile is a conflict).

    Raises PermissionDeniedError (not a lead, out of reach, recused), ApplicationError (bad
    input; `extra["errors"]` names the field) or ConflictError (the case is not where a
    final response can be issued, or it moved meanwhile).
    """
    if not may_issue_final_response(actor, case):
        raise PermissionDeniedError(_("Only a team lead may issue the final response."))
    if outcome not in OfferOutcome.values:
        raise _error("outcome", _("Choose the outcome of the complaint."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise _error("reasons", _("Write the reasons for the decision."))
    if len(reasons) > REASONS_MAX_LENGTH:
        raise _error(
            "reasons",
            _("Keep the reasons under %(n)s characters.") % {"n": REASONS_MAX_LENGTH},
        )
    ids = _evidence_ids(evidence_ids)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if expected_state is not None and locked.state != expected_state:
            raise ConflictError(
                _("The case changed meanwhile: it is now '%(state)s'. Reload and retry.")
                % {"state": CaseState(locked.state).label},
                extra={"state": locked.state},
            )
        if locked.state not in LETTER_STATES:
            raise ConflictError(
                _("A final response cannot be issued while the case is '%(state)s'.")
                % {"state": CaseState(locked.state).label},
                extra={"state": locked.state},
            )
        pending = (
            ResolutionOffer.objects.filter(case=locked, state__in=UNSENT)
            .values_list("version", flat=True)
            .first()
        )
        if pending is not None:
            # An offer still in preparation or approval would be left hanging in the
            # approvers' queue: whoever prepares it drops it first, with a reason.
            raise ConflictError(
                _(
                    "Offer v%(version)s is still being prepared or approved: drop it before "
                    "issuing the final response."
                )
                % {"version": pending},
                extra={"offer_version": pending},
            )
        evidence = _cited(locked, ids)
        issued_at = timezone.now()
        subject, body, deadline, cited = letter_render(
            case=locked,
            outcome=outcome,
            reasons=reasons,
            evidence=evidence,
            issued=letter_today(locked, at=issued_at),
        )
        letter = FinalResponseLetter.objects.create(
            case=locked,
            locale=locked.complainant_locale,
            outcome=outcome,
            reasons=reasons,
            evidence=cited,
            arbitration_deadline=deadline,
            subject=subject,
            body=body,
            sha256=text_sha256(body),
            issued_by=actor,
            issued_at=issued_at,
        )
        updated = case_transition(
            case=locked,
            transition="issue_final_response",
            actor=actor,
            reason=f"Final response letter issued ({outcome}, sha256 {letter.sha256[:12]})",
            expected_state=locked.state,
            by_service=True,
            final_response_text=reasons,
        )
        notification_queue(
            case=updated,
            kind="case.final_response",
            cause=f"letter-{letter.pk}",
            actor=actor,
            context={
                "letter_id": letter.pk,
                "subject": letter.subject,
                "body": letter.body,
                "sha256": letter.sha256,
            },
        )
    return letter


def letter_filename(letter: FinalResponseLetter) -> str:
    """The PDF's file name: the case reference and the letter's date (ASCII only)."""
    return f"final-response-{letter.case.reference}-{letter.issued_at:%Y%m%d}.pdf"


def letter_pdf(*, letter: FinalResponseLetter) -> bytes:
    """The letter as PDF, made from its stored text and metadata only (never rendered again
    from the case), so it says what the hash seals; the same bytes on every download.

    The stored text's first block is its title (the subject); the other blocks, separated by
    blank lines, are the paragraphs of the letter; a table of the reference, the dates and
    the SHA-256 of the text follows. Raises PdfFontMissing when Chinese text meets a machine
    without a CJK font (docs/pdf.md)."""
    blocks = [block for block in letter.body.strip().split("\n\n") if block.strip()]
    if blocks and blocks[0].strip() == letter.subject.strip():
        blocks = blocks[1:]
    with translation.override(letter.locale):
        sections = [
            PdfSection(heading=_("Letter"), paragraphs=tuple(blocks)),
            PdfSection(
                heading=_("About this letter"),
                rows=(
                    (_("Case reference"), letter.case.reference),
                    (_("Issued (UTC)"), letter.issued_at.strftime("%Y-%m-%d %H:%M")),
                    (_("Last day to refer the complaint"), letter.arbitration_deadline.isoformat()),
                    (_("SHA-256 of the letter text"), letter.sha256),
                ),
            ),
        ]
        return pdf_render(
            title=letter.subject,
            sections=sections,
            created_at=letter.issued_at,
            author=str(_("Complaints team")),
            subject=letter.subject,
            footer=f"{letter.case.reference} · SHA-256 {letter.sha256}",
        )


__all__ = [
    "LETTER_STATES",
    "arbitration_deadline",
    "letter_date",
    "letter_filename",
    "letter_issue",
    "letter_pdf",
    "letter_render",
    "referral_deadline",
]
