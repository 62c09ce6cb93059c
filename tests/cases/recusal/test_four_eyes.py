"""Four eyes on every compliance decision about a person: the officer who lifts a recusal or
reviews a declaration is never the person concerned (issue 11, finding 3)."""

import pytest
from django.urls import reverse

from cases.models import CaseEvent, CaseRecusal, ConflictDeclaration, DeclarationStatus
from cases.roles import COMPLIANCE_OFFICER
from cases.services.conflicts import (
    conflict_declaration_review,
    conflict_declaration_submit,
    staff_profile_ensure,
)
from cases.services.recusal import recusal_override
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError
from tests.factories.cases import SYSTEM, make_case

pytestmark = pytest.mark.django_db

ACCOUNT = "UID-4EYES"
REASON = "The account was closed in 2019 and never traded since."


@pytest.fixture
def officer(staff, team):
    # A compliance officer who also handles cases of the team (a conflicted colleague).
    return staff(COMPLIANCE_OFFICER, teams=[team], username="cora")


@pytest.fixture
def colleague(staff):
    return staff(COMPLIANCE_OFFICER, username="colin")


@pytest.fixture
def own_recusal(officer, team):
    case = make_case(team=team, complainant_account_id=ACCOUNT)
    staff_profile_ensure(user=officer, actor=SYSTEM, exchange_account_id=ACCOUNT)
    return CaseRecusal.objects.get(case=case, user=officer)


def test_an_officer_cannot_lift_their_own_recusal(officer, own_recusal):
    with pytest.raises(PermissionDeniedError) as exc_info:
        recusal_override(recusal=own_recusal, actor=officer, reason=REASON)
    assert "own recusal" in exc_info.value.message
    own_recusal.refresh_from_db()
    assert own_recusal.lifted_at is None
    assert not CaseEvent.objects.filter(type="case.recusal.overridden").exists()


def test_another_officer_lifts_it_and_both_people_are_recorded(officer, colleague, own_recusal):
    lifted = recusal_override(recusal=own_recusal, actor=colleague, reason=REASON)
    assert lifted.lifted_at is not None
    assert lifted.lifted_by == colleague
    assert lifted.user == officer
    event = CaseEvent.objects.get(type="case.recusal.overridden")
    assert event.actor == colleague
    assert event.data["user"] == "cora"
    assert event.data["overridden_by"] == "colin"
    assert event.reason == REASON


def test_an_override_needs_a_real_reason(colleague, own_recusal):
    with pytest.raises(ApplicationError) as exc_info:
        recusal_override(recusal=own_recusal, actor=colleague, reason="ok")
    assert "reason" in exc_info.value.extra["errors"]
    own_recusal.refresh_from_db()
    assert own_recusal.lifted_at is None


def test_a_conflicted_colleague_cannot_lift_a_bar_on_the_same_case(
    staff, team, colleague, own_recusal
):
    # The colleague declared the same customer's account: they have a stake in the case too.
    conflict_declaration_submit(
        staff=colleague, actor=colleague, kind="related_account", exchange_account_id=ACCOUNT
    )
    with pytest.raises(PermissionDeniedError) as exc_info:
        recusal_override(recusal=own_recusal, actor=colleague, reason=REASON)
    assert "conflict of interest" in exc_info.value.message
    own_recusal.refresh_from_db()
    assert own_recusal.lifted_at is None


def test_an_officer_cannot_review_their_own_declaration(officer, colleague):
    declaration = conflict_declaration_submit(
        staff=officer, actor=officer, kind="related_account", exchange_account_id=ACCOUNT
    )
    with pytest.raises(PermissionDeniedError) as exc_info:
        conflict_declaration_review(
            declaration=declaration, actor=officer, accept=False, note="Not related after all."
        )
    assert "own declaration" in exc_info.value.message
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PENDING
    assert declaration.reviewed_by is None

    reviewed = conflict_declaration_review(
        declaration=declaration, actor=colleague, accept=True, note="Her brother's account."
    )
    assert reviewed.status == DeclarationStatus.ACCEPTED
    assert reviewed.reviewed_by == colleague


def test_a_review_needs_a_note(officer, colleague):
    declaration = conflict_declaration_submit(
        staff=officer, actor=officer, kind="related_account", exchange_account_id=ACCOUNT
    )
    with pytest.raises(ApplicationError):
        conflict_declaration_review(declaration=declaration, actor=colleague, accept=False, note="")
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PENDING


def test_the_admin_offers_no_button_to_the_person_concerned_and_refuses_the_url(
    client, officer, colleague, own_recusal
):
    declaration = conflict_declaration_submit(
        staff=officer, actor=officer, kind="related_account", exchange_account_id="UID-OTHER"
    )
    override_url = reverse("admin:cases_caserecusal_override", args=[own_recusal.pk])
    review_url = reverse("admin:cases_conflictdeclaration_review", args=[declaration.pk])

    client.force_login(officer)
    assert override_url not in client.get(reverse("admin:cases_caserecusal_changelist")).text
    assert review_url not in client.get(reverse("admin:cases_conflictdeclaration_changelist")).text
    response = client.post(override_url, {"reason": REASON})
    assert response.status_code == 403
    assert "own recusal" in response.text
    response = client.post(review_url, {"accept": "0", "note": "Not related."})
    assert response.status_code == 403
    assert "own declaration" in response.text
    own_recusal.refresh_from_db()
    declaration.refresh_from_db()
    assert own_recusal.lifted_at is None
    assert declaration.status == DeclarationStatus.PENDING

    client.force_login(colleague)
    assert override_url in client.get(reverse("admin:cases_caserecusal_changelist")).text
    assert review_url in client.get(reverse("admin:cases_conflictdeclaration_changelist")).text
    assert client.post(override_url, {"reason": REASON}).status_code == 302
    assert client.post(review_url, {"accept": "1", "note": "Confirmed."}).status_code == 302
    own_recusal.refresh_from_db()
    assert own_recusal.lifted_by == colleague
    assert ConflictDeclaration.objects.get(pk=declaration.pk).reviewed_by == colleague
