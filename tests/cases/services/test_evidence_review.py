"""The handler's review of evidence: relevance, sensitivity and append-only notes."""

import pytest
from django.db import DatabaseError, connection, transaction

from cases import roles
from cases.enums import CaseState
from cases.models import CaseEvent, Evidence, EvidenceAnnotation, Relevance
from cases.policies import may_view_sensitive
from cases.services.evidence import evidence_add, evidence_review
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError
from tests.factories.cases import SYSTEM
from tests.support import files
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(staff, team):
    return staff(roles.CASE_HANDLER, teams=[team])


@pytest.fixture
def case(case_factory, team):
    return case_factory(team=team, state_path=path_to(CaseState.INVESTIGATING))


def _evidence(case, **kwargs):
    return evidence_add(
        case=case, actor=SYSTEM, name="statement.pdf", content=files.pdf(), channel="web", **kwargs
    )


def test_review_sets_relevance_and_adds_a_note(case, handler):
    evidence = _evidence(case)
    history = evidence.history.count()

    reviewed = evidence_review(
        evidence=evidence,
        actor=handler,
        relevance=Relevance.RELEVANT,
        note="  Shows the fill at 64,000.10.  ",
    )

    reviewed.refresh_from_db()
    assert reviewed.relevance == Relevance.RELEVANT
    assert reviewed.sha256 == evidence.sha256
    (annotation,) = EvidenceAnnotation.objects.filter(evidence=evidence)
    assert annotation.text == "Shows the fill at 64,000.10."
    assert annotation.author == handler
    assert annotation.author_label == f"user:{handler.pk}:{handler.username}"
    event = CaseEvent.objects.get(case=case, type="evidence.reviewed")
    assert event.actor == handler
    assert event.data == {
        "evidence": evidence.pk,
        "relevance": [Relevance.UNREVIEWED, Relevance.RELEVANT],
        "note": annotation.pk,
    }
    assert evidence.history.count() == history + 1
    assert evidence.history.latest().history_change_reason == "Evidence reviewed"


def test_a_note_alone_adds_an_annotation_and_changes_no_field(case, handler):
    evidence = _evidence(case)
    history = evidence.history.count()

    evidence_review(evidence=evidence, actor=handler, note="Check against the order log.")
    evidence_review(evidence=evidence, actor=handler, note="Checked: matches.")

    assert list(
        EvidenceAnnotation.objects.filter(evidence=evidence).values_list("text", flat=True)
    ) == ["Check against the order log.", "Checked: matches."]
    assert evidence.history.count() == history
    assert CaseEvent.objects.filter(case=case, type="evidence.reviewed").count() == 2


@pytest.mark.postgres
def test_notes_cannot_be_changed_or_deleted(case, handler):
    evidence = _evidence(case)
    evidence_review(evidence=evidence, actor=handler, note="Original note.")
    annotation = EvidenceAnnotation.objects.get(evidence=evidence)

    for sql in (
        "UPDATE cases_evidenceannotation SET text = 'forged' WHERE id = %s",
        "DELETE FROM cases_evidenceannotation WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [annotation.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        EvidenceAnnotation.objects.filter(pk=annotation.pk).delete()

    annotation.refresh_from_db()
    assert annotation.text == "Original note."


def test_someone_without_reach_cannot_review(case, staff, other_team):
    evidence = _evidence(case)
    agent_elsewhere = staff(roles.SUPPORT_AGENT, teams=[other_team])

    with pytest.raises(PermissionDeniedError):
        evidence_review(
            evidence=evidence, actor=agent_elsewhere, relevance=Relevance.RELEVANT, note="x"
        )

    evidence.refresh_from_db()
    assert evidence.relevance == Relevance.UNREVIEWED
    assert not EvidenceAnnotation.objects.exists()
    assert not CaseEvent.objects.filter(type="evidence.reviewed").exists()


def test_only_someone_allowed_to_see_sensitive_items_clears_the_flag(case, handler, staff):
    evidence = _evidence(case, is_sensitive=True)
    assert not may_view_sensitive(handler)

    with pytest.raises(PermissionDeniedError):
        evidence_review(evidence=evidence, actor=handler, is_sensitive=False, note="Not an ID.")
    evidence.refresh_from_db()
    assert evidence.is_sensitive is True
    assert not EvidenceAnnotation.objects.exists()

    root = staff(None, superuser=True)
    assert may_view_sensitive(root)
    evidence_review(evidence=evidence, actor=root, is_sensitive=False)
    evidence.refresh_from_db()
    assert evidence.is_sensitive is False

    # Marking an item sensitive needs no such right.
    evidence_review(evidence=evidence, actor=handler, is_sensitive=True)
    evidence.refresh_from_db()
    assert evidence.is_sensitive is True


def test_an_empty_review_or_an_unknown_relevance_is_refused(case, handler):
    evidence = _evidence(case)
    cases = [
        {},
        {"note": "   "},
        {"relevance": Relevance.UNREVIEWED},  # no change and no note
        {"relevance": "maybe", "note": "Unsure."},
    ]
    for kwargs in cases:
        with pytest.raises(ApplicationError) as exc_info:
            evidence_review(evidence=evidence, actor=handler, **kwargs)
        assert type(exc_info.value) is ApplicationError, kwargs

    stored = Evidence.objects.get(pk=evidence.pk)
    assert stored.relevance == Relevance.UNREVIEWED
    assert not EvidenceAnnotation.objects.exists()
    assert not CaseEvent.objects.filter(type="evidence.reviewed").exists()
