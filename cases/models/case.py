"""The case and its lifecycle state machine (DESIGN.md, the seven steps and their side exits).

The state field is protected: it changes only through the transition methods below, and those
are run only by `cases.services.lifecycle.case_transition`, which checks permissions, conditions
and recusal, locks the row and records history and an event. Transition methods only set fields.
On PostgreSQL a trigger generated from these same transitions refuses any other state change.
"""

from __future__ import annotations

from datetime import timedelta

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from cases.enums import (
    OPEN_STATES,
    CaseState,
    Category,
    Channel,
    Locale,
    Priority,
    Regime,
    ResponsibilityParty,
)
from cases.models.evidence import Evidence
from cases.policies.access import TransitionPermission
from complaints_site.common.history import audited_history, make_history_append_only

S = CaseState


def condition(message: str):
    """Mark a transition condition with the sentence shown when it does not hold."""

    def decorate(func):
        func.message = message
        return func

    return decorate


@condition(_("Set the category, priority and team first."))
def is_triaged(case: Case) -> bool:
    return bool(case.category and case.priority and case.team_id)


@condition(_("Say where the user should go instead (out-of-scope referral)."))
def has_out_of_scope_referral(case: Case) -> bool:
    return bool(case.out_of_scope_referral.strip())


@condition(_("A responsibility finding needs a party and a written rationale."))
def has_responsibility_finding(case: Case) -> bool:
    return bool(case.responsibility and case.responsibility_rationale.strip())


@condition(_("A responsibility finding must cite at least one evidence item of this case."))
def finding_cites_evidence(case: Case) -> bool:
    cited = {int(pk) for pk in case.responsibility_evidence or [] if str(pk).isdigit()}
    if not cited or len(cited) != len(case.responsibility_evidence):
        return False

    return Evidence.objects.filter(case_id=case.pk, pk__in=cited).count() == len(cited)


@condition(_("Write what the customer is asked to provide."))
def has_info_request(case: Case) -> bool:
    return bool(case.info_request.strip())


@condition(_("The offer must be approved as its amount requires before it is sent."))
def has_approved_offer(case: Case) -> bool:
    from cases.enums import OfferState

    return case.offers.filter(state=OfferState.APPROVED).exists()


@condition(_("Every action of the accepted offer must be carried out or cancelled first."))
def execution_settled(case: Case) -> bool:
    from cases.enums import ActionExecutionState as X
    from cases.enums import OfferState

    open_states = [X.NOT_STARTED, X.QUEUED, X.RUNNING, X.NEEDS_ATTENTION]
    accepted = case.offers.filter(state=OfferState.ACCEPTED)
    return (
        accepted.exists() and not accepted.filter(actions__execution_state__in=open_states).exists()
    )


@condition(_("The user may still reopen the case: close it after the follow-up window."))
def follow_up_over(case: Case) -> bool:
    if case.state != S.RESOLVED:
        return True
    return bool(case.resolved_at and timezone.now() > case.resolved_at + settings.REOPEN_WINDOW)


@condition(_("Write the final response to the user."))
def has_final_response_text(case: Case) -> bool:
    return bool(case.final_response_text.strip())


@condition(_("The reopening window after resolution has passed."))
def within_reopen_window(case: Case) -> bool:
    return bool(case.resolved_at and timezone.now() <= case.resolved_at + settings.REOPEN_WINDOW)


def may(capability: str) -> TransitionPermission:
    return TransitionPermission(f"cases.{capability}")


