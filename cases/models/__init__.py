from cases.models.access import CaseGroupObjectPermission, CaseUserObjectPermission
from cases.models.case import Case, CaseTransaction, ReferenceCounter
from cases.models.correspondence import (
    Message,
    MessageDirection,
    Notification,
    NotificationChannel,
    NotificationStatus,
)
from cases.models.customers import CustomerProfile
from cases.models.events import CaseEvent
from cases.models.evidence import Evidence, EvidenceKind
from cases.models.intake import IdempotencyKey
from cases.models.quality import QualityReview, ReviewStatus
from cases.models.recusal import (
    CaseParticipant,
    CaseRecusal,
    CheckOutcome,
    ConflictDeclaration,
    ConflictKind,
    DeclarationStatus,
    ParticipantRole,
    RecusalCheck,
)
from cases.models.routing import RoutingRule
from cases.models.staff import StaffProfile, Team, TeamMembership

__all__ = [
    "Case",
    "CaseEvent",
    "CaseGroupObjectPermission",
    "CaseParticipant",
    "CaseRecusal",
    "CaseTransaction",
    "CaseUserObjectPermission",
    "CheckOutcome",
    "ConflictDeclaration",
    "ConflictKind",
    "CustomerProfile",
    "DeclarationStatus",
    "Evidence",
    "EvidenceKind",
    "IdempotencyKey",
    "Message",
    "MessageDirection",
    "Notification",
    "NotificationChannel",
    "NotificationStatus",
    "ParticipantRole",
    "QualityReview",
    "RecusalCheck",
    "ReferenceCounter",
    "ReviewStatus",
    "RoutingRule",
    "StaffProfile",
    "Team",
    "TeamMembership",
]
