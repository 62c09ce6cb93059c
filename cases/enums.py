"""The vocabulary of a case. Values are stored; labels are shown and translated."""

from __future__ import annotations

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
# Cases on somebody's desk: neither finished (terminal) nor in follow-up after resolution.
WORKING_STATES = tuple(
    s
    for s in CaseState.values
    if s
    not in (
        CaseState.RESOLVED,
        CaseState.CLOSED,
        CaseState.OUT_OF_SCOPE,
        CaseState.WITHDRAWN,
    )
)
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


class OfferState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    REFUSED = "refused", _("Refused by an approver")
    APPROVED = "approved", _("Approved, ready to send")
    SENT = "sent", _("With the customer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired unanswered")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DISCARDED = "discarded", _("Discarded")


class OfferOutcome(models.TextChoices):
    UPHELD = "upheld", _("Complaint upheld")
    PARTLY_UPHELD = "partly_upheld", _("Complaint partly upheld")
    NOT_UPHELD = "not_upheld", _("Complaint not upheld")


class ActionKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    COMPENSATION = "compensation", _("Compensation")
    UNFREEZE = "unfreeze", _("Account unfreeze")
    REVERSE_TRANSACTION = "reverse_transaction", _("Transaction reversal")
    VOUCHER = "voucher", _("Coupon or voucher")
    SECURITY_ADVICE = "security_advice", _("Security advice")
    TECHNICAL_SUPPORT = "technical_support", _("Technical support")
    NO_ACTION = "no_action", _("No action (with an explanation)")


# Carried out at the exchange through the gateway (`perform`); the others are told, not done.
EXECUTED_ACTION_KINDS = frozenset(
    {
        ActionKind.REFUND,
        ActionKind.COMPENSATION,
        ActionKind.UNFREEZE,
        ActionKind.REVERSE_TRANSACTION,
        ActionKind.VOUCHER,
    }
)
# Kinds that move money: an amount in an asset is required.
MONEY_ACTION_KINDS = frozenset(
    {ActionKind.REFUND, ActionKind.COMPENSATION, ActionKind.VOUCHER, ActionKind.REVERSE_TRANSACTION}
)


class ActionExecutionState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    NOT_NEEDED = "not_needed", _("Nothing to carry out")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Sent to the exchange")
    DONE = "done", _("Done")
    NEEDS_ATTENTION = "needs_attention", _("Needs attention")
    CANCELLED = "cancelled", _("Cancelled")


# The assets seeded with the product (code, name, kind, decimal places, USD price symbol, at
# par): a data migration adds them, and post_migrate keeps them after a database flush. More
# are added in the admin.
DEFAULT_ASSETS = (
    ("BTC", "Bitcoin", "crypto", 8, "BTCUSDT", False),
    ("ETH", "Ether", "crypto", 18, "ETHUSDT", False),
    ("SOL", "Solana", "crypto", 9, "SOLUSDT", False),
    ("USDT", "Tether USD", "crypto", 6, "", True),
    ("USDC", "USD Coin", "crypto", 6, "", True),
    ("USD", "US dollar", "fiat", 2, "", True),
    ("EUR", "Euro", "fiat", 2, "EURUSD", False),
    ("GBP", "Pound sterling", "fiat", 2, "GBPUSD", False),
    ("CNY", "Chinese yuan", "fiat", 2, "CNYUSD", False),
)


def default_assets_ensure(asset_model, history_model=None) -> None:
    """Add any default asset missing (never changes an existing row). Each gets its first
    history row, as every tracked row must (the audit chain checks): simple-history writes it
    for the live model; a migration's historical model passes `history_model` to write it."""
    from django.utils import timezone

    for code, name, kind, decimals, symbol, par in DEFAULT_ASSETS:
        asset, created = asset_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "decimals": decimals,
                "usd_price_symbol": symbol,
                "usd_par": par,
            },
        )
        if created and history_model is not None:
            history_model.objects.create(
                id=asset.pk,
                code=asset.code,
                name=asset.name,
                kind=asset.kind,
                decimals=asset.decimals,
                usd_price_symbol=asset.usd_price_symbol,
                usd_par=asset.usd_par,
                active=asset.active,
                history_date=timezone.now(),
                history_type="+",
                history_change_reason="Seeded with the product",
                history_actor="system:migration",
            )


class ApprovalDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ApproverCapacity(models.TextChoices):
    TEAM_LEAD = "team_lead", _("Team lead")
    COMPLIANCE = "compliance", _("Compliance officer")


class AttemptOutcome(models.TextChoices):
    STARTED = "started", _("No answer recorded")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused by the exchange")
    UNAVAILABLE = "unavailable", _("Exchange unavailable")
    ERROR = "error", _("Error")


