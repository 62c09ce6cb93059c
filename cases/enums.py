"""The vocabulary of a case. Values are stored; labels are shown and translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    # The seven steps of the lifecycle (seed section 三) ...
    RECEIVED = "received", _("Received")
    ASSESSING = "assessing", _("Preliminary assessment")
    INVESTIGATING = "investigating", _("Investigating")
    RESPONSIBILITY_DETERMINED = "responsibility_determined", _("Responsibility determined")
    RESOLUTION_PROPOSED = "resolution_proposed", _("Resolution proposed")
    RESOLUTION_ACCEPTED = "resolution_accepted", _("Resolution accepted")
    EXECUTING = "executing", _("Executing resolution")
    RESOLVED = "resolved", _("Resolved (follow-up)")
    CLOSED = "closed", _("Closed")
    # ... and the side exits.
    AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting customer")
    PROPOSAL_REJECTED = "proposal_rejected", _("Proposal rejected")
    FINAL_RESPONSE = "final_response", _("Final response issued")
    IN_ARBITRATION = "in_arbitration", _("In arbitration")
    REOPENED = "reopened", _("Reopened")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TERMINAL_STATES = frozenset({CaseState.CLOSED, CaseState.OUT_OF_SCOPE, CaseState.WITHDRAWN})
# Every state in which someone still acts on the case: derived, so a state added later is
# covered (the recusal sweep reads it; a late conflict must reach executing and arbitration).
NON_FINAL_STATES = frozenset(state for state in CaseState if state not in TERMINAL_STATES)
OPEN_STATES = frozenset(
    {
        CaseState.RECEIVED,
        CaseState.ASSESSING,
        CaseState.INVESTIGATING,
        CaseState.AWAITING_CUSTOMER,
        CaseState.RESPONSIBILITY_DETERMINED,
        CaseState.RESOLUTION_PROPOSED,
        CaseState.PROPOSAL_REJECTED,
        CaseState.REOPENED,
    }
)


class Category(models.TextChoices):
    TRADE_DISPUTE = "trade_dispute", _("Trade dispute")
    DEPOSIT_WITHDRAWAL = "deposit_withdrawal", _("Deposit / withdrawal")
    ACCOUNT_SECURITY = "account_security", _("Account security")
    ACCOUNT_FREEZE_KYC = "account_freeze_kyc", _("Account freeze / KYC")
    P2P_DISPUTE = "p2p_dispute", _("P2P dispute")
    FEES = "fees", _("Fees")
    SERVICE_QUALITY = "service_quality", _("Service quality")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    P1 = "P1", _("P1 - critical (funds at risk)")
    P2 = "P2", _("P2 - high")
    P3 = "P3", _("P3 - normal")
    P4 = "P4", _("P4 - low")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Live chat")
    SOCIAL = "social", _("Social media")
    STAFF = "staff", _("Entered by staff")


class Locale(models.TextChoices):
    EN = "en", _("English")
    ZH_HANS = "zh-hans", _("Simplified Chinese")


class ResponsibilityParty(models.TextChoices):
    PLATFORM_SYSTEM_FAULT = "platform_system_fault", _("Platform: system fault")
    PLATFORM_STAFF_ERROR = "platform_staff_error", _("Platform: staff error")
    USER_OPERATION_ERROR = "user_operation_error", _("User: operation error")
    USER_SECURITY_NEGLIGENCE = "user_security_negligence", _("User: security negligence")
    THIRD_PARTY_HACK = "third_party_hack", _("Third party: hack")
    THIRD_PARTY_PHISHING = "third_party_phishing", _("Third party: phishing")
    THIRD_PARTY_FRAUD = "third_party_fraud", _("Third party: fraud")
    THIRD_PARTY_P2P_COUNTERPARTY = (
        "third_party_p2p_counterparty",
        _("Third party: P2P counterparty"),
    )
    SHARED = "shared", _("Shared")
    UNDETERMINED = "undetermined", _("Undetermined")
