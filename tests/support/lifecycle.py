"""How to reach each state through real transitions, and the inputs each transition needs."""

from cases.enums import CaseState as S

INPUTS = {
    "reject_out_of_scope": {"out_of_scope_referral": "Tax questions: contact your tax adviser."},
    "determine_responsibility": {
        "responsibility": "platform_system_fault",
        "responsibility_rationale": "The order log shows the matching engine stalled for 4 s.",
    },
    "request_info": {"info_request": "Please send the withdrawal's transaction id."},
    "propose_resolution": {"resolution_summary": "Refund 0.0125 BTC of slippage."},
    "issue_final_response": {"final_response_text": "We maintain our position; see findings."},
}

TO_INVESTIGATING = ["start_assessment", "accept"]
_TO_PROPOSED = [*TO_INVESTIGATING, "determine_responsibility", "propose_resolution"]
_TO_RESOLVED = [*_TO_PROPOSED, "record_acceptance", "start_execution", "complete_execution"]

PATHS = {
    S.RECEIVED: [],
    S.ASSESSING: ["start_assessment"],
    S.INVESTIGATING: TO_INVESTIGATING,
    S.AWAITING_CUSTOMER: [*TO_INVESTIGATING, "request_info"],
    S.RESPONSIBILITY_DETERMINED: [*TO_INVESTIGATING, "determine_responsibility"],
    S.RESOLUTION_PROPOSED: _TO_PROPOSED,
    S.PROPOSAL_REJECTED: [*_TO_PROPOSED, "record_rejection"],
    S.RESOLUTION_ACCEPTED: [*_TO_PROPOSED, "record_acceptance"],
    S.EXECUTING: [*_TO_PROPOSED, "record_acceptance", "start_execution"],
    S.RESOLVED: _TO_RESOLVED,
    S.REOPENED: [*_TO_RESOLVED, "reopen"],
    S.FINAL_RESPONSE: [*TO_INVESTIGATING, "issue_final_response"],
    S.IN_ARBITRATION: [*TO_INVESTIGATING, "issue_final_response", "refer_to_arbitration"],
    S.CLOSED: [*_TO_RESOLVED, "close"],
    S.WITHDRAWN: ["withdraw"],
    S.OUT_OF_SCOPE: ["start_assessment", "reject_out_of_scope"],
}


def path_to(state, *, via=None):
    """Steps reaching `state`; `via` picks where awaiting_customer was paused from."""
    if state == S.AWAITING_CUSTOMER and via == S.ASSESSING:
        return ["start_assessment", "request_info"]
    return [(name, INPUTS.get(name, {})) for name in PATHS[state]]


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
