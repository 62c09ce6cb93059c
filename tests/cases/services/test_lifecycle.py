"""Every legal transition works and leaves one history row and one event; every illegal one is
refused and changes nothing; permissions per role; the protected field."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from guardian.shortcuts import get_perms

from cases import roles
from cases.enums import CaseState
from cases.models import Case, CaseEvent
from cases.models.case import lifecycle_edges
from cases.services.assignment import case_assign
from cases.services.lifecycle import TRANSITIONS, available_transitions, case_transition
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from tests.factories.cases import SYSTEM
from tests.support.lifecycle import SERVICE_STEPS, inputs_for, path_to, run_step

pytestmark = pytest.mark.django_db

EDGES = lifecycle_edges()


def _counts(case):
    return case.history.count(), CaseEvent.objects.filter(case=case).count()


def test_every_state_is_reachable_and_every_transition_is_used():
    states = {s for edge in EDGES for s in edge[:2]}
    assert states == set(CaseState.values)
    assert {name for *_, name in EDGES} == set(TRANSITIONS)


@pytest.mark.parametrize(
    ("source", "target", "name"), EDGES, ids=[f"{s}-{n}->{t}" for s, t, n in EDGES]
)
def test_legal_transition(case_factory, team, staff, source, target, name):
    case = case_factory(team=team, state_path=path_to(source, via=target))
    assert case.state == source
    actor = staff(None, superuser=True, username="root")
    inputs = inputs_for(name, case)
    if name in SERVICE_STEPS:
        _service_transition(case, name, source, target, actor, inputs)
        return
    if (source, name) == (CaseState.RESOLVED, "close"):
        # Test setup: the reopening window has passed (the condition is tested on its own).
        Case.objects.filter(pk=case.pk).update(resolved_at=timezone.now() - timedelta(days=60))
        case.refresh_from_db()
    history_before, events_before = _counts(case)

    case = case_transition(
        case=case, transition=name, actor=actor, reason=f"because {name}", **inputs
    )

    assert case.state == target
    case.refresh_from_db()
    assert case.state == target
    history_after, events_after = _counts(case)
    assert history_after == history_before + 1
    # The transition's own event, plus the question sent to the customer with request_info.
    assert events_after == events_before + 1 + (name == "request_info")
    record = case.history.latest()
    assert record.history_user == actor
    assert record.history_change_reason == f"because {name}"
    assert record.history_actor == f"user:{actor.pk}:root"
    event = CaseEvent.objects.filter(case=case, type__startswith="case.transition.").latest("id")
    assert (event.type, event.from_state, event.to_state, event.actor) == (
        f"case.transition.{name}",
        source,
        target,
        actor,
    )


def _service_transition(case, name, source, target, actor, inputs):
    """A transition taken through its own service: refused as a button, then run the way the
    product runs it, leaving its one transition event."""
    with pytest.raises(ApplicationError, match="its own page"):
        case_transition(case=case, transition=name, actor=actor, reason="button", **inputs)
    case.refresh_from_db()
    assert case.state == source
    case = run_step(case, name, inputs, actor)
    event = CaseEvent.objects.filter(case=case, type=f"case.transition.{name}").latest("id")
    assert (event.from_state, event.to_state) == (source, target)
    if name not in ("start_execution",):
        assert case.state == target
    else:
        # Nothing left to carry out (advice only) resolves at once; a refund waits.
        assert case.state in (target, CaseState.RESOLVED)


@pytest.mark.parametrize("state", CaseState.values)
def test_illegal_transitions_are_refused_and_change_nothing(case_factory, team, staff, state):
    case = case_factory(team=team, state_path=path_to(state))
    actor = staff(None, superuser=True)
    legal = {name for source, _target, name in EDGES if source == state}
    illegal = sorted(set(TRANSITIONS) - legal)
    inputs = {name: inputs_for(name, case) for name in illegal}
    before = _counts(case)
    for name in illegal:
        with pytest.raises(ConflictError):
            case_transition(case=case, transition=name, actor=actor, reason="try", **inputs[name])
        case.refresh_from_db()
        assert case.state == state
    assert _counts(case) == before


def test_state_field_cannot_be_assigned(case_factory):
    case = case_factory()
    with pytest.raises(AttributeError):
        case.state = CaseState.CLOSED


def test_unknown_transition_and_missing_reason(case_factory, staff):
    case = case_factory()
    root = staff(None, superuser=True)
    with pytest.raises(ApplicationError):
        case_transition(case=case, transition="delete", actor=root, reason="x")
    with pytest.raises(ApplicationError) as exc:
        case_transition(case=case, transition="start_assessment", actor=root, reason="  ")
    assert "reason" in exc.value.extra["errors"]
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


@pytest.mark.parametrize(
    ("name", "inputs", "message"),
    [
        ("determine_responsibility", {"responsibility": "shared"}, "rationale"),
        ("determine_responsibility", {"responsibility_rationale": "x"}, "party"),
    ],
)
def test_conditions_refuse_with_their_message(case_factory, team, staff, name, inputs, message):
    case = case_factory(team=team, state_path=path_to(CaseState.INVESTIGATING))
    before = _counts(case)
    with pytest.raises(ApplicationError) as exc:
        case_transition(
            case=case, transition=name, actor=staff(None, superuser=True), reason="r", **inputs
        )
    assert message in exc.value.message
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING
    assert case.responsibility == ""
    assert _counts(case) == before


def test_accept_needs_a_team(case_factory, staff):
    case = case_factory(state_path=["start_assessment"])
    with pytest.raises(ApplicationError) as exc:
        case_transition(
            case=case, transition="accept", actor=staff(None, superuser=True), reason="ok"
        )
    assert "team" in exc.value.message


def test_inputs_of_another_transition_are_refused(case_factory, staff):
    case = case_factory()
    with pytest.raises(ApplicationError):
        case_transition(
            case=case,
            transition="start_assessment",
            actor=staff(None, superuser=True),
            reason="r",
            final_response_text="sneaky",
        )
    case.refresh_from_db()
    assert case.final_response_text == ""


def test_unknown_responsibility_party_is_refused(case_factory, team, staff):
    case = case_factory(team=team, state_path=path_to(CaseState.INVESTIGATING))
    with pytest.raises(ApplicationError):
        case_transition(
            case=case,
            transition="determine_responsibility",
            actor=staff(None, superuser=True),
            reason="r",
            responsibility="the moon",
            responsibility_rationale="x",
        )


def test_request_info_pauses_and_resume_returns_to_the_step(case_factory, team):
    case = case_factory(team=team, state_path=path_to(CaseState.AWAITING_CUSTOMER, via="assessing"))
    assert case.paused_at is not None
    assert case.state_before_pause == CaseState.ASSESSING
    case = case_factory(
        team=team, state_path=[*path_to(CaseState.AWAITING_CUSTOMER, via="assessing"), "resume"]
    )
    assert case.state == CaseState.ASSESSING
    assert case.paused_at is None
    assert case.paused_total.total_seconds() >= 0


def test_reopen_is_refused_after_the_window(case_factory, team, staff, settings):
    from datetime import timedelta

    case = case_factory(team=team, state_path=path_to(CaseState.RESOLVED))
    settings.REOPEN_WINDOW = timedelta(seconds=-1)
    with pytest.raises(ApplicationError) as exc:
        case_transition(
            case=case, transition="reopen", actor=staff(None, superuser=True), reason="unhappy"
        )
    assert "window" in exc.value.message
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED


# --- permissions per role ---------------------------------------------------------------------

A, H, L, AP, C, AU, E, AR = (
    roles.SUPPORT_AGENT,
    roles.CASE_HANDLER,
    roles.TEAM_LEAD,
    roles.APPROVER,
    roles.COMPLIANCE_OFFICER,
    roles.AUDITOR,
    roles.CONTENT_EDITOR,
    roles.ARBITRATION_LIAISON,
)
# Who may run each transition on a case of their own team (written out, not derived).
MAY_RUN = {
    "start_assessment": {A, H, L},
    "accept": {A, H, L},
    "reject_out_of_scope": {A, H, L},
    "request_info": {A, H, L},
    "resume": {A, H, L},
    "determine_responsibility": {H, L},
    "propose_resolution": {H, L},
    "record_acceptance": {A, H, L},
    "record_rejection": {A, H, L},
    "start_execution": {H, L},
    "complete_execution": {H, L},
    "issue_final_response": {L},
    "refer_to_arbitration": {AR},
    "reopen": {H, L},
    "reinvestigate": {A, H, L},
    "close": {H, L, AR},
    "close_unanswered": {H, L, AR},
    "withdraw": {A, H, L},
}
FIRST_EDGE = {}
for _s, _t, _n in EDGES:
    FIRST_EDGE.setdefault(_n, (_s, _t))


@pytest.mark.parametrize("name", sorted(MAY_RUN))
def test_permissions_per_role(case_factory, team, staff, name):
    source, target = FIRST_EDGE[name]
    assert set(MAY_RUN) == set(TRANSITIONS)
    for role in (A, H, L, AP, C, AU, E, AR):
        case = case_factory(team=team, state_path=path_to(source, via=target))
        user = staff(role, teams=[team])
        history_before = case.history.count()
        if role in MAY_RUN[name] and name in SERVICE_STEPS:
            # Permitted, but taken through its own service: never a button.
            assert name not in available_transitions(case=case, user=user)
            with pytest.raises(ApplicationError, match="its own page"):
                case_transition(
                    case=case, transition=name, actor=user, reason="r", **inputs_for(name, case)
                )
            assert case.history.count() == history_before
        elif role in MAY_RUN[name]:
            assert name in available_transitions(case=case, user=user)
            case = case_transition(
                case=case, transition=name, actor=user, reason="r", **inputs_for(name, case)
            )
            assert case.state == target, role
        else:
            assert name not in available_transitions(case=case, user=user)
            with pytest.raises(PermissionDeniedError):
                case_transition(
                    case=case, transition=name, actor=user, reason="r", **inputs_for(name, case)
                )
            case.refresh_from_db()
            assert case.state == source, role
            assert case.history.count() == history_before


def test_role_without_reach_cannot_act(case_factory, team, other_team, staff):
    case = case_factory(team=team)
    lead_elsewhere = staff(roles.TEAM_LEAD, teams=[other_team])
    assert available_transitions(case=case, user=lead_elsewhere) == []
    with pytest.raises(PermissionDeniedError):
        case_transition(case=case, transition="start_assessment", actor=lead_elsewhere, reason="r")


def test_an_assignee_outside_the_team_is_refused_and_inactive_staff_cannot_act(
    case_factory, team, staff
):
    outsider = staff(roles.CASE_HANDLER)
    case = case_factory(team=team)
    before = _counts(case)
    with pytest.raises(ApplicationError, match="is not in this case's team"):
        case_assign(case=case, actor=SYSTEM, reason="r", team=team, assignee=outsider)
    case.refresh_from_db()
    assert case.assignee_id is None
    assert _counts(case) == before  # no history row, no event
    assert get_perms(outsider, case) == []
    with pytest.raises(PermissionDeniedError):
        case_transition(case=case, transition="start_assessment", actor=outsider, reason="r")

    handler = staff(roles.CASE_HANDLER, teams=[team])
    case = case_factory(team=team, assignee=handler)
    assert "start_assessment" in available_transitions(case=case, user=handler)
    handler.is_active = False
    handler.save()
    with pytest.raises(PermissionDeniedError):
        case_transition(case=case, transition="start_assessment", actor=handler, reason="r")


def test_no_role_holds_model_wide_change_case():
    from django.contrib.auth.models import Group

    for role in roles.ROLES:
        codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert "change_case" not in codenames
        assert "view_case" not in codenames


def _update_offenders(source: str) -> list[str]:
    """Queryset `.update()` calls in `source` not provably on a model without history or FSM
    field: only `Model.objects[...].update()` on such a model is allowed (a queryset held in a
    variable cannot be checked, so it counts as an offence)."""
    import ast

    from django.apps import apps
    from django_fsm import FSMFieldMixin

    untracked = {
        model.__name__
        for model in apps.get_models()
        if not hasattr(model, "history")
        and not any(isinstance(f, FSMFieldMixin) for f in model._meta.fields)
    }
    queryset_methods = {"filter", "all", "exclude", "select_for_update", "objects"}
    offenders = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update"
        ):
            continue
        chain, receiver = [], node.func.value
        while True:
            if isinstance(receiver, ast.Call):
                receiver = receiver.func
            elif isinstance(receiver, ast.Attribute):
                chain.append(receiver.attr)
                receiver = receiver.value
            else:
                break
        if not queryset_methods & set(chain):
            continue  # a dict's or a form's update()
        model = receiver.id if isinstance(receiver, ast.Name) else None
        if "objects" in chain and model in untracked:
            continue
        offenders.append(f"line {node.lineno}")
    return offenders


def test_no_queryset_update_on_tracked_models():
    """Queryset .update() skips FSM protection and history; the application code never uses it
    on a model with either (a table without history, such as the clock rows the SLA sweep
    updates set-based, may be updated in bulk)."""
    import pathlib

    offenders = []
    for app in ("cases", "channels", "arbitration", "education", "complaints_site"):
        for path in pathlib.Path(app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            offenders += [f"{path} {where}" for where in _update_offenders(path.read_text())]
    assert offenders == []


def test_update_guard_catches_tracked_models_and_variables():
    assert _update_offenders("Case.objects.filter(pk=1).update(state='x')") == ["line 1"]
    assert _update_offenders("qs = CaseClock.objects.all()\nqs.filter(a=1).update(b=2)") == [
        "line 2"
    ]
    assert _update_offenders("CaseClock.objects.filter(a=1).update(b=2)") == []
    assert _update_offenders("context.update(a=1)") == []


def test_database_vendor_matches_configuration(settings):
    assert connection.vendor in settings.DATABASES["default"]["ENGINE"]


def test_a_changed_finding_keeps_the_first_in_history(case_factory, team, staff):
    from tests.support.lifecycle import cite_evidence

    lead = staff(None, superuser=True)
    # Reopened after resolution: investigated again, a new finding.
    case = case_factory(team=team, state_path=path_to(CaseState.REOPENED))
    first = case.responsibility_evidence
    case = case_transition(case=case, transition="reinvestigate", actor=lead, reason="New logs")
    second = cite_evidence(case)
    case = case_transition(
        case=case,
        transition="determine_responsibility",
        actor=lead,
        reason="The new logs show a phishing site",
        responsibility="third_party_phishing",
        responsibility_rationale="The login came from the phishing site's proxy.",
        responsibility_evidence=second,
    )

    findings = [
        (h.responsibility, h.responsibility_evidence)
        for h in case.history.order_by("history_date", "history_id")
        if h.history_change_reason
        in ("test determine_responsibility", "The new logs show a phishing site")
    ]
    assert findings == [
        ("platform_system_fault", first),
        ("third_party_phishing", second),
    ]
    events = CaseEvent.objects.filter(
        case=case, type="case.transition.determine_responsibility"
    ).order_by("id")
    assert [e.data["responsibility_evidence"] for e in events] == [first, second]
