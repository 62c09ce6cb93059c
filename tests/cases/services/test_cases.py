import pytest
from django.conf import settings

from cases.enums import Channel, ClockKind, Priority, Regime
from cases.lib.business_time import calendar_days_after
from cases.models import CaseEvent
from cases.services.cases import CaseDraft, case_open, case_update_triage
from complaints_site.common.exceptions import ApplicationError
from tests.factories.cases import SYSTEM

pytestmark = pytest.mark.django_db


def _open(**overrides):
    fields = {
        "category": "fees",
        "subject": "Withdrawal fee charged twice",
        "description": "Two fees for one withdrawal.",
        "complainant_account_id": "UID42",
        "complainant_email": "user@example.com",
        "channel": Channel.API,
        **overrides,
    }
    actor = fields.pop("actor", SYSTEM)
    return case_open(draft=CaseDraft(**fields), actor=actor)


def test_open_registers_once_with_clocks_history_and_event():
    case = _open(priority=Priority.P1, related_transactions=["tx1", "tx1", " tx2 "])
    first, resolution = settings.SLA_TARGETS["P1"]
    assert case.first_response_due_at == case.received_at + first
    assert case.resolution_due_at == case.received_at + resolution
    # A complaint in the default jurisdiction (GB): the FCA's eight weeks, to the end of the
    # London day.
    assert case.regime == Regime.FCA
    assert case.final_response_due_at == calendar_days_after(
        case.received_at, 56, time_zone="Europe/London"
    )
    assert set(case.clocks.values_list("kind", flat=True)) == {
        ClockKind.FIRST_RESPONSE,
        ClockKind.RESOLUTION,
        ClockKind.REG_FINAL,
    }
    assert case.next_due_at == case.first_response_due_at
    assert list(case.steps.values_list("state", "left_at")) == [("received", None)]
    assert sorted(case.transactions.values_list("txid", flat=True)) == ["tx1", "tx2"]
    assert case.history.count() == 1
    assert case.history.get().history_actor == "system:tests"
    assert list(CaseEvent.objects.filter(case=case).values_list("type", flat=True)) == [
        "case.opened"
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("complainant_email", "not-an-email"),
        ("category", "crypto_drama"),
        ("channel", "pigeon"),
        ("complainant_locale", "fr"),
        ("subject", "   "),
        ("complainant_account_id", ""),
    ],
)
def test_open_rejects_bad_input_per_field(field, value):
    with pytest.raises(ApplicationError) as exc:
        _open(**{field: value})
    assert field in exc.value.extra["errors"]
    from cases.models import Case

    assert Case.objects.count() == 0


def test_priority_change_recomputes_due_dates_with_reason():
    case = _open()
    case = case_update_triage(case=case, actor=SYSTEM, reason="funds at risk", priority="P1")
    assert case.first_response_due_at == case.received_at + settings.SLA_TARGETS["P1"][0]
    assert case.history.latest().history_change_reason == "funds at risk"
    with pytest.raises(ApplicationError):
        case_update_triage(case=case, actor=SYSTEM, reason="", priority="P2")
