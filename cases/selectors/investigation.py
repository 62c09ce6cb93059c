"""Reads behind the investigation part of the staff case page and the evidence page: the
annotations and snapshots of a case's evidence, the evidence a finding cites. The caller has
found the case or item through the staff selectors (`case_get_for_staff`,
`evidence_get_for_staff`), so reach is settled before these run."""

from __future__ import annotations

from cases.models import Case, Evidence, EvidenceAnnotation, Snapshot


def evidence_cited_for_staff(*, case: Case) -> list[Evidence]:
    """The evidence items the case's finding relies on, by number (one query; none when the
    finding cites nothing)."""
    ids = [int(pk) for pk in case.responsibility_evidence or []]
    if not ids:
        return []
    return list(Evidence.objects.filter(case_id=case.pk, pk__in=ids).order_by("pk"))


def evidence_notes_by_item(*, case: Case) -> dict[int, list[EvidenceAnnotation]]:
    """Every note on the case's evidence, oldest first, by evidence id: one query."""
    notes: dict[int, list[EvidenceAnnotation]] = {}
    for note in EvidenceAnnotation.objects.filter(evidence__case_id=case.pk).order_by(
        "created_at", "id"
    ):
        notes.setdefault(note.evidence_id, []).append(note)
    return notes


def evidence_notes(*, evidence: Evidence) -> list[EvidenceAnnotation]:
    """The notes on one evidence item, oldest first."""
    return list(evidence.annotations.order_by("created_at", "id"))


def snapshots_by_evidence(*, case: Case) -> dict[int, Snapshot]:
    """The case's exchange snapshots by the evidence item each is stored as: one query."""
    return {s.evidence_id: s for s in Snapshot.objects.filter(case_id=case.pk)}


def snapshot_get_for_evidence(*, evidence: Evidence) -> Snapshot | None:
    """The snapshot an evidence item holds, or None for any other kind of evidence."""
    return Snapshot.objects.filter(evidence=evidence).first()