class ReferenceCounter(models.Model):
    """Fallback counter for case references on databases without sequences (SQLite)."""

    key = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class Case(ConcurrentTransitionMixin, models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    state = FSMField(
        _("status"), default=S.RECEIVED, choices=S.choices, protected=True, db_index=True
    )
    # Where `request_info` paused from, so that the customer's answer resumes the same step.
    state_before_pause = models.CharField(max_length=40, blank=True, editable=False)

    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    priority = models.CharField(
        _("priority"), max_length=2, choices=Priority.choices, default=Priority.P3
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    # A complaint (a statement of dissatisfaction, MiCA RTS 2025/294) starts the regulatory
    # clocks; a plain query does not. Set at intake by `cases.lib.classification`; staff change it
    # only with a recorded reason (`case_set_complaint_flag`).
    is_complaint = models.BooleanField(_("complaint (not a plain query)"), default=True)
    classification_note = models.CharField(_("classification"), max_length=300, blank=True)
    # What the secret redaction removed from the description at intake (kinds only).
    redactions = models.JSONField(_("redacted secrets"), default=list, blank=True)

    # The complainant, as the exchange knows them.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_cases",
    )
    # The service account (the exchange's systems) that opened the case through the API; it may
    # follow the cases it opened.
    intake_client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by API client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    complainant_account_id = models.CharField(_("exchange account id"), max_length=64, blank=True)
    # The other party of a P2P dispute, when there is one (recusal rules match it too).
    counterparty_account_id = models.CharField(
        _("counterparty account id"), max_length=64, blank=True, db_index=True
    )
    # The earlier case this one appeals or reopens in substance (its handler is recused).
    appeal_of = models.ForeignKey(
        "self",
        verbose_name=_("appeal of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    complainant_email = models.EmailField(_("email"))
    complainant_locale = models.CharField(
        _("preferred language"), max_length=8, choices=Locale.choices, default=Locale.EN
    )
    # Where the user is (ISO 3166 code) and the complaint rules that follow from it
    # (`COMPLAINT_JURISDICTIONS`): which regulatory deadlines and letters apply.
    jurisdiction = models.CharField(_("jurisdiction"), max_length=2, blank=True)
    regime = models.CharField(
        _("regulatory regime"), max_length=8, choices=Regime.choices, default=Regime.NONE
    )

    team = models.ForeignKey(
        "cases.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )

    # What the later steps write down (set through the transition inputs).
    out_of_scope_referral = models.TextField(_("out-of-scope referral"), blank=True)
    responsibility = models.CharField(
        _("responsibility"), max_length=40, choices=ResponsibilityParty.choices, blank=True
    )
    responsibility_rationale = models.TextField(_("responsibility rationale"), blank=True)
    # The evidence items (ids, of this case) the finding relies on: at least one.
    responsibility_evidence = models.JSONField(_("evidence relied on"), default=list, blank=True)
    # What the customer was last asked to provide (`request_info`), sent by email and portal.
    info_request = models.TextField(_("information requested"), blank=True)
    # When the customer was reminded of an unanswered request (once per request).
    info_reminder_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # The summary of the offer last sent (the offer itself is `offers`, versioned).
    resolution_summary = models.TextField(_("proposed resolution"), blank=True)
    # Found to be fraud or abuse by the complainant: no satisfaction survey is sent.
    fraud_or_abuse = models.BooleanField(
        _("fraud or abuse by the complainant"), default=False, db_default=False
    )
    final_response_text = models.TextField(_("final response"), blank=True)

    # Clocks. All UTC. Due dates are computed at intake and on a priority change.
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    final_response_due_at = models.DateTimeField(_("final response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    # The earliest running deadline of any clock (service target or regulatory): what the
    # staff lists sort by "time to breach". Kept by cases.services.clocks.
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    paused_total = models.DurationField(_("time paused"), default=timedelta)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    final_response_at = models.DateTimeField(_("final response issued"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audited_history(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("view_all_cases", _("Can see every case (auditors, compliance)")),
            ("assign_case", _("Can assign and reassign cases")),
            ("assess_case", _("Can assess cases (triage, scope)")),
            ("investigate_case", _("Can investigate and ask the customer")),
            ("determine_responsibility", _("Can record the responsibility finding")),
            ("propose_resolution", _("Can propose a resolution")),
            ("record_customer_decision", _("Can record the customer's decision")),
            ("approve_resolution", _("Can approve a resolution over the threshold")),
            ("execute_resolution", _("Can execute a resolution")),
            ("issue_final_response", _("Can issue a final response")),
            ("refer_to_arbitration", _("Can refer a case to arbitration")),
            ("reopen_case", _("Can reopen a resolved case")),
            ("close_case", _("Can close a case")),
            ("use_intake_api", _("Can open and follow cases through the API (exchange systems)")),
            ("view_sensitive_evidence", _("Can open sensitive evidence (identity documents)")),
        ]
        indexes = [
            models.Index(fields=["state", "priority"], name="case_state_priority"),
            models.Index(fields=["category"], name="case_category"),
            models.Index(fields=["channel"], name="case_channel"),
            models.Index(fields=["complainant_account_id"], name="case_account"),
            models.Index(fields=["complainant_email"], name="case_email"),
            models.Index(fields=["team", "state"], name="case_team_state"),
            models.Index(fields=["assignee", "state"], name="case_assignee_state"),
            models.Index(fields=["next_due_at"], name="case_next_due"),
            models.Index(fields=["regime", "received_at"], name="case_regime_received"),
            # The request-for-information sweep: cases waiting for the customer, oldest first.
            models.Index(
                fields=["paused_at"],
                condition=models.Q(state="awaiting_customer"),
                name="case_awaiting_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    # --- Step 2: preliminary assessment -----------------------------------------------------

    @transition(field=state, source=S.RECEIVED, target=S.ASSESSING, permission=may("assess_case"))
    def start_assessment(self) -> None:
        """Take the case up for preliminary assessment."""

    @transition(
        field=state,
        source=S.ASSESSING,
        target=S.INVESTIGATING,
        permission=may("assess_case"),
        conditions=[is_triaged],
    )
    def accept(self) -> None:
        """In scope: classified, prioritised and with a team; investigation starts."""

    @transition(
        field=state,
        source=S.ASSESSING,
        target=S.OUT_OF_SCOPE,
        permission=may("assess_case"),
        conditions=[has_out_of_scope_referral],
    )
    def reject_out_of_scope(self) -> None:
        """Not a matter for this process; the user is told where to go instead."""
        self.closed_at = timezone.now()

    # --- Step 3: investigation, asking the user -------------------------------------------

    @transition(
        field=state,
        source=[S.ASSESSING, S.INVESTIGATING],
        target=S.AWAITING_CUSTOMER,
        permission=may("investigate_case"),
        conditions=[has_info_request],
    )
    def request_info(self) -> None:
        """Ask the user for more; the clock stops until they answer."""
        self.state_before_pause = self.state
        self.paused_at = timezone.now()
        self.info_reminder_at = None

    @transition(
        field=state,
        source=S.AWAITING_CUSTOMER,
        target=RETURN_VALUE(S.ASSESSING, S.INVESTIGATING),
        permission=may("investigate_case"),
    )
    def resume(self) -> str:
        """The user answered (or the handler goes on without); back to the step that asked.

        The service-level clocks resume where they stopped: their due dates move by the time
        spent waiting (`cases.services.clocks`). The regulatory deadlines do not move.
        """
        if self.paused_at:
            self.paused_total += timezone.now() - self.paused_at
        self.paused_at = None
        self.info_reminder_at = None
        back_to, self.state_before_pause = self.state_before_pause or S.INVESTIGATING, ""
        return back_to

    # --- Step 4: responsibility -------------------------------------------------------------

    @transition(
        field=state,
        source=S.INVESTIGATING,
        target=S.RESPONSIBILITY_DETERMINED,
        permission=may("determine_responsibility"),
        conditions=[has_responsibility_finding, finding_cites_evidence],
    )
    def determine_responsibility(self) -> None:
        """Record who is responsible and why."""

    # --- Step 5: resolution proposal --------------------------------------------------------

    @transition(
        field=state,
        source=[S.RESPONSIBILITY_DETERMINED, S.PROPOSAL_REJECTED],
        target=S.RESOLUTION_PROPOSED,
        permission=may("propose_resolution"),
        conditions=[has_approved_offer],
    )
    def propose_resolution(self) -> None:
        """Put an approved offer (or a revised one) to the user."""

    @transition(
        field=state,
        source=S.RESOLUTION_PROPOSED,
        target=S.RESOLUTION_ACCEPTED,
        permission=may("record_customer_decision"),
    )
    def record_acceptance(self) -> None:
        """The user accepted the proposal."""

    @transition(
        field=state,
        source=S.RESOLUTION_PROPOSED,
        target=S.PROPOSAL_REJECTED,
        permission=may("record_customer_decision"),
    )
    def record_rejection(self) -> None:
        """The user rejected the proposal: revise it or issue a final response."""

    # --- Step 6: execution ------------------------------------------------------------------

    @transition(
        field=state,
        source=S.RESOLUTION_ACCEPTED,
        target=S.EXECUTING,
        permission=may("execute_resolution"),
    )
    def start_execution(self) -> None:
        """Carry out the accepted resolution."""

    @transition(
        field=state,
        source=S.EXECUTING,
        target=S.RESOLVED,
        permission=may("execute_resolution"),
        conditions=[execution_settled],
    )
    def complete_execution(self) -> None:
        """Every action has been carried out; the follow-up starts."""
        self.resolved_at = timezone.now()

    # --- Deadlock: final response and arbitration ----------------------------------------

    @transition(
        field=state,
        source=[S.INVESTIGATING, S.RESPONSIBILITY_DETERMINED, S.PROPOSAL_REJECTED],
        target=S.FINAL_RESPONSE,
        permission=may("issue_final_response"),
        conditions=[has_final_response_text],
    )
    def issue_final_response(self) -> None:
        """The exchange's last word; the user may now go to arbitration."""
        self.final_response_at = timezone.now()

    @transition(
        field=state,
        source=S.FINAL_RESPONSE,
        target=S.IN_ARBITRATION,
        permission=may("refer_to_arbitration"),
    )
    def refer_to_arbitration(self) -> None:
        """The dispute goes to a partner arbitration institution."""

    # --- Step 7: follow-up, reopening, closing ----------------------------------------------

    @transition(
        field=state,
        source=S.RESOLVED,
        target=S.REOPENED,
        permission=may("reopen_case"),
        conditions=[within_reopen_window],
    )
    def reopen(self) -> None:
        """The user is not satisfied with the outcome, within the reopening window."""
        self.reopened_at = timezone.now()
        self.resolved_at = None

    @transition(
        field=state,
        source=S.REOPENED,
        target=S.INVESTIGATING,
        permission=may("investigate_case"),
    )
    def reinvestigate(self) -> None:
        """Look at the reopened case again."""

    @transition(
        field=state,
        source=[S.RESOLVED, S.FINAL_RESPONSE, S.IN_ARBITRATION],
        target=S.CLOSED,
        permission=may("close_case"),
        conditions=[follow_up_over],
    )
    def close(self) -> None:
        """Nothing more to do."""
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=S.AWAITING_CUSTOMER,
        target=S.CLOSED,
        permission=may("close_case"),
    )
    def close_unanswered(self) -> None:
        """The customer never answered the request for information; closed with notice."""
        if self.paused_at:
            self.paused_total += timezone.now() - self.paused_at
        self.paused_at = None
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=sorted(OPEN_STATES),
        target=S.WITHDRAWN,
        permission=may("record_customer_decision"),
    )
    def withdraw(self) -> None:
        """The user withdrew the complaint."""
        self.closed_at = timezone.now()


class CaseTransaction(models.Model):
    """A transaction id the user relates to the case (indexed, for search)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transactions")
    txid = models.CharField(_("transaction id"), max_length=128, db_index=True)
    history = audited_history()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "txid"], name="case_transaction_unique")
        ]
        verbose_name = _("related transaction")
        verbose_name_plural = _("related transactions")

    def __str__(self) -> str:
        return self.txid


def lifecycle_edges() -> list[tuple[str, str, str]]:
    """Every (source, target, transition name) the code allows, read from the FSM itself."""
    field = Case._meta.get_field("state")
    edges = set()
    for t in field.get_all_transitions(Case):
        targets = getattr(t.target, "allowed_states", None) or [t.target]
        for target in targets:
            if t.source == "*":
                sources = S.values
            elif t.source == "+":
                sources = [s for s in S.values if s != target]
            else:
                sources = [t.source]
            for source in sources:
                edges.add((str(source), str(target), t.name))
    return sorted(edges)


# The database refuses any state change the code does not declare, and any case born in a
# state other than `received` (PostgreSQL only).
pgtrigger.register(
    pgtrigger.Protect(
        name="case_starts_received",
        operation=pgtrigger.Insert,
        condition=~pgtrigger.Q(new__state=S.RECEIVED.value),
    ),
    pgtrigger.FSM(
        name="case_state_fsm",
        field="state",
        transitions=sorted({(src, dst) for src, dst, _name in lifecycle_edges()}),
    ),
)(Case)

for _model in (Case, CaseTransaction):
    make_history_append_only(_model)
