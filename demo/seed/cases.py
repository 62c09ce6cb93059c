"""Seeding one demo case: opened through the intake door, assigned, walked through
`case_transition` step by step (the resolution's steps through their own services:
`demo.seed.resolution`), then given what a handler and the customer would have added (a
snapshot of the exchange's records, consultations, replies, files)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cases.enums import CaseState, Channel, Locale
from cases.models import Case, Team
from cases.services.assignment import case_assign
from cases.services.consultations import consultation_answer, consultation_request
from cases.services.evidence import evidence_add, evidence_review
from cases.services.intake import (
    IncomingFile,
    IntakeReply,
    IntakeSubmission,
    intake_reply,
    intake_submit,
    message_post_staff,
)
from cases.services.lifecycle import case_transition
from cases.services.offers import customer_actor
from cases.services.snapshots import snapshot_pull
from demo.data.investigation import CONSULTATIONS, SENSITIVE_UPLOADS
from demo.data.people import ACTOR, API_CLIENT_USERNAME
from demo.data.timeline import received_at
from demo.data.walks import Answer, Attempt, DemoCase, Propose, Reassign, Step, SurveyAnswer
from demo.gateway import DemoExchangeGateway
from demo.ledger import incident_kinds, incident_window
from demo.seed.files import demo_csv, demo_png
from demo.seed.resolution import (
    seed_answer,
    seed_carry_out,
    seed_execution_start,
    seed_final_response,
    seed_offer,
    seed_survey_answer,
)


def seed_case(spec: DemoCase, *, users: dict[str, Any], teams: dict[str, Team], now: datetime):
    received = received_at(spec, now=now)
    customer = users[spec.customer] if spec.customer else None
    # Through the intake door, like a real submission: redaction, classification, the first
    # message, routing and the acknowledgement. Cases "from the API" carry the API client.
    result = intake_submit(
        submission=IntakeSubmission(
            channel=spec.channel,
            subject=spec.subject,
            description=spec.description,
            email=spec.email,
            account_id=spec.account_id,
            category=spec.category,
            locale=spec.locale,
            related_transactions=spec.transactions,
            customer=customer,
            priority=spec.priority,
            received_at=received,
            source={"type": "demo", "channel": spec.channel},
            intake_client=users[API_CLIENT_USERNAME] if spec.channel == Channel.API else None,
        ),
        actor=ACTOR,
    )
    case = result.case
    if spec.team or spec.assignee:
        case = case_assign(
            case=case,
            actor=ACTOR,
            reason="Routed by the intake rules.",
            team=teams[spec.team] if spec.team else None,
            assignee=users[spec.assignee] if spec.assignee else None,
        )
    for step in spec.steps:
        if isinstance(step, Reassign):
            case = case_assign(
                case=case,
                actor=ACTOR,
                reason=step.reason,
                team=teams[step.team] if step.team else None,
                assignee=users[step.assignee] if step.assignee else None,
            )
        elif isinstance(step, Propose):
            case = seed_offer(case, step, users=users)
        elif isinstance(step, Answer):
            case = seed_answer(case, step, spec=spec)
        elif isinstance(step, Attempt):
            case = seed_carry_out(case)
        elif isinstance(step, SurveyAnswer):
            case = seed_survey_answer(case, step)
        elif step.transition == "start_execution":
            case = seed_execution_start(case)
        elif step.transition == "complete_execution":
            case = seed_carry_out(case)
        elif step.transition == "issue_final_response":
            if not case.evidence.exists():
                # The letter names the evidence relied on: the exchange's records.
                pull_snapshot(spec, case=case, now=now)
            case = seed_final_response(case, step, users=users)
        else:
            inputs = dict(step.inputs)
            if step.transition == "determine_responsibility":
                # The finding cites what the investigation pulled from the exchange.
                snapshot = pull_snapshot(spec, case=case, now=now)
                inputs["responsibility_evidence"] = [snapshot.pk]
                if case.assignee is not None:
                    evidence_review(
                        evidence=snapshot,
                        actor=case.assignee,
                        relevance="relevant",
                        note="The records the finding rests on.",
                    )
            case = case_transition(
                case=case,
                transition=step.transition,
                actor=step_actor(step, users=users),
                reason=step.reason,
                **inputs,
            )
    seed_investigation(spec, case=case, users=users, teams=teams, now=now)
    seed_correspondence(spec, case=case, users=users)
    return case


def step_actor(step: Step, *, users: dict[str, Any]) -> Any:
    """Who runs a transition of the walk: the seed, a demo login, or the customer."""
    if step.by.startswith("customer:"):
        return customer_actor(step.by.removeprefix("customer:"))
    return users[step.by] if step.by else ACTOR


def pull_snapshot(spec: DemoCase, *, case: Case, now: datetime):
    """The handler's snapshot of the incident window, through the demo exchange gateway."""
    start, end = incident_window(spec, now=now)
    return snapshot_pull(
        case=case,
        actor=ACTOR,
        account_id=spec.account_id,
        kinds=incident_kinds(spec),
        start=start,
        end=end,
        gateway=DemoExchangeGateway(),
    )


