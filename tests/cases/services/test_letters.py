"""The final response letter (issue 13, item 5): issued by a lead in the customer's language,
stored once with the SHA-256 of its text (append-only), the case moved to final response in
the same transaction, the customer sent the letter."""

import hashlib
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from cases.enums import CaseState
from cases.models import Case, CaseEvent, FinalResponseLetter, Notification
from cases.roles import CASE_HANDLER, TEAM_LEAD
from cases.services.letters import arbitration_deadline, letter_issue
from cases.services.notifications import notification_render
from complaints_site.common.actors import SystemActor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from tests.factories.cases import make_case
from tests.support.lifecycle import cite_evidence, path_to

pytestmark = pytest.mark.django_db

REASONS = "The order log shows your order was filled at the quoted price; no fault of ours."


@pytest.fixture
def lead(staff, team):
    return staff(TEAM_LEAD, teams=[team], username="lena")


def _case(team, state=CaseState.INVESTIGATING, **overrides):
    return make_case(team=team, state_path=path_to(state), **overrides)


def _issue(case, actor, **overrides):
    kwargs = {
        "case": case,
        "actor": actor,
        "outcome": "not_upheld",
        "reasons": REASONS,
        "evidence_ids": cite_evidence(case),
        **overrides,
    }
    return letter_issue(**kwargs)


def test_the_letter_is_stored_with_the_hash_of_its_text_and_the_case_moves(lead, team):
    case = _case(team, subject="Limit order filled late")
    with transaction.atomic():
        letter = _issue(case, lead)
    assert letter.sha256 == hashlib.sha256(letter.body.encode("utf-8")).hexdigest()
    assert letter.issued_by == lead
    assert letter.locale == "en"
    body = letter.body
    assert case.reference in body
    assert "Limit order filled late" in body
    assert "Complaint not upheld" in body
    assert REASONS in body
    assert "transcript.txt" in body
    # Under the FCA (the default jurisdiction): the ombudsman, not arbitration.
    assert "Financial Ombudsman Service" in body
    assert letter.evidence == [
        {"id": case.evidence.get().pk, "name": "transcript.txt"},
    ]
    case.refresh_from_db()
    assert case.state == CaseState.FINAL_RESPONSE
    assert case.final_response_text == REASONS
    assert case.final_response_at is not None
    # One transition: one history row with the reason, one event by the lead.
    event = CaseEvent.objects.get(case=case, type="case.transition.issue_final_response")
    assert event.actor_label.startswith(f"user:{lead.pk}:")
    assert letter.sha256[:12] in event.reason
    assert (
        case.history.filter(history_change_reason__startswith="Final response letter").count() == 1
    )


def test_the_customer_is_sent_the_letter_text_and_a_portal_link(lead, team):
    case = _case(team)
    letter = _issue(case, lead)
    rows = Notification.objects.filter(case=case, kind="case.final_response")
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "portal"]
    subject, body = notification_render(rows.get(channel="email"))
    assert case.reference in subject
    assert letter.body.strip() in body
    assert f"/portal/cases/{case.reference}/letter/" in body
    assert letter.sha256 in body


def test_the_email_waits_for_the_commit(lead, team, django_capture_on_commit_callbacks):
    case = _case(team)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _issue(case, lead)
    assert callbacks  # the delivery is queued only after commit


@pytest.mark.postgres
def test_an_issued_letter_cannot_be_changed_or_deleted(lead, team):
    letter = _issue(_case(team), lead)
    for sql in (
        "UPDATE cases_finalresponseletter SET reasons = 'We were wrong' WHERE id = %s",
        "DELETE FROM cases_finalresponseletter WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [letter.pk])
    letter.body = "Something else"
    with pytest.raises(DatabaseError), transaction.atomic():
        letter.save()
    stored = FinalResponseLetter.objects.get(pk=letter.pk)
    assert hashlib.sha256(stored.body.encode()).hexdigest() == stored.sha256


def test_a_chinese_customer_gets_the_letter_in_chinese(lead, team):
    case = _case(team, complainant_locale="zh-hans")
    letter = _issue(case, lead, outcome="partly_upheld")
    assert letter.locale == "zh-hans"
    assert "最终答复" in letter.subject
    assert "金融申诉专员" in letter.body
    assert "部分成立" in letter.body  # the outcome's label
    deadline = letter.arbitration_deadline
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in letter.body
    assert letter.sha256 == hashlib.sha256(letter.body.encode("utf-8")).hexdigest()
    assert "Your right to refer" not in letter.body


def test_the_referral_deadline_is_six_calendar_months_after_the_letter(lead, team):
    letter = _issue(_case(team), lead)
    # The letter's date is the London day (the default jurisdiction), not the UTC one.
    issued = timezone.localtime(letter.issued_at, ZoneInfo("Europe/London")).date()
    assert letter.arbitration_deadline == arbitration_deadline(issued)
    months = (letter.arbitration_deadline.year - issued.year) * 12 + (
        letter.arbitration_deadline.month - issued.month
    )
    assert months == 6
    assert letter.arbitration_deadline.strftime("%-d %B %Y") in letter.body
    # Calendar months: the end of a month stays the end of a month.
    assert arbitration_deadline(date(2026, 8, 31)) == date(2027, 2, 28)
    assert arbitration_deadline(date(2027, 8, 31)) == date(2028, 2, 29)


def test_the_deadline_follows_the_setting_outside_a_regime(lead, team, settings):
    """A plain query runs under no regime: the arbitration months of the settings."""
    settings.ARBITRATION_REFERRAL_MONTHS = 3
    letter = _issue(_case(team, is_complaint=False), lead)
    issued = timezone.localtime(letter.issued_at, ZoneInfo("Europe/London")).date()
    assert arbitration_deadline(date(2026, 1, 15)) == date(2026, 4, 15)
    assert letter.arbitration_deadline == arbitration_deadline(issued)
    assert "within 3 months of the date of this letter" in letter.body
    assert "Your right to refer the dispute to arbitration" in letter.body


def _unchanged(case):
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == case.state
    assert not FinalResponseLetter.objects.filter(case=case).exists()
    assert not Notification.objects.filter(case=case, kind="case.final_response").exists()


def test_evidence_of_another_case_is_refused(lead, team):
    case = _case(team)
    other = _case(team)
    foreign = cite_evidence(other)
    with pytest.raises(ApplicationError) as refused:
        _issue(case, lead, evidence_ids=[*cite_evidence(case), *foreign])
    assert "evidence" in refused.value.extra["errors"]
    _unchanged(case)


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("outcome", {"outcome": "maybe"}),
        ("reasons", {"reasons": "   "}),
        ("evidence", {"evidence_ids": []}),
        ("evidence", {"evidence_ids": ["abc"]}),
    ],
)
def test_bad_input_is_refused_naming_the_field(lead, team, field, overrides):
    case = _case(team)
    with pytest.raises(ApplicationError) as refused:
        _issue(case, lead, **overrides)
    assert field in refused.value.extra["errors"]
    _unchanged(case)


