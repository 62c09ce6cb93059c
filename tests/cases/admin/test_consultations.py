"""Consultations through the staff admin: a team asked about a case answers once (with a file)
and then loses the case, a withdrawal revokes the access, and the consultation list filters
the overdue in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.enums import CaseState
from cases.models import CaseEvent, Consultation, ConsultationStatus, Evidence
from cases.roles import SPECIALIST, SUPPORT_AGENT, TEAM_LEAD
from cases.services.assignment import team_create, team_member_add
from cases.services.consultations import consultation_request
from tests.factories.cases import SYSTEM, make_team
from tests.support.admin import (
    answer_url,
    change_url,
    consultation_list_url,
    listed_pks,
    snapshot_url,
    transition_buttons,
    transition_url,
    withdraw_url,
)
from tests.support.files import png
from tests.support.investigation import ask
from tests.support.lifecycle import path_to

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def specialist(staff, other_team):
    return staff(SPECIALIST, teams=[other_team])


def assert_out_of_reach(client, case) -> None:
    """What a staff member who lost the case gets: Django admin's "doesn't exist" redirect for
    the case page (as `test_case.assert_does_not_see` documents), 404 on its other views."""
    page = client.get(change_url(case))
    assert page.status_code == 302
    assert page["Location"] == reverse("admin:index")
    assert client.get(snapshot_url(case)).status_code == 404
    assert client.get(transition_url(case, "start_assessment")).status_code == 404


# --- 4. consultations through the admin --------------------------------------------------------


def test_consulted_specialist_answers_with_a_file_and_then_loses_the_case(
    client, handler, specialist, other_team, case
):
    client.force_login(specialist)
    assert_out_of_reach(client, case)

    client.force_login(handler)
    response = ask(client, case, other_team)
    assert response.status_code == 302
    consultation = Consultation.objects.get(case=case)
    assert consultation.team == other_team
    assert consultation.status == ConsultationStatus.OPEN
    assert consultation.due_at > timezone.now()

    client.force_login(specialist)
    page = client.get(change_url(case))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="consultation-answer-form"' in html
    assert answer_url(consultation) in html
    assert transition_buttons(page) == set()
    assert 'id="snapshot-link"' not in html
    assert 'class="consultation-withdraw-form"' not in html

    prefix = f"c{consultation.pk}"
    evidence_before = Evidence.objects.filter(case=case).count()
    response = client.post(
        answer_url(consultation),
        {
            f"{prefix}-answer": "Yes: a 4 s stall, see the attached chart.",
            f"{prefix}-file": SimpleUploadedFile("stall.png", png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == consultation_list_url()
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.ANSWERED
    assert consultation.answer == "Yes: a 4 s stall, see the attached chart."
    assert consultation.answer_evidence is not None
    assert consultation.answer_evidence.case_id == case.pk
    assert consultation.answer_evidence.content_type == "image/png"
    assert Evidence.objects.filter(case=case).count() == evidence_before + 1

    assert_out_of_reach(client, case)
    again = client.post(
        answer_url(consultation),
        {
            f"{prefix}-answer": "Second thoughts.",
            f"{prefix}-file": SimpleUploadedFile("again.png", png(), content_type="image/png"),
        },
    )
    assert again.status_code == 404
    consultation.refresh_from_db()
    assert consultation.answer == "Yes: a 4 s stall, see the attached chart."
    assert Evidence.objects.filter(case=case).count() == evidence_before + 1
    assert CaseEvent.objects.filter(case=case, type="consultation.answered").count() == 1

    client.force_login(handler)
    html = client.get(change_url(case)).content.decode()
    assert "Yes: a 4 s stall, see the attached chart." in html
    assert f'href="#evidence-{consultation.answer_evidence_id}"' in html


def test_withdrawal_by_the_handler_revokes_the_access(
    client, handler, specialist, other_team, case
):
    client.force_login(handler)
    ask(client, case, other_team)
    consultation = Consultation.objects.get(case=case)
    client.force_login(specialist)
    assert client.get(change_url(case)).status_code == 200

    client.force_login(handler)
    response = client.post(
        withdraw_url(consultation), {f"w{consultation.pk}-reason": "Found it in the logs"}
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.WITHDRAWN
    event = CaseEvent.objects.get(case=case, type="consultation.withdrawn")
    assert event.data["access_revoked"] is True

    client.force_login(specialist)
    assert_out_of_reach(client, case)
    answer = client.post(answer_url(consultation), {f"c{consultation.pk}-answer": "Late"})
    assert answer.status_code == 404
    consultation.refresh_from_db()
    assert consultation.answer == ""


# --- 5. the consultation list ------------------------------------------------------------------


@pytest.fixture
def legal(staff):
    lead = staff(TEAM_LEAD)
    team = team_create(code="legal", name="Legal", actor=SYSTEM, lead=lead)
    team_member_add(team=team, user=lead, actor=SYSTEM)
    return team


def overdue_consultation(case, team, asked_by, question="Overdue question"):
    # Test setup: a consultation that was due yesterday (the service refuses a past due date).
    return Consultation.objects.create(
        case=case,
        team=team,
        question=question,
        due_at=timezone.now() - timedelta(days=1),
        asked_by=asked_by,
        asked_by_label=asked_by.username,
        created_at=timezone.now() - timedelta(days=4),
    )


def test_lead_lists_the_team_consultations_and_filters_the_overdue(
    client, staff, handler, legal, other_team, case, case_factory, team
):
    on_time = consultation_request(case=case, actor=handler, team=legal, question="Is it legal?")
    late = overdue_consultation(case, legal, handler)
    answered = overdue_consultation(case, legal, handler, question="Answered long ago")
    answered.status = ConsultationStatus.ANSWERED
    answered.save()
    elsewhere = consultation_request(
        case=case_factory(team=team, state_path=path_to(CaseState.INVESTIGATING)),
        actor=handler,
        team=other_team,
        question="Not for legal",
    )

    client.force_login(legal.lead)
    response = client.get(consultation_list_url())
    assert listed_pks(response) == {on_time.pk, late.pk, answered.pk}
    assert elsewhere.pk not in listed_pks(response)
    assert listed_pks(client.get(consultation_list_url() + "?due=overdue")) == {late.pk}
    assert listed_pks(client.get(consultation_list_url() + "?due=open")) == {on_time.pk}

    client.force_login(staff(SUPPORT_AGENT, teams=[make_team("tech", "Tech")]))
    assert listed_pks(client.get(consultation_list_url())) == set()
    assert listed_pks(client.get(consultation_list_url() + "?due=overdue")) == set()


# Measured on PostgreSQL: 8 queries for the lead's changelist with 3 and with 30 consultations
# (the test asserts the two counts are equal); the budget is the measured count plus one.
CONSULTATION_LIST_BUDGET = 9


def test_consultation_list_queries_do_not_grow(
    client, handler, legal, case_factory, team, django_assert_max_num_queries
):
    cases = [case_factory(team=team, state_path=path_to(CaseState.INVESTIGATING)) for _ in range(3)]

    def add(n):
        Consultation.objects.bulk_create(
            Consultation(
                case=cases[i % len(cases)],
                team=legal,
                question=f"question {i}",
                due_at=timezone.now() + timedelta(days=1 if i % 2 else -1),
                asked_by=handler,
                asked_by_label=handler.username,
            )
            for i in range(n)
        )

    client.force_login(legal.lead)
    client.get(consultation_list_url())  # warm process-wide caches
    counts = []
    for n in (3, 27):
        add(n)
        with django_assert_max_num_queries(CONSULTATION_LIST_BUDGET) as captured:
            response = client.get(consultation_list_url())
        assert response.status_code == 200
        counts.append((len(listed_pks(response)), len(captured)))
    print(f"consultation list queries: {counts}")
    assert [rows for rows, _q in counts] == [3, 30]
    assert counts[0][1] == counts[1][1], counts
