"""The one door through which a case changes state.

`case_transition` runs in one atomic block: lock the row, check the state the actor saw, the
transition's permission and conditions, apply the transition's inputs, run it, and save with
exactly one history row (actor and reason) and one `case.transition.<name>` event. Two actors
racing on one case cannot both win: the second waits for the lock, then finds the state moved
and gets a ConflictError; a stale instance saved outside this path fails the optimistic check
of ConcurrentTransitionMixin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from cases.enums import TERMINAL_STATES, CaseEventType, CaseState, ResponsibilityParty
from cases.models import Case
from cases.services.clocks import clocks_on_transition
from cases.services.consultations import consultations_lapse_for_case
from cases.services.events import case_event_record
from cases.services.recusal import staff_write_check
from cases.services.transition_effects import (
    TransitionEffect,
    after_close_unanswered,
    after_propose_resolution,
    after_record_acceptance,
    after_request_info,
    after_withdraw,
)
from complaints_site.common.actors import Actor, SystemActor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp


@dataclass(frozen=True)
class TransitionSpec:
    label: Any
    inputs: tuple[str, ...] = ()
    # Shown in red on the button: the transition ends the case or speaks for the exchange.
    dangerous: bool = False
    # Run inside the transition's transaction after the state changed and before the case is
    # saved: the messages and notifications that go with it (`transition_effects`).
    effect: TransitionEffect | None = None
    # Inputs that must be given every time the transition runs (never reused from last time).
    fresh_inputs: tuple[str, ...] = ()
    # Taken only through its own service, which prepares what it needs (an approved offer, the
    # customer's recorded answer, the actions carried out, the letter): not a button, and
    # `case_transition` refuses it unless that service calls (`by_service=True`).
    service: str = ""


TRANSITIONS: dict[str, TransitionSpec] = {
    "start_assessment": TransitionSpec(_("Start assessment")),
    "accept": TransitionSpec(_("Accept for investigation")),
    "reject_out_of_scope": TransitionSpec(
        _("Reject as out of scope"), ("out_of_scope_referral",), dangerous=True
    ),
    "request_info": TransitionSpec(
        _("Ask the customer for information"),
        ("info_request",),
        effect=after_request_info,
        fresh_inputs=("info_request",),
    ),
    "resume": TransitionSpec(_("Resume (customer answered)")),
    "determine_responsibility": TransitionSpec(
        _("Record responsibility finding"),
        ("responsibility", "responsibility_rationale", "responsibility_evidence"),
    ),
    "propose_resolution": TransitionSpec(
        _("Offer sent to the customer"),
        effect=after_propose_resolution,
        service="cases.services.offers.offer_send",
    ),
    "record_acceptance": TransitionSpec(
        _("Customer accepted the proposal"),
        effect=after_record_acceptance,
        service="cases.services.offers.offer_decide",
    ),
    "record_rejection": TransitionSpec(
        _("Customer rejected the proposal"), service="cases.services.offers.offer_decide"
    ),
    "start_execution": TransitionSpec(
        _("Start execution"), service="cases.services.execution.execution_start"
    ),
    "complete_execution": TransitionSpec(
        _("Execution complete"), service="cases.services.execution.execution_settle"
    ),
    "issue_final_response": TransitionSpec(
        _("Issue final response"),
        ("final_response_text",),
        dangerous=True,
        service="cases.services.letters.letter_issue",
    ),
    "refer_to_arbitration": TransitionSpec(_("Refer to arbitration")),
    "reopen": TransitionSpec(_("Reopen")),
    "reinvestigate": TransitionSpec(_("Investigate again")),
    "close": TransitionSpec(_("Close"), dangerous=True),
    "close_unanswered": TransitionSpec(
        _("Close: the customer did not answer"),
        dangerous=True,
        effect=after_close_unanswered,
    ),
    "withdraw": TransitionSpec(
        _("Customer withdrew the complaint"), dangerous=True, effect=after_withdraw
    ),
}


def _method(case: Case, name: str):
    if name not in TRANSITIONS:
        raise ApplicationError(
            _("Unknown transition '%(name)s'.") % {"name": name},
            extra={"errors": {"transition": [_("Unknown.")]}},
        )
    return getattr(case, name)


def _validate_inputs(name: str, data: dict[str, Any]) -> dict[str, str]:
    allowed = TRANSITIONS[name].inputs
    unexpected = sorted(set(data) - set(allowed))
    if unexpected:
        raise ApplicationError(
            _("These fields do not belong to this transition: %(f)s")
            % {"f": ", ".join(unexpected)},
            extra={"errors": {f: [_("Not accepted here.")] for f in unexpected}},
        )
    cleaned: dict[str, Any] = {
        k: str(v).strip() for k, v in data.items() if k != "responsibility_evidence"
    }
    if "responsibility_evidence" in data:
        cleaned["responsibility_evidence"] = evidence_ids_clean(data["responsibility_evidence"])
    party = cleaned.get("responsibility")
    if party is not None and party not in ResponsibilityParty.values:
        raise ApplicationError(
            _("Unknown responsibility party."),
            extra={"errors": {"responsibility": [_("Not one of the listed parties.")]}},
        )
    return cleaned


def evidence_ids_clean(value: Any) -> list[int]:
    """The cited evidence ids as a sorted list of distinct integers; ApplicationError if any
    is not a positive integer. (Whether they belong to the case is the transition's condition.)"""
    items = value if isinstance(value, list | tuple | set) else [value]
    ids = set()
    for item in items:
        text = str(item).strip()
        if not text.isdigit() or int(text) <= 0:
            raise ApplicationError(
                _("Cite evidence items by their number."),
                extra={"errors": {"responsibility_evidence": [_("Not an evidence item.")]}},
            )
        ids.add(int(text))
    return sorted(ids)


def _holds_permission(method: Any, user: Any) -> bool:
    """The transition's own permission only. (django-fsm-2's `has_transition_perm` also checks
    conditions, which would hide transitions whose conditions depend on their inputs.)"""
    meta = method._django_fsm
    instance = method.__self__
    return meta.has_transition_perm(instance, meta.field.get_state(instance), user)


def _capability_allows(method: Any, user: Any) -> bool:
    """The transition's permission, whatever the current state (every source of one transition
    shares its permission)."""
    meta = method._django_fsm
    permissions = {t.permission for t in meta.transitions.values()}
    return all(p is None or p(method.__self__, user) for p in permissions)


def _available(case: Case, name: str, user: Any) -> bool:
    """The transition may run from the case's current state, and this user holds its permission.

    Not a policy: it reads the state machine (which transitions leave this state); the "who"
    half is the access policy the transition declares (`cases.policies.access.may_run`).

    Conditions that depend on the transition's inputs are checked when it runs.
    """
    method = _method(case, name)
    return can_proceed(method, check_conditions=False) and _holds_permission(method, user)


def available_transitions(*, case: Case, user: Any) -> list[str]:
    """The transitions this user may run on this case now as buttons, in lifecycle order
    (those taken through their own service have their own forms)."""
    return [
        name
        for name in TRANSITIONS
        if not TRANSITIONS[name].service and _available(case, name, user)
    ]


def _precheck(case: Case, transition: str, actor: Actor, expected_state: str | None) -> None:
    """The permission and state checks of `case_transition`, before its recusal check, on the
    case as stored now (the caller's instance may be older)."""
    case = Case.objects.get(pk=case.pk)
    method = getattr(case, transition)
    if not _capability_allows(method, actor):
        raise PermissionDeniedError(_("You may not run this transition on this case."))
    if expected_state is not None and case.state != expected_state:
        raise ConflictError(
            _("The case changed meanwhile: it is now '%(state)s'. Reload and retry.")
            % {"state": CaseState(case.state).label},
            extra={"state": case.state},
        )
    if not can_proceed(method, check_conditions=False):
        raise ConflictError(
            _("'%(t)s' is not possible while the case is '%(state)s'.")
            % {"t": TRANSITIONS[transition].label, "state": CaseState(case.state).label},
            extra={"state": case.state},
        )


def case_transition(
    *,
    case: Case,
    transition: str,
    actor: Actor,
    reason: str,
    expected_state: str | None = None,
    by_service: bool = False,
    **data: Any,
) -> Case:
    """Run `transition` on `case` for `actor`, with a reason and the transition's inputs.

    `expected_state` is the state the actor saw; if it moved meanwhile the call is a conflict.
    A SystemActor (a task, the intake of a customer's reply) is trusted code and skips the
    staff permission check, not the state and condition checks.

    A transition with a `service` (TRANSITIONS) runs only when that service calls, with
    `by_service=True`; anyone else gets an ApplicationError naming where it is done.

    Raises ApplicationError (bad input, unmet condition), PermissionDeniedError (the actor may
    not run it) or ConflictError (not possible in the current state, or someone acted first).
    Returns the updated case.
    """
    if not (reason or "").strip():
        raise ApplicationError(
            _("A reason is required."), extra={"errors": {"reason": [_("Required.")]}}
        )
    _method(case, transition)
    inputs = _validate_inputs(transition, data)
    for field in TRANSITIONS[transition].fresh_inputs:
        # Asked anew each time: a second request must not resend the first question.
        inputs.setdefault(field, "")
    if not isinstance(actor, SystemActor):
        # Permission and state first, on the case as the caller has it: only an attempt by
        # someone who may make it, now, reaches the recusal ledger (an auditor's POST or a
        # transition the state does not allow leaves no row). Both are checked again under
        # the lock below, where the state may have moved meanwhile.
        _precheck(case, transition, actor, expected_state)
        # Recusal next, in its own transaction: a refused attempt stays on the record.
        staff_write_check(case=case, actor=actor, act=f"transition:{transition}")
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            from_state = locked.state
            if expected_state is not None and from_state != expected_state:
                raise ConflictError(
                    _("The case changed meanwhile: it is now '%(state)s'. Reload and retry.")
                    % {"state": CaseState(from_state).label},
                    extra={"state": from_state},
                )
            method = getattr(locked, transition)
            # Permission first: someone who may never run this act learns nothing about
            # whether it would be possible now.
            if not isinstance(actor, SystemActor) and not _capability_allows(method, actor):
                raise PermissionDeniedError(_("You may not run this transition on this case."))
            if not can_proceed(method, check_conditions=False):
                raise ConflictError(
                    _("'%(t)s' is not possible while the case is '%(state)s'.")
                    % {"t": TRANSITIONS[transition].label, "state": CaseState(from_state).label},
                    extra={"state": from_state},
                )
            if TRANSITIONS[transition].service and not by_service:
                raise ApplicationError(
                    _("'%(t)s' is done through its own page, not as a button.")
                    % {"t": TRANSITIONS[transition].label},
                    extra={"service": TRANSITIONS[transition].service},
                )
            for field, value in inputs.items():
                setattr(locked, field, value)
            meta = method._django_fsm
            unmet = [
                str(getattr(c, "message", c.__name__))
                for c in meta.get_transition(from_state).conditions
                if not c(locked)
            ]
            if unmet:
                raise ApplicationError(" ".join(unmet), extra={"errors": {"conditions": unmet}})
            method()
            case_event_record(
                case=locked,
                type=CaseEventType.for_transition(transition),
                actor=actor,
                reason=reason.strip(),
                from_state=from_state,
                to_state=locked.state,
                data=inputs,
            )
            # Before the save: an effect may set fields (the first-response time of a question
            # to the customer), which go into the transition's one history row.
            effect = TRANSITIONS[transition].effect
            if effect is not None:
                effect(case=locked, actor=actor, from_state=from_state, inputs=inputs)
            # Steps and clocks: the old step ends, the new one starts, targets pause, resume
            # or are met; the case's due-date columns follow in the same save.
            clocks_on_transition(case=locked, from_state=from_state)
            stamp(locked, actor=actor, reason=reason.strip())
            locked.save()
            if locked.state in TERMINAL_STATES:
                # Departments consulted on the case lose their access with it.
                consultations_lapse_for_case(case=locked, actor=actor)
    except (ConcurrentTransition, TransitionNotAllowed) as exc:
        raise ConflictError(_("The case changed meanwhile. Reload and retry.")) from exc
    return locked
