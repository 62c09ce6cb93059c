"""How a demo case is written: what the customer sent (`DemoCase`) and the walk a handler took it
through, as transitions (`Step`) and hand-overs (`Reassign`), with helpers for the usual
stretches of the lifecycle (assess, accept, find responsibility, propose, resolve...)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cases.enums import Locale


@dataclass(frozen=True)
class Step:
    """One transition run through `case_transition`, with its reason and inputs."""

    transition: str
    reason: str
    inputs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reassign:
    """A hand-over through `case_assign` in the middle of the walk."""

    team: str | None
    assignee: str | None
    reason: str


@dataclass(frozen=True)
class DemoCase:
    subject: str
    description: str
    category: str
    priority: str
    channel: str
    email: str
    account_id: str
    steps: tuple[Step | Reassign, ...] = ()
    locale: str = Locale.EN
    customer: str = ""  # username of a portal user
    transactions: tuple[str, ...] = ()
    team: str = ""
    assignee: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.email, self.subject)


def assess() -> list[Step | Reassign]:
    return [Step(transition="start_assessment", reason="Picked up from the intake queue.")]


def accept(reason: str = "In scope; triaged and routed.") -> list[Step | Reassign]:
    return [*assess(), Step(transition="accept", reason=reason)]


def find(party: str, rationale: str) -> list[Step | Reassign]:
    return [
        *accept(),
        Step(
            transition="determine_responsibility",
            reason="Investigation complete; finding recorded.",
            inputs={"responsibility": party, "responsibility_rationale": rationale},
        ),
    ]


def propose(summary: str, reason: str = "Proposal sent to the customer.") -> Step:
    return Step(
        transition="propose_resolution", reason=reason, inputs={"resolution_summary": summary}
    )


def ask(question: str, reason: str = "Asked the customer for information.") -> Step:
    return Step(transition="request_info", reason=reason, inputs={"info_request": question})


def answered(reason: str = "Customer replied with the requested documents.") -> Step:
    return Step(transition="resume", reason=reason)


ACCEPTED = Step(
    transition="record_acceptance", reason="Customer accepted the proposal in the portal."
)


REJECTED = Step(transition="record_rejection", reason="Customer rejected the proposal by email.")


EXECUTE = Step(
    transition="start_execution", reason="Execution requested through the exchange gateway."
)


DONE = Step(
    transition="complete_execution", reason="Gateway confirmed every action; customer notified."
)


CLOSE = Step(
    transition="close", reason="Follow-up window over; no further contact from the customer."
)


def final(text: str, reason: str = "Deadlock: the exchange's final position sent.") -> Step:
    return Step(
        transition="issue_final_response", reason=reason, inputs={"final_response_text": text}
    )


def resolved(party: str, rationale: str, summary: str) -> list[Step | Reassign]:
    return [*find(party, rationale), propose(summary), ACCEPTED, EXECUTE, DONE]
