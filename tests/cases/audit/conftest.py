import pytest
from django.test import Client

from cases.models import Case
from cases.roles import AUDITOR, CASE_HANDLER, TEAM_LEAD
from cases.services.assignment import case_assign
from cases.services.intake import message_post_staff


@pytest.fixture
def auditor(staff):
    return staff(AUDITOR, username="auditor1")


@pytest.fixture
def auditor_client(auditor):
    client = Client()
    client.force_login(auditor)
    return client


@pytest.fixture
def handler(staff, team):
    return staff(CASE_HANDLER, teams=[team], username="handler1")


@pytest.fixture
def lead(staff, team):
    return staff(TEAM_LEAD, teams=[team], username="lead1")


@pytest.fixture
def busy_case(case_factory, team, handler, lead):
    """A case with history of its own, a message, an assignment by a person and events."""
    case = case_factory(team=team)
    case = case_assign(case=case, actor=lead, reason="taking it", assignee=handler)
    message_post_staff(case=case, actor=handler, body="We are looking into it.")
    return Case.objects.get(pk=case.pk)
