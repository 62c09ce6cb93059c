from cases.models.access import CaseGroupObjectPermission, CaseUserObjectPermission
from cases.models.case import Case, CaseTransaction, ReferenceCounter
from cases.models.clocks import (
    BusinessHours,
    CaseClock,
    CaseStep,
    RegulatoryLetter,
    SlaPolicy,
)
from cases.models.correspondence import (
    Message,
    MessageDirection,
    Notification,
    NotificationChannel,
    NotificationStatus,
)
from cases.models.customers import CustomerProfile
from cases.models.events import CaseEvent
from cases.models.evidence import Evidence, EvidenceKind, Relevance, ScanStatus
from cases.models.followup import FinalResponseLetter, Survey
from cases.models.intake import ApiToken, IdempotencyKey
from cases.models.investigation import (
    Consultation,
    ConsultationStatus,
    EvidenceAnnotation,
    Snapshot,
)
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
from cases.models.resolution import (
    Asset,
    AssetKind,
    ExecutionAttempt,
    OfferAction,
    OfferApproval,
    ResolutionOffer,
)
from cases.models.routing import RoutingRule
from cases.models.staff import StaffProfile, Team, TeamMembership

__all__ = [
    "ApiToken",
    "Asset",
    "AssetKind",
    "BusinessHours",
    "Case",
    "CaseClock",
    "CaseEvent",
    "CaseGroupObjectPermission",
    "CaseParticipant",
    "CaseRecusal",
    "CaseStep",
    "CaseTransaction",
    "CaseUserObjectPermission",
    "CheckOutcome",
    "ConflictDeclaration",
    "ConflictKind",
    "Consultation",
    "ConsultationStatus",
    "CustomerProfile",
    "DeclarationStatus",
    "Evidence",
    "EvidenceAnnotation",
    "EvidenceKind",
    "ExecutionAttempt",
    "FinalResponseLetter",
    "IdempotencyKey",
    "Message",
    "MessageDirection",
    "Notification",
    "NotificationChannel",
    "NotificationStatus",
    "OfferAction",
    "OfferApproval",
    "ParticipantRole",
    "QualityReview",
    "RecusalCheck",
    "ReferenceCounter",
    "RegulatoryLetter",
    "Relevance",
    "ResolutionOffer",
    "ReviewStatus",
    "RoutingRule",
    "ScanStatus",
    "SlaPolicy",
    "Snapshot",
    "StaffProfile",
    "Survey",
    "Team",
    "TeamMembership",
]
