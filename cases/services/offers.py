"""Step 5: the resolution offer, from draft to the customer's answer (docs/resolution.md).

    draft --submit--> awaiting approval --approvals complete--> approved --send--> sent
      ^  (no approval needed: straight to approved)   |refuse                 |accept/reject/expire
      +---------------- edit (voids approvals) <------ refused                accepted | rejected

The handler drafts an offer (actions with exact amounts, valued in US dollars at the
exchange's prices, compared with similar earlier cases). Submitting it asks for the approvals
its value requires (`RESOLUTION_APPROVAL_TIERS`); approvers are never the proposer and never
recused from the case. Once approved, the proposer sends it, which is the case's
`propose_resolution` transition: from then on the terms are frozen and the customer answers in
the portal, through the API, through the signed link of the email, or by another way that staff
record citing the message it came in. An accepted offer is carried out by
`cases.services.execution`, queued after commit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.enums import (
    EXECUTED_ACTION_KINDS,
    MONEY_ACTION_KINDS,
    ActionKind,
    ApprovalDecision,
    CaseEventType,
    CaseState,
    DecisionChannel,
    OfferOutcome,
    OfferState,
)
from cases.lib.money import AmountError, amount_parse, usd_round
from cases.models import (
    Asset,
    Case,
    CaseEvent,
    Message,
    OfferAction,
    OfferApproval,
    ResolutionOffer,
)
from cases.models.resolution import UNSENT
from cases.policies.access import may_run
from cases.policies.approvals import (
    approval_tier_for,
    approvals_complete,
    approver_capacities,
    may_approve_offer,
)
from cases.selectors.resolution import departs_from, precedents_for
from cases.services.events import case_event_record
from cases.services.jobs import task_enqueue
from cases.services.lifecycle import case_transition
from cases.services.money import usd_rates
from cases.services.notifications import notification_queue
from cases.services.recusal import staff_write, staff_write_check
from complaints_site.common.actors import Actor, SystemActor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp

# States of the case in which an offer may be prepared.
PROPOSING_STATES = (CaseState.RESPONSIBILITY_DETERMINED, CaseState.PROPOSAL_REJECTED)
MAX_ACTIONS = 10
EXPIRY_ACTOR = SystemActor("task:offers_expire_sweep")


@dataclass(frozen=True)
class ActionDraft:
    """One action as the proposer enters it; the amount is text or Decimal, never a float."""

    kind: str
    asset: str = ""
    amount: Any = None
    detail: str = ""
    target_reference: str = ""


@dataclass(frozen=True)
class OfferTerms:
    summary: str
    outcome: str
    actions: Sequence[ActionDraft]
    justification: str = ""


def customer_actor(channel: str) -> SystemActor:
    """How the customer's own answer is recorded: `system:customer:<channel>`."""
    return SystemActor(f"customer:{channel}")


def _may_propose(user: Any, case: Case) -> bool:
    return may_run(user, case, "cases.propose_resolution")


def _error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"errors": {field: [message]}})


def _clean_actions(drafts: Sequence[ActionDraft]) -> list[tuple[ActionDraft, Asset | None, Any]]:
    """Each action checked: kind, asset and amount with the asset's precision, what each kind
    needs written. Raises ApplicationError naming the action (1-based) and the field."""
    if not drafts:
        raise _error("actions", _("An offer holds at least one action."))
    if len(drafts) > MAX_ACTIONS:
        raise _error("actions", _("An offer holds at most %(n)s actions.") % {"n": MAX_ACTIONS})
    kinds = [d.kind for d in drafts]
    if ActionKind.NO_ACTION in kinds and len(drafts) > 1:
        raise _error("actions", _("“No action” cannot be combined with other actions."))
    codes = {d.asset.strip().upper() for d in drafts if (d.asset or "").strip()}
    assets = {a.code: a for a in Asset.objects.filter(code__in=codes)}
    cleaned = []
    for n, draft in enumerate(drafts, start=1):
        where = f"actions.{n}"
        if draft.kind not in ActionKind.values:
            raise _error(where, _("Action %(n)s: unknown kind of action.") % {"n": n})
        detail = (draft.detail or "").strip()
        target = (draft.target_reference or "").strip()
        asset, amount = None, None
        if draft.kind in MONEY_ACTION_KINDS:
            code = (draft.asset or "").strip().upper()
            asset = assets.get(code)
            if asset is None or not asset.active:
                raise _error(
                    where, _("Action %(n)s: choose an asset the exchange pays in.") % {"n": n}
                )
            try:
                amount = amount_parse(draft.amount, decimals=asset.decimals, asset=asset.code)
            except AmountError as exc:
                raise _error(where, _("Action %(n)s: %(error)s") % {"n": n, "error": exc}) from exc
        elif draft.amount not in (None, ""):
            raise _error(where, _("Action %(n)s: this kind of action has no amount.") % {"n": n})
        if draft.kind == ActionKind.REVERSE_TRANSACTION and not target:
            raise _error(where, _("Action %(n)s: name the transaction to reverse.") % {"n": n})
        if (
            draft.kind
            in (
                ActionKind.NO_ACTION,
                ActionKind.SECURITY_ADVICE,
                ActionKind.TECHNICAL_SUPPORT,
            )
            and not detail
        ):
            raise _error(
                where, _("Action %(n)s: write the explanation or advice the user reads.") % {"n": n}
            )
        cleaned.append((ActionDraft(draft.kind, "", None, detail, target[:128]), asset, amount))
    return cleaned


