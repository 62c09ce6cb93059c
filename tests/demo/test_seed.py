from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.enums import CaseState, Channel
from cases.models import (
    Case,
    CaseEvent,
    CaseGroupObjectPermission,
    CaseTransaction,
    CaseUserObjectPermission,
    CustomerProfile,
    Evidence,
    ExecutionAttempt,
    Message,
    Notification,
    OfferAction,
    OfferApproval,
    ResolutionOffer,
    StaffProfile,
    Survey,
    Team,
    TeamMembership,
)
from channels.models import ChatSession, InboundEmail, SocialMention
from demo.data import CASES
from demo.data.people import DEMO_PASSWORD, TEAMS, USERS
from demo.data.timeline import final_state
from demo.models import LedgerAction, LedgerPrice

pytestmark = pytest.mark.django_db

User = get_user_model()


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything seed_demo writes, with the timestamps that would move on any save."""
    return {
        "users": sorted(
            User.objects.values_list("username", "password", "email", "is_staff", "is_superuser")
        ),
        "user_groups": sorted(
            User.groups.through.objects.values_list("user__username", "group__name")
        ),
        "teams": sorted(Team.objects.values_list("code", "name", "lead__username")),
        "memberships": sorted(
            TeamMembership.objects.values_list("team__code", "user__username", "created_at")
        ),
        "profiles": sorted(
            StaffProfile.objects.values_list("user__username", "languages", "skills")
        ),
        "cases": sorted(
            Case.objects.values_list(
                "reference", "state", "team__code", "assignee__username", "updated_at"
            )
        ),
        "transactions": CaseTransaction.objects.count(),
        "case_history": Case.history.count(),
        "events": CaseEvent.objects.count(),
        "staff_history": (
            Team.history.count(),
            TeamMembership.history.count(),
            StaffProfile.history.count(),
        ),
        "object_permissions": (
            CaseUserObjectPermission.objects.count(),
            CaseGroupObjectPermission.objects.count(),
        ),
        "resolution": (
            sorted(ResolutionOffer.objects.values_list("case__reference", "version", "state")),
            sorted(OfferAction.objects.values_list("offer_id", "position", "execution_state")),
            OfferApproval.objects.count(),
            ExecutionAttempt.objects.count(),
            sorted(Survey.objects.values_list("case__reference", "round", "answered_at")),
            LedgerAction.objects.count(),
            LedgerPrice.objects.count(),
        ),
        "intake": (
            Message.objects.count(),
            Evidence.objects.count(),
            Notification.objects.count(),
            InboundEmail.objects.count(),
            ChatSession.objects.count(),
            SocialMention.objects.count(),
            CustomerProfile.objects.count(),
        ),
    }


# Cases the channels' demo opens through their own services (2 mails, 1 chat, 1 mention).
CHANNEL_CASES = 4


def test_second_run_creates_and_changes_nothing():
    first_output = seed()
    first = snapshot()
    second_output = seed()

    assert snapshot() == first
    assert len(first["cases"]) == len(CASES) + CHANNEL_CASES
    assert f"{len(CASES)} cases created" in first_output
    assert "0 users, 0 teams and 0 cases created" in second_output


def test_every_state_has_a_case_with_real_history():
    seed()

    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(CaseState.values)
    for case in Case.objects.all():
        transitions = case.events.filter(type__startswith="case.transition.").count()
        assert case.events.filter(type="case.opened").count() == 1
        assert transitions >= (0 if case.state == CaseState.RECEIVED else 1)
        # Opening and each transition leave a history row; the last one is the current state.
        assert case.history.count() >= 1 + transitions
        assert case.history.first().state == case.state
        assert not case.history.filter(history_actor="").exists()


def test_each_case_ends_where_its_walk_says():
    seed()

    for spec in CASES:
        case = Case.objects.get(complainant_email=spec.email, subject=spec.subject)
        assert case.state == final_state(spec), spec.subject


def test_demo_logins_and_their_roles():
    output = seed()

    for spec in USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_staff == spec.staff
        assert user.is_superuser == spec.superuser
        if spec.role:
            assert user.groups.filter(name=spec.role).exists(), spec.username
        teams = set(user.team_memberships.values_list("team__code", flat=True))
        assert teams == set(spec.teams), spec.username
        assert StaffProfile.objects.filter(user=user).exists() == spec.staff
        assert spec.username in output
    for code in ("support", "complaints"):
        assert Team.objects.get(code=code).lead.username == "lead"
    assert set(Team.objects.values_list("code", flat=True)) == {c for c, _name in TEAMS}


def test_portal_users_own_cases_and_staff_see_some():
    seed()

    alice = User.objects.get(username="alice")
    assert Case.objects.filter(customer=alice, complainant_email="alice@example.com").exists()
    assert Case.objects.filter(customer__username="bob").exists()
    assert Case.objects.filter(complainant_locale="zh-hans").count() >= 5
    for username in ("agent", "handler"):
        assert Case.objects.filter(assignee__username=username).exists()
    assert Case.objects.filter(team__code="arbitration").exists()


def test_a_login_changed_by_hand_is_left_alone():
    seed()
    agent = User.objects.get(username="agent")
    agent.set_password("changed-by-the-user")
    agent.first_name = "Renamed"
    agent.save()

    seed()

    agent.refresh_from_db()
    assert agent.check_password("changed-by-the-user")
    assert agent.first_name == "Renamed"


def test_every_channel_has_something_to_show():
    seed()

    assert set(Case.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert set(InboundEmail.objects.values_list("status", flat=True)) == {
        "new_case",
        "reply",
        "dropped",
        "quarantined",
    }
    chat = ChatSession.objects.get()
    assert chat.case.evidence.filter(kind="chat_transcript").exists()
    assert set(SocialMention.objects.values_list("status", flat=True)) == {
        "new",
        "replied",
        "converted",
    }
    api_cases = Case.objects.filter(channel="api")
    assert api_cases.exists()
    assert not api_cases.filter(intake_client=None).exists()
    for username in ("alice", "bob"):
        assert CustomerProfile.objects.filter(user__username=username).exists()
        assert Evidence.objects.filter(case__customer__username=username).exists()
    assert Message.objects.filter(direction="outbound").exists()


def test_the_investigation_screens_have_something_to_show():
    from cases.models import Consultation, EvidenceAnnotation, Snapshot

    seed()

    # Every finding cites a snapshot of the case's own exchange records, reviewed as relevant.
    found = Case.objects.exclude(responsibility="")
    assert found.exists()
    for case in found:
        (cited,) = case.responsibility_evidence
        snapshot = Snapshot.objects.get(evidence_id=cited)
        assert snapshot.case_id == case.pk
        assert snapshot.account_id == case.complainant_account_id
        assert snapshot.evidence.relevance == "relevant"
    assert Snapshot.objects.filter(record_count__gt=0).count() >= 10
    assert EvidenceAnnotation.objects.exists()
    # The consultation inbox: one answered with access revoked, one overdue, one open.
    statuses = {(c.status, c.is_overdue) for c in Consultation.objects.all()}
    assert statuses == {("answered", False), ("open", True), ("open", False)}
    specialist = User.objects.get(username="specialist")
    assert specialist.has_perm("cases.answer_consultation")
    # An identity document the support agent sees listed but may not open.
    assert Evidence.objects.filter(is_sensitive=True).exists()
    assert not User.objects.get(username="agent").has_perm("cases.view_sensitive_evidence")
    assert User.objects.get(username="lead").has_perm("cases.view_sensitive_evidence")


def test_the_demo_has_a_declared_conflict_for_compliance_to_review():
    """The specialist's declaration bars them from the account's case at once and waits for a
    compliance officer (never the declarant) to review it."""
    from cases.models import CaseRecusal, ConflictDeclaration
    from demo.data.investigation import DEMO_CONFLICT

    seed()
    declaration = ConflictDeclaration.objects.get()
    assert declaration.staff.username == DEMO_CONFLICT["staff"]
    recusal = CaseRecusal.objects.get()
    assert recusal.user == declaration.staff
    assert recusal.case.complainant_account_id == DEMO_CONFLICT["exchange_account_id"]
