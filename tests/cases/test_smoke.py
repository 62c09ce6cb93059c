import pytest

from cases.enums import CaseState

pytestmark = pytest.mark.django_db


def test_walk_to_resolution(case_factory, team):
    case = case_factory(
        team=team,
        state_path=[
            "start_assessment",
            "accept",
            ("determine_responsibility", {"responsibility": "platform_system_fault",
                                          "responsibility_rationale": "Matching engine lag."}),
            ("propose_resolution", {"resolution_summary": "Refund the fee."}),
            "record_acceptance",
            "start_execution",
            "complete_execution",
        ],
    )
    assert case.state == CaseState.RESOLVED
    assert case.history.count() == 9
