"""Loading the demo data (`demo.data`) for `python manage.py seed_demo`: teams, one login per
role, and cases in every state of the lifecycle, each walked there through the real services so
that it has its reference, history rows and events like a case a person worked on.

Seeding is idempotent: teams are keyed by code, users by username, cases by (complainant email,
subject); whatever already exists is left exactly as it is, so a second run writes nothing.

Modules: `people` (logins, teams, staff, the declared conflict), `cases` (one case opened and
walked, with its investigation and correspondence), `files` (the customers' attachments),
`clocks` (service targets, business hours, and a pass of the sweep).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from demo.data import CASES
from demo.data.people import ACTOR
from demo.ledger import ledger_seed
from demo.routing import seed_routing_rules
from demo.seed.cases import seed_case
from demo.seed.clocks import seed_letters, seed_service_targets, seed_sweep
from demo.seed.people import SeedResult, seed_conflict, seed_staff, seed_teams, seed_users


def demo_seed() -> SeedResult:
    """Create whatever of the demo data is missing; never change what exists.

    Each case is opened and walked in its own transaction, so an error leaves no half-walked
    case behind (it would be skipped as present by the next run).
    """
    result = SeedResult()
    now = timezone.now()
    with transaction.atomic():
        users = seed_users(result)
        teams = seed_teams(users, result)
        seed_staff(users, teams, result)
        # Before any case: its clocks are planned from the targets and its team's hours.
        seed_service_targets(teams)
        seed_routing_rules(teams=teams, actor=ACTOR)
        ledger_seed(now=now)
    present = set(
        Case.objects.filter(complainant_email__in={c.email for c in CASES}).values_list(
            "complainant_email", "subject"
        )
    )
    for spec in CASES:
        if spec.key in present:
            result.cases_present += 1
            continue
        with transaction.atomic():
            case = seed_case(spec, users=users, teams=teams, now=now)
        result.cases_created.append(case.reference)
    with transaction.atomic():
        seed_conflict(users)
    if result.cases_created:
        # What the periodic sweep would have done by now: warnings and breaches of the
        # backdated cases. Only on the run that opened them, so a second run changes nothing.
        sweep = seed_sweep()
        result.clocks_warned, result.clocks_breached = sweep.warned, sweep.breached
        # Then what a lead does about a warned regulatory deadline: a holding reply.
        seed_letters(users["lead"])
    return result
