"""The export streams 100,000 rows in bounded memory (server-side cursor, chunks of 2,000)."""

from __future__ import annotations

import tracemalloc

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ROWS = 100_000
PEAK_LIMIT = 20 * 1024 * 1024


def test_export_of_100000_rows_stays_flat_in_memory(busy_case, auditor_client):
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        (
            CaseEvent(
                case=busy_case,
                type="bench.row",
                actor_label="system:bench",
                reason=f"row {i} " + "x" * 80,
                created_at=now,
            )
            for i in range(ROWS)
        ),
        batch_size=5000,
    )
    url = reverse("admin:cases_case_audit_export", args=["csv"])
    tracemalloc.start()
    try:
        response = auditor_client.get(url, {"model": "cases.caseevent"})
        lines = 0
        size = 0
        for piece in response.streaming_content:
            lines += piece.count(b"\n")
            size += len(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    events = CaseEvent.objects.count()
    assert events >= ROWS
    assert lines == events + 1  # the header
    # The whole file is well over 10 MB; holding the rows would cost several times that.
    assert size > 10 * 1024 * 1024
    assert peak < PEAK_LIMIT, peak
    print(f"exported {events} rows, {size / 2**20:.1f} MiB, peak {peak / 2**20:.1f} MiB")
