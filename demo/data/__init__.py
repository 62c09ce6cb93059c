"""The demo data, as data: who works here, what the customers sent and how each case was walked.

- `people`: teams, one login per role, the portal customers and their exchange accounts.
- `walks`: the shape of a demo case (`DemoCase`) and of its walk (`Step`, `Reassign`).
- `cases_open`, `cases_decided`, `cases_ended`: the cases, by how far they got;
  `cases_resolution`: cases added for the offers' approval and execution.
- `cases_clocks`: cases received at exact moments, so deadlines are near or missed at start.
- `clocks`: the service targets per priority and category, and the teams' business hours.
- `timeline`: when each case was received and the state its walk ends in.
- `investigation`: consultations, sensitive uploads and a declared conflict.

`demo.seed` writes these through the real services; `demo.ledger` derives the exchange's
records of each case's incident from them. Nothing here writes.
"""

from demo.data.cases_clocks import CLOCK_CASES
from demo.data.cases_decided import DECIDED_CASES
from demo.data.cases_ended import ENDED_CASES
from demo.data.cases_open import OPEN_CASES
from demo.data.cases_resolution import RESOLUTION_CASES
from demo.data.walks import DemoCase

# The order is the order of opening, so the references of a fresh seed are always the same.
CASES: list[DemoCase] = [
    *OPEN_CASES,
    *DECIDED_CASES,
    *ENDED_CASES,
    *RESOLUTION_CASES,
    *CLOCK_CASES,
]

__all__ = ["CASES", "DemoCase"]
