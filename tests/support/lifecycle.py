"""How to reach each state through real transitions, and the inputs each transition needs."""

from cases.enums import CaseState as S

INPUTS = {
    "reject_out_of_scope": {"out_of_scope_referral": "Tax questions: contact your tax adviser."},
    "determine_responsibility": {
        "responsibility": "platform_system_fault",
        "responsibility_rationale": "The order log shows the matching engine stalled for 4 s.",
    },
    "request_info": {"info_request": "Please send the withdrawal's transaction id."},
    "issue_final_response": {"final_response_text": "We maintain our position; see findings."},
}

TO_INVESTIGATING = ["start_assessment", "accept"]
_TO_PROPOSED = [*TO_INVESTIGATING, "determine_responsibility", "propose_resolution"]
# An offer of advice only: accepted, nothing is left to carry out, so the case resolves at once.
_TO_RESOLVED = [*_TO_PROPOSED, "record_acceptance", "start_execution"]
# An offer with a refund: execution waits for the exchange.
_TO_EXECUTING = [
    *TO_INVESTIGATING,
    "determine_responsibility",
    ("propose_resolution", {"refund": "25"}),
    "record_acceptance",
    "start_execution",
]
_TO_FINAL = [*TO_INVESTIGATING, "issue_final_response"]

# Transitions taken through their own service (TRANSITIONS[name].service), which the walk runs
# the way the product does (`run_step`).
SERVICE_STEPS = {
    "propose_resolution",
    "record_acceptance",
    "record_rejection",
    "start_execution",
    "complete_execution",
    "issue_final_response",
}

PATHS = {
    S.RECEIVED: [],
    S.ASSESSING: ["start_assessment"],
    S.INVESTIGATING: TO_INVESTIGATING,
    S.AWAITING_CUSTOMER: [*TO_INVESTIGATING, "request_info"],
    S.RESPONSIBILITY_DETERMINED: [*TO_INVESTIGATING, "determine_responsibility"],
    S.RESOLUTION_PROPOSED: _TO_PROPOSED,
    S.PROPOSAL_REJECTED: [*_TO_PROPOSED, "record_rejection"],
    S.RESOLUTION_ACCEPTED: [*_TO_PROPOSED, "record_acceptance"],
    S.EXECUTING: _TO_EXECUTING,
    S.RESOLVED: _TO_RESOLVED,
    S.REOPENED: [*_TO_RESOLVED, "reopen"],
    S.FINAL_RESPONSE: _TO_FINAL,
    S.IN_ARBITRATION: [*_TO_FINAL, "refer_to_arbitration"],
    S.CLOSED: [*_TO_FINAL, "close"],
    S.WITHDRAWN: ["withdraw"],
    S.OUT_OF_SCOPE: ["start_assessment", "reject_out_of_scope"],
}


def path_to(state, *, via=None):
    """Steps reaching `state`; `via` picks where awaiting_customer was paused from."""
    if state == S.AWAITING_CUSTOMER and via == S.ASSESSING:
        return ["start_assessment", "request_info"]
    steps = []
    for step in PATHS[state]:
        name, inputs = (step, None) if isinstance(step, str) else step
        steps.append((name, inputs if inputs is not None else INPUTS.get(name, {})))
    return steps


def walker():
    """The staff member who proposes offers in walks: a superuser, created once."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="walker", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def advice_terms(*, refund=None, justification="No earlier case compares; first of its kind."):
    """Offer terms for walks: security advice, plus a refund in USDT (at par, so no price
    lookup) when `refund` is given."""
    from cases.services.offers import ActionDraft, OfferTerms

    actions = [ActionDraft(kind="security_advice", detail="Turn on two-factor sign-in.")]
    if refund is not None:
        actions.insert(0, ActionDraft(kind="refund", asset="USDT", amount=str(refund)))
    return OfferTerms(
        summary="We refund the fee and explain how to protect the account.",
        outcome="partly_upheld",
        actions=actions,
        justification=justification,
    )


def run_step(case, name, inputs, actor):
    """Run one service-taken transition the way the product does; returns the case."""
    from cases.models import Case, ResolutionOffer
    from cases.services.execution import execution_settle, execution_start
    from cases.services.offers import (
        customer_actor,
        offer_decide,
        offer_draft,
        offer_send,
        offer_submit,
    )

    inputs = dict(inputs or {})
    if name == "propose_resolution":
        terms = advice_terms(refund=inputs.pop("refund", None))
        offer = offer_draft(case=case, actor=walker(), terms=terms)
        offer = offer_submit(offer=offer, actor=walker())
        offer_send(offer=offer, actor=walker())
    elif name in ("record_acceptance", "record_rejection"):
        offer = ResolutionOffer.objects.get(case=case, state="sent")
        offer_decide(
            offer=offer,
            accept=name == "record_acceptance",
            channel="portal",
            actor=customer_actor("portal"),
            reason="" if name == "record_acceptance" else "The amount is too low.",
        )
    elif name == "start_execution":
        execution_start(case_id=case.pk)
    elif name == "complete_execution":
        # The walk's accounts are unknown to the demo exchange: it refuses, a lead cancels.
        from cases.models import OfferAction
        from cases.services.execution import action_cancel, action_execute

        for action in OfferAction.objects.filter(
            offer__case=case, execution_state__in=["queued", "running"]
        ):
            action_execute(action_id=action.pk)
        for action in OfferAction.objects.filter(
            offer__case=case, execution_state="needs_attention"
        ):
            action_cancel(
                action=action, actor=walker(), reason="The exchange does not know this account."
            )
        execution_settle(case_id=case.pk, actor=actor)
    elif name == "issue_final_response":
        # The letter is issued by a person (a lead; the walker is a superuser), citing evidence.
        from cases.services.letters import letter_issue

        letter_issue(
            case=case,
            actor=walker(),
            outcome=inputs.pop("outcome", "not_upheld"),
            reasons=inputs.pop("final_response_text", INPUTS[name]["final_response_text"]),
            evidence_ids=inputs.pop("evidence_ids", None) or cite_evidence(case),
        )
    return Case.objects.get(pk=case.pk)


def cite_evidence(case):
    """An evidence item on `case` a finding can cite (a chat transcript), as a list of ids."""
    from cases.models import EvidenceKind
    from cases.services.evidence import evidence_add
    from complaints_site.common.actors import SystemActor

    item = evidence_add(
        case=case,
        actor=SystemActor("test"),
        name="transcript.txt",
        content=b"Agent: the matching engine log shows a 4 s stall.",
        channel="chat",
        kind=EvidenceKind.CHAT_TRANSCRIPT,
        content_type="text/plain",
    )
    return [item.pk]


def inputs_for(name, case):
    """The inputs `name` needs on `case`: INPUTS, and for a finding a cited evidence item."""
    inputs = dict(INPUTS.get(name, {}))
    if name == "determine_responsibility":
        inputs["responsibility_evidence"] = cite_evidence(case)
    return inputs