class DecisionChannel(models.TextChoices):
    PORTAL = "portal", _("Customer portal")
    API = "api", _("API")
    EMAIL_LINK = "email_link", _("Link in the email")
    STAFF = "staff", _("Recorded by staff")
    EXPIRY = "expiry", _("Deadline passed")


class ProcessReason(models.TextChoices):
    QUICK = "quick", _("Handled quickly")
    SLOW = "slow", _("Took too long")
    KEPT_INFORMED = "kept_informed", _("Kept me informed")
    NOT_INFORMED = "not_informed", _("I did not know what was happening")
    HELPFUL_STAFF = "helpful_staff", _("Helpful staff")
    UNHELPFUL_STAFF = "unhelpful_staff", _("Unhelpful staff")
    EASY = "easy", _("Easy to complain")
    HARD = "hard", _("Hard to complain")


class OutcomeReason(models.TextChoices):
    FAIR = "fair", _("Fair decision")
    UNFAIR = "unfair", _("Unfair decision")
    WELL_EXPLAINED = "well_explained", _("Well explained")
    NOT_EXPLAINED = "not_explained", _("Not explained")
    AMOUNT_RIGHT = "amount_right", _("The amount was right")
    AMOUNT_LOW = "amount_low", _("The amount was too low")
    PROBLEM_FIXED = "problem_fixed", _("My problem is fixed")
    PROBLEM_REMAINS = "problem_remains", _("My problem remains")


# Every case event type begins with this when it records a transition (`case.transition.<name>`).
TRANSITION_EVENT_PREFIX = "case.transition."