def test_only_a_lead_with_the_case_in_reach_issues_it(staff, team, other_team, portal_user):
    case = _case(team)
    handler = staff(CASE_HANDLER, teams=[team])
    outsider = staff(TEAM_LEAD, teams=[other_team])
    for actor in (handler, outsider, SystemActor("tests"), portal_user("pat")):
        with pytest.raises(PermissionDeniedError):
            _issue(case, actor)
    _unchanged(case)


@pytest.mark.parametrize("state", [CaseState.RECEIVED, CaseState.RESOLUTION_PROPOSED])
def test_not_while_the_case_is_elsewhere(lead, team, state):
    case = _case(team, state=state)
    with pytest.raises(ConflictError):
        _issue(case, lead)
    _unchanged(case)


def test_a_stale_page_is_a_conflict(lead, team):
    case = _case(team)
    with pytest.raises(ConflictError):
        _issue(case, lead, expected_state=CaseState.PROPOSAL_REJECTED)
    _unchanged(case)


@pytest.mark.parametrize(
    "state", [CaseState.RESPONSIBILITY_DETERMINED, CaseState.PROPOSAL_REJECTED]
)
def test_after_a_finding_or_a_rejected_offer(lead, team, state):
    case = _case(team, state=state)
    letter = _issue(case, lead, outcome="partly_upheld")
    assert Case.objects.get(pk=case.pk).state == CaseState.FINAL_RESPONSE
    assert letter.outcome == "partly_upheld"


def test_the_lifecycle_walk_issues_a_letter(team):
    case = _case(team, state=CaseState.FINAL_RESPONSE)
    letter = FinalResponseLetter.objects.get(case=case)
    assert letter.issued_by.username == "walker"
    assert letter.issued_at <= timezone.now()


# --- the PDF -----------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    """The PDF's text with NULs and whitespace removed (pypdf 7.1 reads fpdf2's CJK CMaps with a
    NUL before each character and spaces between glyphs: docs/pdf.md)."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    return "".join(text.replace("\x00", "").split())


def _squash(text: str) -> str:
    return "".join(text.split())


def test_the_pdf_carries_the_stored_chinese_text_and_is_the_same_each_time(lead, team):
    from cases.services.letters import letter_pdf

    case = _case(team, complainant_locale="zh-hans")
    letter = _issue(case, lead, reasons="订单日志显示您的订单以报价成交，平台无过错。")
    first = letter_pdf(letter=FinalResponseLetter.objects.get(pk=letter.pk))
    second = letter_pdf(letter=FinalResponseLetter.objects.get(pk=letter.pk))
    assert first == second
    assert first.startswith(b"%PDF")
    text = _pdf_text(first)
    for block in letter.body.split("\n\n"):
        assert _squash(block) in text, block
    assert "订单日志显示您的订单以报价成交" in text
    assert "您提交投诉的权利" in text
    assert letter.sha256 in text
    import io

    from pypdf import PdfReader

    meta = PdfReader(io.BytesIO(first)).metadata
    assert meta.title == letter.subject


def test_the_pdf_is_made_from_the_stored_letter_not_the_case(lead, team):
    """The case moves on after the letter: the PDF, made from the stored letter alone, is
    byte for byte what it was."""
    from cases.services.letters import letter_pdf
    from cases.services.lifecycle import case_transition
    from tests.factories.cases import SYSTEM

    case = _case(team, subject="Withdrawal stuck")
    letter = _issue(case, lead)
    before = letter_pdf(letter=letter)
    assert "Withdrawalstuck" in _pdf_text(before)
    case_transition(case=case, transition="close", actor=SYSTEM, reason="Nothing more to do")
    again = FinalResponseLetter.objects.select_related("case").get(pk=letter.pk)
    assert letter_pdf(letter=again) == before


def test_not_while_a_new_offer_is_being_prepared(lead, team):
    """An unsent offer would hang in the approvers' queue: it is dropped first."""
    from cases.services.offers import offer_discard, offer_draft
    from tests.support.lifecycle import advice_terms, walker

    case = _case(team, state=CaseState.PROPOSAL_REJECTED)
    offer = offer_draft(case=case, actor=walker(), terms=advice_terms())
    with pytest.raises(ConflictError) as refused:
        _issue(case, lead)
    assert f"Offer v{offer.version}" in refused.value.message
    _unchanged(case)
    offer_discard(offer=offer, actor=walker(), reason="The exchange gives its final word.")
    assert _issue(case, lead).outcome == "not_upheld"
