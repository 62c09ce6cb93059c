from cases.models.access import CaseGroupObjectPermission, CaseUserObjectPermission
from cases.models.case import Case, CaseTransaction, ReferenceCounter
from cases.models.events import CaseEvent
from cases.models.staff import StaffProfile, Team, TeamMembership

__all__ = [
    "Case",
    "CaseEvent",
    "CaseGroupObjectPermission",
    "CaseTransaction",
    "CaseUserObjectPermission",
    "ReferenceCounter",
    "StaffProfile",
    "Team",
    "TeamMembership",
]