class CaseEventType(models.TextChoices):
    """The one vocabulary of the case's domain events (`CaseEvent.type`). The values are the
    dotted strings stored since the first event, so old rows keep their meaning; the event
    service accepts nothing else."""

    OPENED = "case.opened", _("Case opened")
    TRIAGE_CHANGED = "case.triage.changed", _("Triage changed")
    CLASSIFICATION_CHANGED = "case.classification.changed", _("Complaint or query changed")
    ASSIGNMENT_CHANGED = "case.assignment.changed", _("Assignment changed")
    INTAKE_ATTACHMENTS_REFUSED = "case.intake.attachments_refused", _("Attachments refused")
    MESSAGE_RECEIVED = "case.message.received", _("Message from the customer")
    MESSAGE_SENT = "case.message.sent", _("Reply to the customer")
    NOTE_ADDED = "case.note.added", _("Internal note")
    INFO_REQUESTED = "case.info.requested", _("Question to the customer")
    INFO_REMINDED = "case.info.reminded", _("Customer reminded of the question")
    RECUSED = "case.recusal.recused", _("Recusal")
    RECUSAL_OVERRIDDEN = "case.recusal.overridden", _("Recusal overridden")
    REASSIGNMENT_NEEDED = "case.recusal.reassignment_needed", _("Reassignment needed")
    LEAD_NOTIFIED = "case.recusal.lead_notified", _("Team lead told")
    EVIDENCE_ADDED = "evidence.added", _("Evidence added")
    EVIDENCE_REFUSED = "evidence.refused", _("Evidence refused")
    EVIDENCE_SCANNED = "evidence.scanned", _("Evidence scanned")
    EVIDENCE_REVIEWED = "evidence.reviewed", _("Evidence reviewed")
    EVIDENCE_VIEWED = "evidence.viewed", _("Evidence viewed")
    EVIDENCE_DOWNLOADED = "evidence.downloaded", _("Evidence downloaded")
    SNAPSHOT_PULLED = "evidence.snapshot.pulled", _("Exchange records pulled")
    CONSULTATION_REQUESTED = "consultation.requested", _("Consultation asked")
    CONSULTATION_ANSWERED = "consultation.answered", _("Consultation answered")
    CONSULTATION_WITHDRAWN = "consultation.withdrawn", _("Consultation withdrawn")
    CONSULTATION_LAPSED = "consultation.lapsed", _("Consultation lapsed")
    CONSULTATION_OVERDUE = "consultation.overdue", _("Consultation overdue")
    EMAIL_RAW_DOWNLOADED = "email.raw_downloaded", _("Raw email downloaded")
    OFFER_DRAFTED = "offer.drafted", _("Offer drafted")
    OFFER_EDITED = "offer.edited", _("Offer changed")
    OFFER_SUBMITTED = "offer.submitted", _("Offer submitted for approval")
    OFFER_APPROVED = "offer.approved", _("Offer approved")
    OFFER_REFUSED = "offer.refused", _("Offer refused by an approver")
    OFFER_DISCARDED = "offer.discarded", _("Offer discarded")
    OFFER_EXPIRED = "offer.expired", _("Offer expired unanswered")
    OFFER_LINK_REFUSED = "offer.link_refused", _("Offer link refused")
    ACTION_DONE = "execution.action_done", _("Action carried out")
    ACTION_NEEDS_ATTENTION = "execution.needs_attention", _("Action needs attention")
    ACTION_RETRIED = "execution.retried", _("Action retried")
    ACTION_CANCELLED = "execution.cancelled", _("Action cancelled")
    SURVEY_SENT = "survey.sent", _("Satisfaction survey sent")
    SURVEY_ANSWERED = "survey.answered", _("Satisfaction survey answered")
    # Clocks (docs/clocks.md): a warning before a deadline, a breach (escalated to the team
    # lead), a regulatory letter and a deadline the customer was told moved.
    CLOCK_WARNED = "clock.warned", _("Deadline approaching")
    CLOCK_BREACHED = "clock.breached", _("Deadline missed")
    LETTER_ISSUED = "letter.issued", _("Letter issued")
    DEADLINE_EXTENDED = "clock.extended", _("Deadline extended")
    # One per transition of the lifecycle (`cases.services.lifecycle.TRANSITIONS`, whose
    # labels these repeat).
    TRANSITION_START_ASSESSMENT = "case.transition.start_assessment", _("Start assessment")
    TRANSITION_ACCEPT = "case.transition.accept", _("Accept for investigation")
    TRANSITION_REJECT_OUT_OF_SCOPE = (
        "case.transition.reject_out_of_scope",
        _("Reject as out of scope"),
    )
    TRANSITION_REQUEST_INFO = "case.transition.request_info", _("Ask the customer for information")
    TRANSITION_RESUME = "case.transition.resume", _("Resume (customer answered)")
    TRANSITION_DETERMINE_RESPONSIBILITY = (
        "case.transition.determine_responsibility",
        _("Record responsibility finding"),
    )
    TRANSITION_PROPOSE_RESOLUTION = (
        "case.transition.propose_resolution",
        _("Offer sent to the customer"),
    )
    TRANSITION_RECORD_ACCEPTANCE = (
        "case.transition.record_acceptance",
        _("Customer accepted the proposal"),
    )
    TRANSITION_RECORD_REJECTION = (
        "case.transition.record_rejection",
        _("Customer rejected the proposal"),
    )
    TRANSITION_START_EXECUTION = "case.transition.start_execution", _("Start execution")
    TRANSITION_COMPLETE_EXECUTION = "case.transition.complete_execution", _("Execution complete")
    TRANSITION_ISSUE_FINAL_RESPONSE = (
        "case.transition.issue_final_response",
        _("Issue final response"),
    )
    TRANSITION_REFER_TO_ARBITRATION = (
        "case.transition.refer_to_arbitration",
        _("Refer to arbitration"),
    )
    TRANSITION_REOPEN = "case.transition.reopen", _("Reopen")
    TRANSITION_REINVESTIGATE = "case.transition.reinvestigate", _("Investigate again")
    TRANSITION_CLOSE = "case.transition.close", _("Close")
    TRANSITION_CLOSE_UNANSWERED = (
        "case.transition.close_unanswered",
        _("Close: the customer did not answer"),
    )
    TRANSITION_WITHDRAW = "case.transition.withdraw", _("Customer withdrew the complaint")

    @classmethod
    def for_transition(cls, name: str) -> CaseEventType:
        """The event of transition `name`; ValueError for a name that is not a transition."""
        return cls(f"{TRANSITION_EVENT_PREFIX}{name}")


class Regime(models.TextChoices):
    """The complaint-handling rules whose deadlines a complaint runs under (docs/clocks.md),
    chosen by the user's jurisdiction (`COMPLAINT_JURISDICTIONS`)."""

    NONE = "none", _("No regulatory deadline")
    FCA = "fca", _("UK FCA (DISP 1.6)")
    MICA = "mica", _("EU MiCA (RTS 2025/294)")
    CFPB = "cfpb", _("US CFPB")


class ClockKind(models.TextChoices):
    """A clock of a case. The first three are the service targets (SLA) the exchange sets
    itself, paused while the customer is asked for something; the last two are the
    regulator's deadlines, which never pause."""

    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")
    REG_RESPONSE = "reg_response", _("Response or holding reply (regulatory)")
    REG_FINAL = "reg_final", _("Final response (regulatory)")


SLA_CLOCKS = (ClockKind.FIRST_RESPONSE, ClockKind.NEXT_RESPONSE, ClockKind.RESOLUTION)
REGULATORY_CLOCKS = (ClockKind.REG_RESPONSE, ClockKind.REG_FINAL)


class LetterKind(models.TextChoices):
    """The letters a regime requires besides the final response (FinalResponseLetter)."""

    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    HOLDING_REPLY = "holding_reply", _("Holding reply")
    DELAY_NOTICE = "delay_notice", _("Delay notice")
    SUMMARY_RESOLUTION = "summary_resolution", _("Summary resolution communication")
