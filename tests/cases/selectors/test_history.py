"""The one timeline/history read model: every timeline is a list of `TimelineEntry`."""

import pytest

from cases.portal.selectors import case_timeline_for_customer
from cases.selectors.audit import case_timeline_for_auditor
from cases.selectors.history import TimelineEntry, case_timeline_for_staff
from cases.services.lifecycle import case_transition
from tests.factories.cases import make_case, make_staff

pytestmark = pytest.mark.django_db


def test_staff_auditor_and_customer_timelines_share_one_entry_type(team):
    agent = make_staff("Support agent", teams=[team])
    case = make_case(team=team)
    case_transition(case=case, transition="start_assessment", actor=agent, reason="On it")

    staff = case_timeline_for_staff(case=case)
    auditor = case_timeline_for_auditor(case=case)
    customer = case_timeline_for_customer(case=case)

    for entries in (staff, auditor, customer):
        assert entries
        assert all(isinstance(e, TimelineEntry) for e in entries)
    assert next(e.title for e in staff) == "Case opened"
    assert staff[-1].detail == "Received → Preliminary assessment · On it"
    assert [step.title for step in customer] == ["Received", "Being reviewed"]
