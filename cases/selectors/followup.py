"""Reads of the follow-up: the letters of a case (the final response, the regulators' letters)
and its satisfaction surveys.

Every function takes a case the caller already reached through its scoped selector
(`case_get_for_staff`, `case_get_for_customer`) or a survey found from a verified link, so
reach is settled before these run.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cases.enums import Regime
from cases.models import Case, FinalResponseLetter, RegulatoryLetter, Survey


def letters_of_case(*, case: Case) -> QuerySet[FinalResponseLetter]:
    """The letters of the case, newest first, with who issued each (one query)."""
    return (
        FinalResponseLetter.objects.filter(case=case)
        .select_related("issued_by")
        .order_by("-issued_at", "-id")
    )


def letter_current(*, case: Case) -> FinalResponseLetter | None:
    """The letter the customer reads: the newest one. No query for a case that never had a
    final response."""
    if case.final_response_at is None:
        return None
    return letters_of_case(case=case).first()


def letter_get_for_case(*, case: Case, pk: int) -> FinalResponseLetter | None:
    return letters_of_case(case=case).filter(pk=pk).first()


def regulatory_letters_of_case(*, case: Case) -> list[RegulatoryLetter]:
    """The regulators' letters sent on the case (holding reply, delay notice, summary
    resolution), oldest first, with who issued each: one query, none for a case that never ran
    under a regime."""
    if case.regime == Regime.NONE:
        return []
    return list(
        RegulatoryLetter.objects.filter(case=case)
        .select_related("issued_by")
        .order_by("issued_at", "id")
    )


def regulatory_letter_get_for_case(*, case: Case, pk: int) -> RegulatoryLetter | None:
    return RegulatoryLetter.objects.filter(case=case, pk=pk).select_related("issued_by").first()


def survey_current(*, case: Case) -> Survey | None:
    """The latest survey round of the case. No query for a case that was never resolved."""
    if case.resolved_at is None and case.reopened_at is None:
        return None
    return Survey.objects.filter(case=case).order_by("-round").first()


def survey_for_link(*, pk: int) -> Survey | None:
    """The survey a verified link names, with its case (one query); the caller checks that
    the link's claim matches the case."""
    return Survey.objects.select_related("case").filter(pk=pk).first()
