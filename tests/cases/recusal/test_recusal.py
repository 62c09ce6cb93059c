"""Recusal: each rule refuses the right person naming the rule; late conflicts take the case
away at once; only compliance overrides; every check is on the record."""

import pytest
from django.urls import reverse

from cases.models import CaseEvent, CaseRecusal, CheckOutcome, RecusalCheck
from cases.policies.recusal import (
    OWN_ACCOUNT,
    RELATED_PARTY,
    REVIEWER_IS_HANDLER,
    TOOK_PART,
    approver_conflict,
    recusal_conflicts,
    reviewer_conflict,
)
from cases.selectors.cases import case_list_for_staff
from cases.services.assignment import case_assign
from cases.services.conflicts import (
    case_participant_add,
    conflict_declaration_review,
    conflict_declaration_submit,
    staff_profile_ensure,
)
from cases.services.lifecycle import case_transition
from cases.services.recusal import recusal_override
from complaints_site.common.exceptions import PermissionDeniedError
from tests.factories.cases import SYSTEM, make_case

pytestmark = pytest.mark.django_db

ACCOUNT = "UID-555"


@pytest.fixture
def handler(staff, team):
    return staff("Case handler", teams=[team], username="hank")


@pytest.fixture
def case(team):
    return make_case(team=team, complainant_account_id=ACCOUNT)


@pytest.mark.parametrize(
    ("setup", "rule"),
    [
        ("own_account", OWN_ACCOUNT),
        ("counterparty", OWN_ACCOUNT),
        ("declared", RELATED_PARTY),
        ("participant", TOOK_PART),
        ("earlier_case", TOOK_PART),
        ("nothing", None),
        ("rejected_declaration", None),
        ("other_account", None),
    ],
)
def test_truth_table(setup, rule, handler, team, compliance_officer):
    case = make_case(team=team, complainant_account_id="UID-1")
    if setup == "own_account":
        staff_profile_ensure(user=handler, actor=SYSTEM, exchange_account_id="UID-1")
    elif setup == "counterparty":
        case = make_case(team=team, complainant_account_id="UID-2", counterparty_account_id="X9")
        staff_profile_ensure(user=handler, actor=SYSTEM, exchange_account_id="X9")
    elif setup == "declared":
        conflict_declaration_submit(
            staff=handler, actor=handler, kind="related_account", exchange_account_id="UID-1"
        )
    elif setup == "rejected_declaration":
        declaration = conflict_declaration_submit(
            staff=handler, actor=handler, kind="related_account", exchange_account_id="UID-1"
        )
        conflict_declaration_review(
            declaration=declaration, actor=compliance_officer, accept=False, note="not related"
        )
    elif setup == "participant":
        case_participant_add(
            case=case, user=handler, role="froze_account", source="ops log", actor=SYSTEM
        )
    elif setup == "earlier_case":
        earlier = make_case(team=team, assignee=handler)
        case = make_case(team=team, appeal_of=earlier)
    elif setup == "other_account":
        staff_profile_ensure(user=handler, actor=SYSTEM, exchange_account_id="UID-OTHER")
    found = [c.rule for c in recusal_conflicts(case=case, user=handler)]
    assert found == ([rule] if rule else [])


@pytest.fixture
def compliance_officer(staff):
    return staff("Compliance officer", username="cora")


def test_assignment_is_refused_naming_the_rule_and_recorded(case, handler, staff, team):
    staff_profile_ensure(user=handler, actor=SYSTEM, exchange_account_id=ACCOUNT)
    lead = staff("Team lead", teams=[team])
    with pytest.raises(PermissionDeniedError) as exc_info:
        case_assign(case=case, actor=lead, reason="take it", team=team, assignee=handler)
    assert exc_info.value.extra["rule"] == OWN_ACCOUNT
    assert "Own account" in exc_info.value.message
    check = RecusalCheck.objects.get(case=case, user=handler, act="assign")
    assert check.outcome == CheckOutcome.REFUSED
    assert check.rule == OWN_ACCOUNT
    case.refresh_from_db()
    assert case.assignee is None


def test_a_transition_by_a_conflicted_person_is_refused(case, handler, team):
    case = case_assign(case=case, actor=SYSTEM, reason="setup", team=team, assignee=handler)
    case_participant_add(case=case, user=handler, role="froze_account", source="x", actor=SYSTEM)
    with pytest.raises(PermissionDeniedError) as exc_info:
        case_transition(case=case, transition="start_assessment", actor=handler, reason="go")
    assert exc_info.value.extra["rule"] == TOOK_PART


def test_every_allowed_act_is_checked_and_recorded(case, handler, team):
    case = case_assign(case=case, actor=SYSTEM, reason="setup", team=team, assignee=handler)
    case_transition(case=case, transition="start_assessment", actor=handler, reason="go")
    acts = list(RecusalCheck.objects.filter(case=case).values_list("act", "outcome"))
    assert ("assign", "allowed") in acts
    assert ("transition:start_assessment", "allowed") in acts


