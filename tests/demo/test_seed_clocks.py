"""`seed_demo` shows the clocks: service targets (a P1 account-security target of one hour),
the Complaints team's office hours, customers under each regime (UK FCA, EU MiCA, US CFPB),
and backdated cases whose deadlines are about to pass or already missed, swept once."""

from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from cases.enums import CaseEventType, CaseState, Category, ClockKind, LetterKind, Priority, Regime
from cases.models import (
    Case,
    CaseClock,
    CaseEvent,
    CustomerProfile,
    Notification,
    RegulatoryLetter,
    SlaPolicy,
    Team,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_targets_hours_three_regimes_and_deadlines_near_and_missed():
    # One test: seeding the whole demo is the slow part.
    out = StringIO()
    call_command("seed_demo", stdout=out)
    now = timezone.now()

    # Service targets and business hours.
    p1 = SlaPolicy.objects.get(priority=Priority.P1, category=Category.ACCOUNT_SECURITY)
    assert p1.first_response == timedelta(hours=1)
    assert SlaPolicy.objects.filter(category="").count() == 4
    hours = Team.objects.get(code="complaints").business_hours
    assert (hours.time_zone, hours.country, hours.subdivision) == ("Europe/London", "GB", "ENG")
    assert hours.weekdays == [0, 1, 2, 3, 4]
    assert hours.history.get().history_actor == "system:seed_demo"
    # A reply target started while a case sat with Complaints falls inside its office hours.
    london = ZoneInfo("Europe/London")
    started_there = CaseClock.objects.filter(
        kind=ClockKind.NEXT_RESPONSE, met_at__isnull=True, case__team__code="complaints"
    )
    assert started_there.exists()
    for clock in started_there:
        local = clock.due_at.astimezone(london)
        assert local.weekday() < 5, clock
        assert (9, 0) <= (local.hour, local.minute) <= (17, 30), clock

    # One customer per regime, and running regulatory clocks under each.
    assert dict(CustomerProfile.objects.values_list("user__username", "jurisdiction")) == {
        "alice": "GB",
        "bob": "DE",
        "carol": "US",
    }
    running = CaseClock.objects.filter(met_at__isnull=True, kind__in=["reg_response", "reg_final"])
    assert set(running.values_list("regime", flat=True)) == {Regime.FCA, Regime.MICA, Regime.CFPB}
    assert Case.objects.filter(customer__username="bob", regime=Regime.MICA).exists()

    # About to breach: Carol's P1 account-security case, first response due within the hour.
    urgent = Case.objects.get(subject="Someone reset my 2FA and tried to withdraw")
    assert urgent.regime == Regime.CFPB
    assert now < urgent.next_due_at <= now + timedelta(hours=settings.SLA_RISK_HOURS)
    assert urgent.next_due_at == urgent.first_response_due_at
    # Flagged by its warning: the CFPB's 15-day response, days away.
    wire = Case.objects.get(subject__startswith="USD wire withdrawal returned")
    response = wire.clocks.get(kind=ClockKind.REG_RESPONSE)
    assert response.warned_at is not None
    assert response.due_at > now
    # Missed: the FCA's 8 weeks, during the investigation, escalated by the sweep.
    late = Case.objects.get(subject__startswith="Copy-trading lead closed")
    final = late.clocks.get(kind=ClockKind.REG_FINAL)
    assert final.breached_at is not None
    assert final.breached_in == CaseState.INVESTIGATING
    assert CaseEvent.objects.filter(case=late, type=CaseEventType.CLOCK_BREACHED).exists()
    assert late.next_due_at < now
    assert "Clocks:" in out.getvalue()

    # The letters a lead sends when the answer needs more time: one of each kind the demo
    # regimes take, each met clock or promised date on record, each told to the customer.
    letters = {
        (letter.case.complainant_email, letter.kind)
        for letter in RegulatoryLetter.objects.select_related("case")
    }
    assert letters == {
        ("carol@example.com", LetterKind.HOLDING_REPLY),
        ("bob@example.com", LetterKind.DELAY_NOTICE),
    }
    held = RegulatoryLetter.objects.get(kind=LetterKind.HOLDING_REPLY).case
    assert held.clocks.get(kind=ClockKind.REG_RESPONSE).met_by == "letter:holding_reply"
    assert held.clocks.get(kind=ClockKind.REG_FINAL).extended_to is not None
    assert Notification.objects.filter(case=held, kind="case.letter").count() == 2
