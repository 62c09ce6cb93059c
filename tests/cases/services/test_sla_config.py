"""The service-target configuration through its services: each refusal names its field and
stores nothing; each save leaves one history row with the actor and the reason; a team's hours
change only when they differ; new clocks count in the team's hours."""

from datetime import UTC, datetime, time, timedelta

import pytest

from cases.enums import Category, ClockKind, Priority
from cases.models import BusinessHours, SlaPolicy
from cases.services.cases import CaseDraft, case_open
from cases.services.clocks import sla_targets
from cases.services.sla_config import (
    business_hours_save,
    sla_policy_save,
    team_business_hours_set,
)
from complaints_site.common.exceptions import ApplicationError
from tests.factories.cases import SYSTEM

pytestmark = pytest.mark.django_db


def policy(**overrides):
    fields = {
        "priority": Priority.P2,
        "category": "",
        "first_response": timedelta(hours=4),
        "next_response": timedelta(hours=8),
        "resolution": timedelta(days=7),
        **overrides,
    }
    return SlaPolicy(**fields)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"priority": "P9"}, "priority"),
        ({"category": "nonsense"}, "category"),
        ({"first_response": timedelta(seconds=30)}, "first_response"),
        ({"resolution": timedelta(days=400)}, "resolution"),
        ({"resolution": timedelta(hours=2)}, "resolution"),
        ({"warn_at_percent": 0}, "warn_at_percent"),
        ({"next_response": None}, "next_response"),
    ],
)
def test_a_bad_target_is_refused_on_its_field(overrides, field):
    with pytest.raises(ApplicationError) as refused:
        sla_policy_save(policy=policy(**overrides), actor=SYSTEM, reason="Try")
    assert field in refused.value.extra["errors"]
    assert not SlaPolicy.objects.exists()


def test_a_reason_is_required_and_recorded():
    with pytest.raises(ApplicationError):
        sla_policy_save(policy=policy(), actor=SYSTEM, reason="  ")
    saved = sla_policy_save(policy=policy(), actor=SYSTEM, reason="Agreed targets")
    record = saved.history.get()
    assert (record.history_change_reason, record.history_actor) == (
        "Agreed targets",
        "system:tests",
    )
    with pytest.raises(ApplicationError) as refused:
        sla_policy_save(policy=policy(), actor=SYSTEM, reason="Again")
    assert "category" in refused.value.extra["errors"]


def test_the_category_policy_wins_and_new_targets_apply():
    sla_policy_save(policy=policy(), actor=SYSTEM, reason="General")
    sla_policy_save(
        policy=policy(category=Category.FEES, first_response=timedelta(hours=2)),
        actor=SYSTEM,
        reason="Fees are simple",
    )
    assert sla_targets(priority=Priority.P2, category=Category.FEES).first_response == timedelta(
        hours=2
    )
    assert sla_targets(
        priority=Priority.P2, category=Category.TRADE_DISPUTE
    ).first_response == timedelta(hours=4)


def test_business_hours_are_checked_and_normalised():
    with pytest.raises(ApplicationError) as refused:
        business_hours_save(
            hours=BusinessHours(
                name="", time_zone="Mars/Olympus", country="ZZ", weekdays=[], opens=time(9)
            ),
            actor=SYSTEM,
            reason="Try",
        )
    assert {"name", "weekdays"} <= set(refused.value.extra["errors"])
    saved = business_hours_save(
        hours=BusinessHours(
            name=" London office ",
            time_zone="Europe/London",
            country="gb",
            subdivision="eng",
            weekdays=[4, 0, 2, 1, 3, 3],
        ),
        actor=SYSTEM,
        reason="Office hours",
    )
    assert (saved.name, saved.country, saved.subdivision) == ("London office", "GB", "ENG")
    assert saved.weekdays == [0, 1, 2, 3, 4]
    assert (saved.opens, saved.closes) == (time(9), time(17))


def test_a_team_on_office_hours_counts_new_clocks_in_them(team):
    hours = business_hours_save(
        hours=BusinessHours(
            name="London office",
            time_zone="Europe/London",
            country="GB",
            subdivision="ENG",
            opens=time(9),
            closes=time(17, 30),
        ),
        actor=SYSTEM,
        reason="Office hours",
    )
    before = team.history.count()
    team_business_hours_set(team=team, business_hours=hours, actor=SYSTEM, reason="From today")
    team_business_hours_set(team=team, business_hours=hours, actor=SYSTEM, reason="Again")
    assert team.history.count() == before + 1
    team.refresh_from_db()
    # Friday 16:30 in London (GMT) + 4 hours of working time: 1 hour on Friday, 3 on Monday.
    friday = datetime(2026, 1, 16, 16, 30, tzinfo=UTC)
    case = case_open(
        draft=CaseDraft(
            category=Category.TRADE_DISPUTE,
            priority=Priority.P2,
            channel="web",
            subject="Order not filled",
            description="My order did not fill.",
            complainant_account_id="UID1",
            complainant_email="c@example.com",
            received_at=friday,
            team=team,
        ),
        actor=SYSTEM,
    )
    clock = case.clocks.get(kind=ClockKind.FIRST_RESPONSE)
    assert clock.due_at == datetime(2026, 1, 19, 12, 0, tzinfo=UTC)
