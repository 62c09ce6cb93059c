"""How a demo case is written: what the customer sent (`DemoCase`) and the walk a handler took it
through, as transitions (`Step`), hand-overs (`Reassign`) and the resolution's own steps (an
offer drafted, approved and sent: `Propose`; the customer's answer: `Answer`; carrying it out
at the exchange; the survey: `SurveyAnswer`), with helpers for the usual stretches of the
lifecycle (assess, accept, find responsibility, propose, resolve...)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cases.enums import DecisionChannel, Locale, OfferOutcome


@dataclass(frozen=True)
class Step:
    """One transition run through `case_transition`, with its reason and inputs, by the seed
    (`by` empty), by a demo login (its username) or by the customer (`customer:<channel>`).

    The transitions taken through their own service are run through it instead (demo.seed):
    `start_execution` starts carrying out the accepted offer, `complete_execution` carries out
    every queued action at the demo exchange, `issue_final_response` issues the final response.
    """

    transition: str
    reason: str
    inputs: dict[str, str] = field(default_factory=dict)
    by: str = ""


@dataclass(frozen=True)
class Reassign:
    """A hand-over through `case_assign` in the middle of the walk."""

    team: str | None
    assignee: str | None
    reason: str


@dataclass(frozen=True)
class Action:
    """One action of an offer, as the handler enters it (`cases.services.offers.ActionDraft`):
    amounts are decimal text with the asset's precision."""

    kind: str
    asset: str = ""
    amount: str = ""
    detail: str = ""
    target: str = ""


@dataclass(frozen=True)
class Approval:
    """An approver's approval of the offer (`offer_review`), by username."""

    approver: str
    reason: str


@dataclass(frozen=True)
class Propose:
    """An offer drafted by the case's assignee (`offer_draft`), submitted for the approvals its
    dollar value needs (`offer_submit`), approved by `approvals` (`offer_review`) and, when
    `send`, sent to the customer (`offer_send`: the `propose_resolution` transition). Left
    unsent, it waits for the approvals still missing."""

    summary: str
    actions: tuple[Action, ...]
    justification: str
    outcome: str = OfferOutcome.UPHELD
    approvals: tuple[Approval, ...] = ()
    send: bool = True

    @property
    def transition(self) -> str:
        return "propose_resolution" if self.send else ""


@dataclass(frozen=True)
class Answer:
    """The customer's answer to the offer with them (`offer_decide`), through `channel`, by
    default their own (`DemoCase.answer_channel`)."""

    accept: bool
    reason: str = ""
    channel: str = ""

    @property
    def transition(self) -> str:
        return "record_acceptance" if self.accept else "record_rejection"


@dataclass(frozen=True)
class Attempt:
    """The exchange is asked to carry out the queued actions (`action_execute`) and refuses
    one: the case stays `executing`, the action waits on the lead's attention queue."""

    transition: str = ""


@dataclass(frozen=True)
class SurveyAnswer:
    """The customer answers the satisfaction survey sent when the case was resolved."""

    process_score: int
    process_reasons: tuple[str, ...]
    outcome_score: int
    outcome_reasons: tuple[str, ...]
    comment: str
    channel: str = DecisionChannel.EMAIL_LINK
    transition: str = ""


WalkStep = Step | Reassign | Propose | Answer | Attempt | SurveyAnswer


@dataclass(frozen=True)
class DemoCase:
    subject: str
    description: str
    category: str
    priority: str
    channel: str
    email: str
    account_id: str
    steps: tuple[WalkStep, ...] = ()
    locale: str = Locale.EN
    customer: str = ""  # username of a portal user
    transactions: tuple[str, ...] = ()
    team: str = ""
    assignee: str = ""
    # Received exactly this long ago (hours), for a case whose clocks must be at a given point
    # when the demo starts (about to breach, just breached); otherwise by its final state.
    received_hours_ago: float | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.email, self.subject)

    @property
    def answer_channel(self) -> str:
        """How this customer answers: in the portal, or through the link of the email."""
        return DecisionChannel.PORTAL if self.customer else DecisionChannel.EMAIL_LINK


def assess() -> list[WalkStep]:
    return [Step(transition="start_assessment", reason="Picked up from the intake queue.")]


def accept(reason: str = "In scope; triaged and routed.") -> list[WalkStep]:
    return [*assess(), Step(transition="accept", reason=reason)]


def find(party: str, rationale: str) -> list[WalkStep]:
    return [
        *accept(),
        Step(
            transition="determine_responsibility",
            reason="Investigation complete; finding recorded.",
            inputs={"responsibility": party, "responsibility_rationale": rationale},
        ),
    ]


def propose(
    summary: str,
    *actions: Action,
    justification: str,
    outcome: str = OfferOutcome.UPHELD,
    approvals: tuple[Approval, ...] = (),
    send: bool = True,
) -> Propose:
    return Propose(
        summary=summary,
        actions=actions,
        justification=justification,
        outcome=outcome,
        approvals=approvals,
        send=send,
    )


def refund(amount: str, asset: str = "USDT", detail: str = "") -> Action:
    return Action(kind="refund", asset=asset, amount=amount, detail=detail)


def compensate(amount: str, asset: str = "USDT", detail: str = "") -> Action:
    return Action(kind="compensation", asset=asset, amount=amount, detail=detail)


def voucher(amount: str, asset: str = "USDT", detail: str = "") -> Action:
    return Action(kind="voucher", asset=asset, amount=amount, detail=detail)


def advise(kind: str, detail: str) -> Action:
    """An action told, not carried out: security advice, technical support, no action."""
    return Action(kind=kind, detail=detail)


def ask(question: str, reason: str = "Asked the customer for information.") -> Step:
    return Step(transition="request_info", reason=reason, inputs={"info_request": question})


def answered(reason: str = "Customer replied with the requested documents.") -> Step:
    return Step(transition="resume", reason=reason)


ACCEPTED = Answer(accept=True)


def rejected(reason: str, channel: str = "") -> Answer:
    return Answer(accept=False, reason=reason, channel=channel)


EXECUTE = Step(
    transition="start_execution", reason="Execution requested through the exchange gateway."
)


DONE = Step(
    transition="complete_execution", reason="Gateway confirmed every action; customer notified."
)


def final(text: str, reason: str = "Deadlock: the exchange's final position sent.") -> Step:
    return Step(
        transition="issue_final_response", reason=reason, inputs={"final_response_text": text}
    )


def reopen(reason: str, channel: str = DecisionChannel.EMAIL_LINK) -> Step:
    """The customer reopens the resolved case within the window, with their reason."""
    return Step(transition="reopen", reason=reason, by=f"customer:{channel}")


def resolved(
    party: str, rationale: str, offer: Propose, answer: Answer = ACCEPTED
) -> list[WalkStep]:
    """Found, offered, accepted and carried out at the exchange: resolved, survey sent."""
    return [*find(party, rationale), offer, answer, EXECUTE, DONE]