def test_a_late_conflict_unassigns_and_removes_access_at_once(
    case, handler, team, client, staff, django_capture_on_commit_callbacks
):
    from django.core import mail

    from cases.services.assignment import team_create, team_member_add

    lead = staff("Team lead", username="lena")
    lead.email = "lena@exchange.example"
    lead.save()
    team = team_create(code="disputes", name="Disputes", actor=SYSTEM, lead=lead)
    team_member_add(team=team, user=handler, actor=SYSTEM)
    case = case_assign(case=case, actor=SYSTEM, reason="setup", team=team, assignee=handler)
    assert case_list_for_staff(user=handler).filter(pk=case.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        conflict_declaration_submit(
            staff=handler, actor=handler, kind="related_account", exchange_account_id=ACCOUNT
        )
    (notice,) = mail.outbox
    assert notice.to == ["lena@exchange.example"]
    assert case.reference in notice.subject
    case.refresh_from_db()
    assert case.assignee is None
    assert not case_list_for_staff(user=handler).filter(pk=case.pk).exists()
    needed = CaseEvent.objects.get(case=case, type="case.recusal.reassignment_needed")
    notified = CaseEvent.objects.get(case=case, type="case.recusal.lead_notified")
    assert notified.data == {"lead": "lena", "for_event": needed.pk}
    # A re-delivered task sends nothing more.
    from cases.tasks import recusal_notify_lead

    assert recusal_notify_lead.delay(case.pk, lead.pk, needed.pk).get() is False
    assert len(mail.outbox) == 1
    client.force_login(handler)
    page = reverse("admin:cases_case_change", args=[case.pk])
    assert client.get(page).status_code in (302, 404)
    assert client.get(reverse("admin:cases_case_changelist")).context["cl"].result_count == 0


def test_recusal_binds_superusers_and_auditors_too(case, staff, admin_user):
    staff_profile_ensure(user=admin_user, actor=SYSTEM, exchange_account_id=ACCOUNT)
    assert not case_list_for_staff(user=admin_user).filter(pk=case.pk).exists()
    auditor = staff("Auditor")
    assert case_list_for_staff(user=auditor).filter(pk=case.pk).exists()


def test_only_compliance_overrides_with_a_reason(case, handler, team, staff, compliance_officer):
    staff_profile_ensure(user=handler, actor=SYSTEM, exchange_account_id=ACCOUNT)
    recusal = CaseRecusal.objects.get(case=case, user=handler)
    with pytest.raises(PermissionDeniedError):
        recusal_override(recusal=recusal, actor=staff("Team lead", teams=[team]), reason="x")
    recusal_override(
        recusal=recusal, actor=compliance_officer, reason="Account closed years ago; reviewed."
    )
    assert case_list_for_staff(user=handler).filter(pk=case.pk).exists()
    case_assign(case=case, actor=SYSTEM, reason="after override", team=team, assignee=handler)
    check = RecusalCheck.objects.filter(case=case, user=handler, act="assign").latest("id")
    assert check.outcome == CheckOutcome.OVERRIDDEN
    event = CaseEvent.objects.get(case=case, type="case.recusal.overridden")
    assert event.actor == compliance_officer


def test_maker_checker_and_quality_review_rules(case, handler, team):
    assert approver_conflict(approver=handler, proposer=handler).rule == "approver_is_proposer"
    assert approver_conflict(approver=handler, proposer=None) is None
    case = case_assign(case=case, actor=SYSTEM, reason="setup", team=team, assignee=handler)
    assert reviewer_conflict(case=case, reviewer=handler).rule == REVIEWER_IS_HANDLER


def test_a_case_about_a_staff_members_own_account_is_barred_from_them_at_intake(staff):
    from cases.services.intake import intake_submit
    from tests.factories.cases import make_team, submission

    support = make_team("support", "Customer support")
    agent = staff("Support agent", teams=[support], username="amy")
    colleague = staff("Support agent", teams=[support], username="ben")
    staff_profile_ensure(user=agent, actor=SYSTEM, exchange_account_id="UID-AMY")
    case = intake_submit(submission=submission(account_id="UID-AMY"), actor=SYSTEM).case
    assert case.team == support
    assert not case_list_for_staff(user=agent).filter(pk=case.pk).exists()
    assert case_list_for_staff(user=colleague).filter(pk=case.pk).exists()
    assert CaseRecusal.objects.get(case=case, user=agent).rule == OWN_ACCOUNT


@pytest.mark.postgres
def test_recusal_records_cannot_be_deleted_even_by_raw_sql(case, handler):
    from django.db import DatabaseError, connection, transaction

    staff_profile_ensure(user=handler, actor=SYSTEM, exchange_account_id=ACCOUNT)
    recusal = CaseRecusal.objects.get(case=case, user=handler)
    check = RecusalCheck.objects.create(
        case=case, user=handler, act="assign", outcome="allowed", actor_label="x"
    )
    for table, pk in (
        (CaseRecusal._meta.db_table, recusal.pk),
        (RecusalCheck._meta.db_table, check.pk),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608
    assert CaseRecusal.objects.filter(pk=recusal.pk).exists()