def first_reply(spec: DemoCase) -> str:
    if spec.locale == Locale.ZH_HANS:
        return "您好，我们已收到您的投诉，正在核查相关记录，有进展会第一时间通知您。"
    return (
        "Hello, thank you for your patience. We are checking the records of your account and "
        "will update you here as soon as we know more."
    )


def seed_correspondence(spec: DemoCase, *, case: Case, users: dict[str, Any]) -> None:
    """A first staff reply on every case someone has picked up, an internal note, and for the
    portal users' cases a file and an answer of their own, so the portal and the case page
    show real correspondence."""
    if case.state == CaseState.RECEIVED:
        return
    staff_author = case.assignee or users["agent"]
    message_post_staff(case=case, actor=staff_author, body=first_reply(spec))
    message_post_staff(
        case=case,
        actor=staff_author,
        body="Checked the account's recent activity; nothing unusual beyond what is described.",
        internal=True,
    )
    # A case waiting for the customer shows the question unanswered (an answer would resume it).
    if spec.customer and case.state not in (
        CaseState.WITHDRAWN,
        CaseState.OUT_OF_SCOPE,
        CaseState.AWAITING_CUSTOMER,
    ):
        customer = users[spec.customer]
        intake_reply(
            reply=IntakeReply(
                case=case,
                channel=Channel.WEB,
                body=(
                    "谢谢，我附上了截图。"
                    if spec.locale == Locale.ZH_HANS
                    else "Thanks. I attach the screenshot and my trade export."
                ),
                attachments=(
                    IncomingFile("screenshot.png", demo_png()),
                    IncomingFile("trades.csv", demo_csv(spec)),
                ),
                author=customer,
            ),
            actor=customer,
        )


def seed_investigation(
    spec: DemoCase, *, case: Case, users: dict[str, Any], teams: dict[str, Team], now: datetime
) -> None:
    """What the handler did while investigating: a snapshot of the incident window (reviewed,
    with a note) on every open investigation, and the consultations of `CONSULTATIONS`."""
    if spec.subject in SENSITIVE_UPLOADS:
        # An identity document: the support agent sees it listed but not opened (a lead can).
        evidence_add(
            case=case,
            actor=ACTOR,
            name="passport.png",
            content=demo_png(),
            channel=Channel.WEB,
            description=SENSITIVE_UPLOADS[spec.subject],
            is_sensitive=True,
        )
    handler = users.get(spec.assignee) if spec.assignee else None
    if handler is None:
        return
    if case.state == CaseState.INVESTIGATING:
        snapshot = pull_snapshot(spec, case=case, now=now)
        evidence_review(
            evidence=snapshot,
            actor=handler,
            relevance="relevant",
            note="Covers the incident window; matches what the customer describes.",
        )
    for item in CONSULTATIONS.get(spec.subject, []):
        asked = now - timedelta(days=item.asked_days_ago, hours=2)
        consultation = consultation_request(
            case=case,
            actor=handler,
            team=teams[item.team],
            question=item.question,
            asked_at=asked,
            due_at=asked + timedelta(days=item.due_days),
        )
        if item.answer:
            consultation_answer(
                consultation=consultation, actor=users["specialist"], answer=item.answer
            )
