"""Human-friendly, unique case references, safe under concurrent inserts.

PostgreSQL: a sequence (created in migration 0003); `nextval` never hands out a number twice and
never blocks. Other databases (the SQLite demo): one counter row bumped with UPDATE ... RETURNING,
which the database serialises.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils import timezone

SEQUENCE_NAME = "cases_case_reference_seq"


def _next_number() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [SEQUENCE_NAME])
        else:
            cursor.execute(
                "INSERT INTO cases_referencecounter (key, value) VALUES (%s, 0) "
                "ON CONFLICT (key) DO NOTHING",
                [SEQUENCE_NAME],
            )
            cursor.execute(
                "UPDATE cases_referencecounter SET value = value + 1 WHERE key = %s "
                "RETURNING value",
                [SEQUENCE_NAME],
            )
        return int(cursor.fetchone()[0])


def check_digit(digits: str) -> str:
    """Luhn check digit, so a reference mistyped on the phone is caught at once."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def is_valid_reference(reference: str) -> bool:
    parts = reference.split("-")
    if len(parts) != 3 or not (parts[1] + parts[2]).isdigit():
        return False
    body = parts[1] + parts[2]
    return check_digit(body[:-1]) == body[-1]


def next_case_reference() -> str:
    """E.g. ``CX-2026-0000427`` (prefix, year of intake, number with a final check digit)."""
    number = f"{_next_number():06d}"
    year = timezone.now().year
    return f"{settings.CASE_REFERENCE_PREFIX}-{year}-{number}{check_digit(f'{year}{number}')}"
