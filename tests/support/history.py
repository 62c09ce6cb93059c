"""Volume for the auditor's screens: many history rows of one case, written in bulk."""

import datetime as dt

from cases.models import Case


def copies_of_history(case: Case, count: int, *, start: dt.datetime):
    """`count` more history rows of the case, each changing the subject (bulk, no services:
    only the volume matters here)."""
    model = Case.history.model
    template = case.history.order_by("-history_id").first()
    rows = []
    for i in range(count):
        row = model.objects.get(pk=template.pk)
        row.history_id = None
        row.history_type = "~"
        row.subject = f"subject {i}"
        row.history_date = start + dt.timedelta(seconds=i)
        row.history_change_reason = f"bulk {i}"
        rows.append(row)
    model.objects.bulk_create(rows, batch_size=500)