def _apply_terms(*, offer: ResolutionOffer, terms: OfferTerms, actor: Actor) -> None:
    """Write the terms on an unsent offer: actions replaced, valued in dollars, compared with
    the precedents (a departure needs the justification)."""
    summary = (terms.summary or "").strip()
    if not summary:
        raise _error("summary", _("Write what is offered and why, as the customer will read it."))
    if terms.outcome not in OfferOutcome.values:
        raise _error("outcome", _("Say whether the complaint is upheld."))
    cleaned = _clean_actions(terms.actions)
    now = timezone.now()
    rates = usd_rates(assets={a for _, a, _ in cleaned if a is not None}, at=now)
    total = Decimal(0)
    values = []
    for _draft, asset, amount in cleaned:
        if amount is None:
            values.append((None, None))
            continue
        rate = rates[asset.code]
        value = usd_round(amount * rate.price)
        total += value
        values.append((value, rate.price))
    total = usd_round(total)
    case = offer.case
    precedents = [p.as_json() for p in precedents_for(case=case, usd_total=total)]
    departs = departs_from(precedents, total)
    justification = (terms.justification or "").strip()
    if departs and len(justification) < 20:
        raise _error(
            "justification",
            _(
                "This offer departs from similar earlier cases (none is comparable, or its "
                "value lies outside theirs): justify it in at least 20 characters."
            ),
        )
    offer.summary = summary
    offer.outcome = terms.outcome
    offer.usd_total = total
    offer.usd_valued_at = now
    offer.usd_rates = {code: rate.as_json() for code, rate in rates.items()}
    offer.precedents = precedents
    offer.departs_from_precedent = departs
    offer.justification = justification
    stamp(offer, actor=actor, reason=f"Offer v{offer.version} terms")
    offer.save()
    for old in offer.actions.all():
        stamp(old, actor=actor, reason="Replaced by an edit of the offer")
        old.delete()
    for position, ((draft, asset, amount), (value, rate)) in enumerate(
        zip(cleaned, values, strict=True), start=1
    ):
        action = OfferAction(
            offer=offer,
            position=position,
            kind=draft.kind,
            asset=asset,
            amount=amount,
            usd_value=value,
            usd_rate=rate,
            detail=draft.detail,
            target_reference=draft.target_reference,
        )
        stamp(action, actor=actor, reason=f"Offer v{offer.version}")
        action.save()


