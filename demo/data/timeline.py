"""When each demo case was received: a fixed offset before `now` per case (the same on every run
and every machine), older as the case got further along its walk."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from cases.enums import CaseState
from cases.models.case import lifecycle_edges
from demo.data.walks import DemoCase, Reassign

# Any fixed value: the spread of dates must be the same on every run and every machine.
SEED = 20240917


# How long ago a case in each final state was received, in days (older as it gets further).
AGE_DAYS: dict[str, tuple[float, float]] = {
    CaseState.RECEIVED: (0.05, 1.5),
    CaseState.ASSESSING: (0.5, 3),
    CaseState.AWAITING_CUSTOMER: (3, 10),
    CaseState.INVESTIGATING: (2, 12),
    CaseState.RESPONSIBILITY_DETERMINED: (8, 18),
    CaseState.RESOLUTION_PROPOSED: (10, 22),
    CaseState.PROPOSAL_REJECTED: (14, 28),
    CaseState.RESOLUTION_ACCEPTED: (12, 25),
    CaseState.EXECUTING: (14, 28),
    CaseState.RESOLVED: (18, 35),
    CaseState.REOPENED: (25, 40),
    CaseState.FINAL_RESPONSE: (25, 45),
    CaseState.IN_ARBITRATION: (40, 58),
    CaseState.CLOSED: (35, 60),
    CaseState.OUT_OF_SCOPE: (3, 30),
    CaseState.WITHDRAWN: (3, 30),
}


def final_state(spec: DemoCase) -> str:
    """The state the demo case's walk ends in, followed along the edges the code declares.

    Raises ValueError for a walk the lifecycle does not allow (a mistake in the demo data).
    """
    moves: dict[tuple[str, str], list[str]] = {}
    for source, target, name in lifecycle_edges():
        moves.setdefault((source, name), []).append(target)
    state, paused_from = str(CaseState.RECEIVED), ""
    for step in spec.steps:
        # A hand-over, an offer left awaiting approval, a refused attempt at the exchange, a
        # survey answer: none moves the case.
        if isinstance(step, Reassign) or not step.transition:
            continue
        targets = moves.get((state, step.transition))
        if not targets:
            raise ValueError(f"{spec.subject!r}: no {step.transition!r} from {state!r}")
        if step.transition == "request_info":
            paused_from = state
        # `resume` returns to the step that asked (its target is a RETURN_VALUE).
        state = paused_from if len(targets) > 1 and paused_from in targets else targets[0]
    return state


def received_at(spec: DemoCase, *, now: datetime) -> datetime:
    """A fixed point in the past for this case: the same offset on every run."""
    if spec.received_hours_ago is not None:
        return now - timedelta(hours=spec.received_hours_ago)
    rng = random.Random(f"{SEED}:{spec.email}:{spec.subject}")  # noqa: S311 - not security
    low, high = AGE_DAYS[final_state(spec)]
    return now - timedelta(days=rng.uniform(low, high))
