import pytest

from cases.enums import TRANSITION_EVENT_PREFIX, CaseEventType
from cases.models import CaseEvent
from cases.services.events import case_event_record
from cases.services.lifecycle import TRANSITIONS
from tests.factories.cases import SYSTEM, make_case

pytestmark = pytest.mark.django_db


def test_the_event_service_refuses_a_plain_string_even_a_known_one():
    case = make_case()
    before = CaseEvent.objects.count()
    with pytest.raises(TypeError):
        case_event_record(case=case, type="case.triage.changed", actor=SYSTEM)
    with pytest.raises(TypeError):
        case_event_record(case=case, type="case.made.up", actor=SYSTEM)
    assert CaseEvent.objects.count() == before


def test_the_event_service_stores_the_members_dotted_value():
    case = make_case()
    event = case_event_record(case=case, type=CaseEventType.TRIAGE_CHANGED, actor=SYSTEM)
    event.refresh_from_db()
    assert event.type == "case.triage.changed"


def test_every_transition_has_its_event_type():
    for name in TRANSITIONS:
        assert CaseEventType.for_transition(name).value == f"{TRANSITION_EVENT_PREFIX}{name}"
    transition_members = {m for m in CaseEventType if m.value.startswith(TRANSITION_EVENT_PREFIX)}
    assert len(transition_members) == len(TRANSITIONS)
    with pytest.raises(ValueError, match="no_such_transition"):
        CaseEventType.for_transition("no_such_transition")