@staff_write(
    "offer:draft", may=_may_propose, denied=_("You may not propose a resolution on this case.")
)
def offer_draft(*, case: Case, actor: Any, terms: OfferTerms) -> ResolutionOffer:
    """A new offer version in draft. The case must be at the finding or after a rejection,
    with no other offer open. Raises ApplicationError (bad terms), ConflictError."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state not in PROPOSING_STATES:
            raise ConflictError(
                _("An offer is prepared after the responsibility finding or a rejection.")
            )
        if ResolutionOffer.objects.filter(
            case=locked, state__in=[*UNSENT, OfferState.SENT]
        ).exists():
            raise ConflictError(_("This case already has an open offer: change that one."))
        last = ResolutionOffer.objects.filter(case=locked).order_by("-version").first()
        offer = ResolutionOffer(
            case=locked,
            version=(last.version + 1) if last else 1,
            proposer=actor,
            summary=".",
            outcome=OfferOutcome.UPHELD,
        )
        stamp(offer, actor=actor, reason="Offer drafted")
        offer.save()
        _apply_terms(offer=offer, terms=terms, actor=actor)
        case_event_record(
            case=locked,
            type=CaseEventType.OFFER_DRAFTED,
            actor=actor,
            data={"offer": offer.pk, "version": offer.version, "usd_total": str(offer.usd_total)},
        )
    return offer


def _offer_case(kwargs: dict[str, Any]) -> Case:
    return kwargs["offer"].case


@staff_write(
    "offer:edit",
    case_of=_offer_case,
    may=lambda user, case: _may_propose(user, case),
    denied=_("You may not change offers on this case."),
)
def offer_edit(*, offer: ResolutionOffer, actor: Any, terms: OfferTerms) -> ResolutionOffer:
    """Change an unsent offer's terms. Approvals given so far stop counting (a new round) and
    the offer goes back to draft. Raises ConflictError once it is sent."""
    with transaction.atomic():
        locked = ResolutionOffer.objects.select_for_update().select_related("case").get(pk=offer.pk)
        if locked.state not in UNSENT:
            raise ConflictError(_("A sent offer never changes: make a new version instead."))
        voided = locked.approvals.filter(round=locked.approval_round).count()
        locked.edit()
        _apply_terms(offer=locked, terms=terms, actor=actor)
        case_event_record(
            case=locked.case,
            type=CaseEventType.OFFER_EDITED,
            actor=actor,
            data={"offer": locked.pk, "version": locked.version, "approvals_voided": voided},
        )
    return locked


@staff_write(
    "offer:submit",
    case_of=_offer_case,
    may=lambda user, case: _may_propose(user, case),
    denied=_("You may not submit offers on this case."),
)
def offer_submit(*, offer: ResolutionOffer, actor: Any) -> ResolutionOffer:
    """Ask for the approvals the offer's dollar value requires; an offer below every tier is
    approved at once. Raises ConflictError unless it is a draft."""
    with transaction.atomic():
        locked = ResolutionOffer.objects.select_for_update().select_related("case").get(pk=offer.pk)
        if locked.state != OfferState.DRAFT:
            raise ConflictError(_("Only a draft offer is submitted."))
        tier = approval_tier_for(locked.usd_total)
        locked.approval_tier = tier.name
        locked.approvals_required = tier.approvals
        locked.approval_roles = list(tier.roles)
        if tier.approvals:
            locked.submit()
            reason = f"Submitted for approval ({tier.name})"
        else:
            locked.approve()
            reason = "Needs no approval"
        stamp(locked, actor=actor, reason=reason)
        locked.save()
        case_event_record(
            case=locked.case,
            type=CaseEventType.OFFER_SUBMITTED if tier.approvals else CaseEventType.OFFER_APPROVED,
            actor=actor,
            reason=reason,
            data={
                "offer": locked.pk,
                "version": locked.version,
                "usd_total": str(locked.usd_total),
                "tier": tier.name,
                "approvals": tier.approvals,
                "roles": list(tier.roles),
            },
        )
    return locked


def _changed_by(*, offer: ResolutionOffer, actor: Any) -> bool:
    """Whether `actor` changed the terms of `offer` at some point (its edit events)."""
    return CaseEvent.objects.filter(
        case_id=offer.case_id,
        type=CaseEventType.OFFER_EDITED,
        actor_id=actor.pk,
        data__offer=offer.pk,
    ).exists()


def offer_review(
    *, offer: ResolutionOffer, actor: Any, decision: str, reason: str
) -> ResolutionOffer:
    """An approver approves or refuses the offer, with a reason. Never the proposer nor anyone
    who changed its terms, never someone recused from the case (the check is recorded); once
    per person and round. When the approvals the tier requires are complete the offer is
    approved (the proposer then sends it); a refusal returns it to the proposer.

    Raises PermissionDeniedError, ApplicationError (no reason), ConflictError (not awaiting
    approval, or already answered by this person in this round).
    """
    if decision not in ApprovalDecision.values:
        raise _error("decision", _("Approve or refuse."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise _error("reason", _("Give a reason for your decision."))
    case = offer.case
    if not may_approve_offer(actor, proposer_id=offer.proposer_id):
        raise PermissionDeniedError(
            _("You proposed this offer: another person must approve it.")
            if actor.pk == offer.proposer_id
            else _("You may not approve offers.")
        )
    if _changed_by(offer=offer, actor=actor):
        # Four eyes covers whoever wrote the terms, not only whoever drafted the offer first.
        raise PermissionDeniedError(_("You changed this offer: another person must approve it."))
    staff_write_check(case=case, actor=actor, act="offer:approve")
    with transaction.atomic():
        locked = ResolutionOffer.objects.select_for_update().select_related("case").get(pk=offer.pk)
        if locked.state != OfferState.AWAITING_APPROVAL:
            raise ConflictError(_("This offer is not awaiting approval (it changed meanwhile)."))
        if locked.approvals.filter(round=locked.approval_round, approver=actor).exists():
            raise ConflictError(_("You have already answered this version of the offer."))
        capacities = approver_capacities(actor)
        OfferApproval.objects.create(
            offer=locked,
            round=locked.approval_round,
            approver=actor,
            decision=decision,
            capacities=capacities,
            reason=reason,
        )
        data = {"offer": locked.pk, "version": locked.version, "capacities": capacities}
        if decision == ApprovalDecision.REFUSED:
            locked.refuse()
            stamp(locked, actor=actor, reason=f"Refused: {reason}")
            locked.save()
            case_event_record(
                case=locked.case,
                type=CaseEventType.OFFER_REFUSED,
                actor=actor,
                reason=reason,
                data=data,
            )
            return locked
        given = [
            (a.approver_id, a.capacities)
            for a in locked.approvals.filter(
                round=locked.approval_round, decision=ApprovalDecision.APPROVED
            )
        ]
        complete = approvals_complete(
            required=locked.approvals_required,
            required_roles=locked.approval_roles,
            approvals=given,
        )
        if complete:
            locked.approve()
            stamp(locked, actor=actor, reason=f"Approved: {reason}")
            locked.save()
        case_event_record(
            case=locked.case,
            type=CaseEventType.OFFER_APPROVED,
            actor=actor,
            reason=reason,
            data={**data, "complete": complete},
        )
    return locked


@staff_write(
    "offer:discard",
    case_of=_offer_case,
    may=lambda user, case: _may_propose(user, case),
    denied=_("You may not change offers on this case."),
)
def offer_discard(*, offer: ResolutionOffer, actor: Any, reason: str) -> ResolutionOffer:
    """Drop an unsent offer (a new version may be drafted instead)."""
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", _("Say why the offer is dropped."))
    with transaction.atomic():
        locked = ResolutionOffer.objects.select_for_update().select_related("case").get(pk=offer.pk)
        if locked.state not in UNSENT:
            raise ConflictError(_("Only an offer that was never sent can be dropped."))
        locked.discard()
        stamp(locked, actor=actor, reason=reason)
        locked.save()
        case_event_record(
            case=locked.case,
            type=CaseEventType.OFFER_DISCARDED,
            actor=actor,
            reason=reason,
            data={"offer": locked.pk, "version": locked.version},
        )
    return locked


@staff_write(
    "offer:send",
    case_of=_offer_case,
    may=lambda user, case: _may_propose(user, case),
    denied=_("You may not send offers on this case."),
)
def offer_send(*, offer: ResolutionOffer, actor: Any) -> Case:
    """Put the approved offer to the customer: the case's `propose_resolution` transition,
    whose effect freezes the terms and tells the customer. Raises what `case_transition`
    raises (an unapproved offer fails its condition)."""
    return case_transition(
        case=offer.case,
        transition="propose_resolution",
        actor=actor,
        reason=f"Offer v{offer.version} sent to the customer",
        by_service=True,
    )


def _staff_source(*, case: Case, source: str) -> str:
    """`message:<id>` of this case: where the customer gave the answer staff record."""
    kind, _sep, pk = (source or "").partition(":")
    if (
        kind == "message"
        and pk.isdigit()
        and Message.objects.filter(case=case, pk=int(pk)).exists()
    ):
        return f"message:{int(pk)}"
    raise _error(
        "source",
        _("Cite the message or note of this case in which the customer gave this answer."),
    )


def offer_decide(
    *,
    offer: ResolutionOffer,
    accept: bool,
    channel: str,
    actor: Actor,
    reason: str = "",
    source: str = "",
) -> ResolutionOffer:
    """Record the customer's answer to a sent offer, once.

    `channel` is how it came: the portal, the API or the email link (the customer's own
    answer; `actor` is then `customer_actor(channel)`), or staff recording an answer given
    another way, who must cite the message or note it came in (`source`). The same answer
    again is harmless and returns the offer as it is; a different one, or an answer to an
    expired or superseded offer, is a ConflictError. An acceptance queues the execution after
    commit.
    """
    if channel not in DecisionChannel.values or channel == DecisionChannel.EXPIRY:
        raise _error("channel", _("Unknown channel."))
    reason = (reason or "").strip()
    case = offer.case
    if channel == DecisionChannel.STAFF:
        if not may_run(actor, case, "cases.record_customer_decision"):
            raise PermissionDeniedError(_("You may not record the customer's answer."))
        source = _staff_source(case=case, source=source)
        staff_write_check(case=case, actor=actor, act="offer:record_answer")
    elif not isinstance(actor, SystemActor):
        raise PermissionDeniedError(_("Only the customer answers through this channel."))
    if not accept and not reason:
        raise _error("reason", _("Tell us why you reject the offer."))
    wanted = OfferState.ACCEPTED if accept else OfferState.REJECTED
    with transaction.atomic():
        locked = ResolutionOffer.objects.select_for_update().select_related("case").get(pk=offer.pk)
        if locked.state == wanted:
            return locked
        if locked.state in (OfferState.ACCEPTED, OfferState.REJECTED):
            raise ConflictError(
                _("This offer was already %(answer)s.")
                % {"answer": OfferState(locked.state).label.lower()}
            )
        if locked.state != OfferState.SENT:
            raise ConflictError(
                _("This offer is no longer open (%(state)s).")
                % {"state": OfferState(locked.state).label}
            )
        if locked.expires_at and locked.expires_at <= timezone.now():
            raise ConflictError(_("This offer expired; the handler will contact you."))
        locked.accept() if accept else locked.reject()
        locked.decision_channel = channel
        locked.decision_reason = reason
        if channel == DecisionChannel.STAFF:
            locked.decision_recorded_by = actor
            locked.decision_source = source
        label = "accepted" if accept else "rejected"
        stamp(locked, actor=actor, reason=f"Customer {label} ({channel})")
        locked.save()
        case_transition(
            case=locked.case,
            transition="record_acceptance" if accept else "record_rejection",
            actor=actor,
            reason=reason or f"Offer v{locked.version} {label} ({channel})",
            by_service=True,
        )
        notification_queue(
            case=locked.case,
            kind="case.decision_recorded",
            cause=f"offer-{locked.pk}-decision",
            actor=actor,
            context={"offer_id": locked.pk, "version": locked.version, "accepted": accept},
        )
        if accept:
            case_id = locked.case_id
            transaction.on_commit(
                lambda: task_enqueue("cases.tasks.execution_start", case_id), robust=True
            )
    return locked


def offers_expire_sweep(*, limit: int = 500) -> int:
    """Hand back every sent offer past its deadline: the offer expires (the customer is told)
    and the case goes to `proposal_rejected`, where the handler revises the offer or issues the
    final response.
    Safe to run twice at once: each offer is taken under a lock, skipping locked rows."""
    now = timezone.now()
    due = list(
        ResolutionOffer.objects.filter(state=OfferState.SENT, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in due:
        with transaction.atomic():
            offer = (
                ResolutionOffer.objects.select_for_update(skip_locked=True)
                .select_related("case")
                .filter(pk=pk, state=OfferState.SENT)
                .first()
            )
            if offer is None:
                continue
            offer.expire()
            offer.decision_channel = DecisionChannel.EXPIRY
            stamp(offer, actor=EXPIRY_ACTOR, reason="Expired unanswered")
            offer.save()
            case_event_record(
                case=offer.case,
                type=CaseEventType.OFFER_EXPIRED,
                actor=EXPIRY_ACTOR,
                data={"offer": offer.pk, "version": offer.version},
            )
            notification_queue(
                case=offer.case,
                kind="case.offer_expired",
                cause=f"offer-{offer.pk}-expired",
                actor=EXPIRY_ACTOR,
                context={"offer_id": offer.pk, "version": offer.version},
            )
            # The case may have moved on otherwise (withdrawn): the offer still expired.
            with contextlib.suppress(ConflictError):
                case_transition(
                    case=offer.case,
                    transition="record_rejection",
                    actor=EXPIRY_ACTOR,
                    reason=f"Offer v{offer.version} expired unanswered",
                    expected_state=CaseState.RESOLUTION_PROPOSED,
                    by_service=True,
                )
                # Told only when the case went back to the handler (not when it had ended).
                notification_queue(
                    case=offer.case,
                    kind="case.offer_expired",
                    cause=f"offer-{offer.pk}-expired",
                    actor=EXPIRY_ACTOR,
                    context={"offer_id": offer.pk, "version": offer.version},
                )
            done += 1
    return done


__all__ = [
    "EXECUTED_ACTION_KINDS",
    "ActionDraft",
    "OfferTerms",
    "customer_actor",
    "offer_decide",
    "offer_discard",
    "offer_draft",
    "offer_edit",
    "offer_review",
    "offer_send",
    "offer_submit",
    "offers_expire_sweep",
]
