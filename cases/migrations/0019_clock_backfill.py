"""Cases opened before the clocks existed get theirs from the due dates they already carry:
the first response and resolution targets still owed, the final-response deadline of a
complaint, and their current lifecycle step (entered when the case last changed). The regime
is that of the default jurisdiction (a case opened before knew no jurisdiction)."""

from django.conf import settings
from django.db import migrations

TERMINAL = ("closed", "out_of_scope", "withdrawn")
BATCH = 2000


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseClock = apps.get_model("cases", "CaseClock")
    CaseStep = apps.get_model("cases", "CaseStep")
    default = settings.COMPLAINT_JURISDICTIONS.get(settings.DEFAULT_JURISDICTION, {})
    regime = default.get("regime", "none")
    with_clocks = CaseClock.objects.values("case_id")
    todo = Case.objects.exclude(pk__in=with_clocks).order_by("pk")
    last = 0
    while True:
        batch = list(todo.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        clocks, steps = [], []
        for case in batch:
            open_ = case.state not in TERMINAL
            steps.append(
                CaseStep(
                    case=case,
                    state=case.state,
                    entered_at=case.updated_at or case.received_at,
                    left_at=None,
                )
            )
            if not open_:
                continue
            paused = case.paused_at
            if case.first_response_at is None and case.first_response_due_at:
                clocks.append(
                    CaseClock(
                        case=case,
                        kind="first_response",
                        started_at=case.received_at,
                        due_at=case.first_response_due_at,
                        paused_at=paused,
                    )
                )
            if case.resolved_at is None and case.resolution_due_at:
                clocks.append(
                    CaseClock(
                        case=case,
                        kind="resolution",
                        started_at=case.received_at,
                        due_at=case.resolution_due_at,
                        paused_at=paused,
                    )
                )
            if (
                case.is_complaint
                and regime != "none"
                and case.final_response_at is None
                and case.final_response_due_at
                and case.state != "final_response"
            ):
                clocks.append(
                    CaseClock(
                        case=case,
                        kind="reg_final",
                        regime=regime,
                        started_at=case.received_at,
                        due_at=case.final_response_due_at,
                    )
                )
        CaseClock.objects.bulk_create(clocks)
        CaseStep.objects.bulk_create(steps)
        for case in batch:
            due = [c.due_at for c in clocks if c.case_id == case.pk and c.paused_at is None]
            Case.objects.filter(pk=case.pk).update(
                next_due_at=min(due, default=None),
                regime=regime,
                jurisdiction=settings.DEFAULT_JURISDICTION,
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_clocks")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
