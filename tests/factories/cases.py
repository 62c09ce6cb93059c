"""Test data built through the real services, so every row has its reference, history and events."""

import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cases.enums import Category, Channel
from cases.models import Team
from cases.policies import is_team_member
from cases.services.assignment import case_assign, team_create, team_member_add
from cases.services.cases import CaseDraft, case_open
from cases.services.lifecycle import case_transition
from complaints_site.common.actors import SystemActor

SYSTEM = SystemActor("tests")
_counter = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests-1")


def make_team(code: str, name: str) -> Team:
    existing = Team.objects.filter(code=code).first()
    return existing or team_create(code=code, name=name, actor=SYSTEM)


def make_staff(role: str | None, *, teams=(), username: str | None = None, superuser=False):
    user = UserFactory(
        username=username or f"staff{next(_counter)}", is_staff=True, is_superuser=superuser
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    for team in teams:
        team_member_add(team=team, user=user, actor=SYSTEM)
    return get_user_model().objects.get(pk=user.pk)  # fresh permission caches


def make_case(*, team=None, assignee=None, state_path=(), **overrides):
    """Open a case; optionally assign it and walk it through `state_path` transitions.

    `state_path` items are a transition name or (name, {inputs}).
    """
    n = next(_counter)
    fields = {
        "category": Category.TRADE_DISPUTE,
        "subject": f"Order not filled {n}",
        "description": "My limit order did not fill at the quoted price.",
        "complainant_account_id": f"UID{100000 + n}",
        "complainant_email": f"customer{n}@example.com",
        "channel": Channel.WEB,
        **overrides,
    }
    actor = fields.pop("actor", SYSTEM)
    case = case_open(draft=CaseDraft(**fields), actor=actor)
    # A case goes only to a member of its team (`case_assign` refuses anyone else).
    if team is not None and assignee is not None and not is_team_member(assignee, team):
        team_member_add(team=team, user=assignee, actor=SYSTEM)
    if team is not None or assignee is not None:
        case = case_assign(
            case=case, actor=SYSTEM, reason="test setup", team=team, assignee=assignee
        )
    from tests.support.lifecycle import SERVICE_STEPS, run_step

    for step in state_path:
        name, inputs = (step, {}) if isinstance(step, str) else step
        inputs = _default_inputs(name, case, inputs)
        if name in SERVICE_STEPS:
            case = run_step(case, name, inputs, SYSTEM)
            continue
        case = case_transition(
            case=case, transition=name, actor=SYSTEM, reason=f"test {name}", **inputs
        )
    return case


def _default_inputs(name, case, inputs):
    """What a walk through the lifecycle must supply and the test did not: the question of a
    request for information, the evidence a finding cites."""
    from tests.support.lifecycle import INPUTS, cite_evidence

    inputs = dict(inputs)
    if name == "request_info" and "info_request" not in inputs:
        inputs.update(INPUTS["request_info"])
    if name == "determine_responsibility" and "responsibility_evidence" not in inputs:
        inputs["responsibility_evidence"] = cite_evidence(case)
    return inputs


def make_customer(username: str, *, account_id: str, email: str | None = None, locale="en"):
    """A portal user (not staff) with the exchange account id the intake links cases by."""
    from django.contrib.auth import get_user_model

    from cases.models import CustomerProfile

    user = get_user_model().objects.create_user(
        username=username, email=email or f"{username}@example.com", password="pw-" + username
    )
    CustomerProfile.objects.create(user=user, exchange_account_id=account_id, locale=locale)
    return user


def submission(**overrides):
    """An IntakeSubmission with sensible defaults (channel api)."""
    from cases.services.intake import IntakeSubmission

    fields = {
        "channel": "api",
        "subject": "Withdrawal not received",
        "description": "My USDT withdrawal has not arrived after three days.",
        "email": "Trader@Example.com",
        "account_id": "UID-1001",
        "category": "deposit_withdrawal",
        **overrides,
    }
    return IntakeSubmission(**fields)
