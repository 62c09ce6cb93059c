"""The forms of the staff screens for cases. They validate input only; the views hand the
cleaned data to a service, which owns the rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cases.enums import ActionKind, ApprovalDecision, OfferOutcome, ResponsibilityParty
from cases.gateway import RecordKind
from cases.models import Asset, Case, ConflictDeclaration, Relevance, RoutingRule, Team
from cases.policies import is_team_member
from cases.selectors.audit import HistoryFilters, audit_source_choices
from cases.selectors.cases import evidence_list_for_staff, handler_list_for_assigner, team_list
from cases.services.assignment import not_a_member
from cases.services.lifecycle import TRANSITIONS
from cases.services.recusal import OVERRIDE_REASON_MIN_LENGTH
from cases.services.snapshots import snapshot_accounts

# simple-history keeps a change reason in 100 characters.
REASON_MAX_LENGTH = 100


def _as_utc(value: datetime | None) -> datetime | None:
    """The forms' times are UTC whatever the server's zone (their labels say so)."""
    return value.replace(tzinfo=None).replace(tzinfo=UTC) if value else value


# --- the case -------------------------------------------------------------------------------


class CaseChangeForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you change triage or assignment; kept in the history."),
    )

    class Meta:
        model = Case
        fields = ["category", "priority", "team", "assignee"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.changed_data and not (data.get("change_reason") or "").strip():
            self.add_error("change_reason", _("Say why you change this case."))
        assignment_changed = {"team", "assignee"} & set(self.changed_data)
        if assignment_changed and not (self.has_error("team") or self.has_error("assignee")):
            # `case_assign` refuses it too; here the refusal shows on the field, not as a message.
            # A field the user may not change is not in the form: the case's own value counts.
            team = data.get("team", self.instance.team)
            assignee = data.get("assignee", self.instance.assignee)
            if team is not None and assignee is not None and not is_team_member(assignee, team):
                self.add_error("assignee", not_a_member(assignee))
        return data


def evidence_choices(case: Case) -> list[tuple[int, str]]:
    """The case's evidence as checkbox labels (one query): number, kind, name, relevance."""
    return [
        (
            item.pk,
            f"#{item.pk} {item.get_kind_display()}: {item.description or item.original_name}"
            f" ({item.get_relevance_display()})",
        )
        for item in evidence_list_for_staff(case=case)
    ]


class TransitionForm(forms.Form):
    # The text inputs are optional here on purpose: the transition's conditions decide whether
    # they are enough, and their message names the condition ("... needs a written rationale").
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    expected_state = forms.CharField(widget=forms.HiddenInput)
    out_of_scope_referral = forms.CharField(
        label=_("Where the user should go instead"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    info_request = forms.CharField(
        label=_("What the customer is asked to provide"),
        required=False,
        help_text=_("Sent to the customer by email and in the portal. The case waits for them."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsibility = forms.ChoiceField(
        label=_("Responsible party"), choices=ResponsibilityParty.choices
    )
    responsibility_rationale = forms.CharField(
        label=_("Rationale"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    responsibility_evidence = forms.TypedMultipleChoiceField(
        label=_("Evidence relied on"),
        coerce=int,
        required=False,
        help_text=_("At least one item of this case's evidence."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, transition: str, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {"reason", "expected_state", *TRANSITIONS[transition].inputs}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "responsibility_evidence" in self.fields:
            self.fields["responsibility_evidence"].choices = evidence_choices(case)

    def transition_inputs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("reason", "expected_state")}


class StaffMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    internal = forms.TypedChoiceField(
        label=_("Send as"),
        choices=[("0", _("Reply to the customer")), ("1", _("Internal note"))],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )


class ComplaintFlagForm(forms.Form):
    is_complaint = forms.TypedChoiceField(
        label=_("This case is"),
        choices=[("1", _("A complaint")), ("0", _("A query"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": _("Say why you change the classification.")},
    )


# --- investigation --------------------------------------------------------------------------


class EvidenceReviewForm(forms.Form):
    relevance = forms.ChoiceField(label=_("Relevance"), choices=Relevance.choices)
    is_sensitive = forms.BooleanField(label=_("Sensitive"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SnapshotForm(forms.Form):
    account_id = forms.ChoiceField(label=_("Exchange account"))
    kinds = forms.MultipleChoiceField(
        label=_("Records"), choices=RecordKind.choices, widget=forms.CheckboxSelectMultiple
    )
    window_start = forms.DateTimeField(
        label=_("From (UTC)"), help_text=_("YYYY-MM-DD HH:MM, in UTC.")
    )
    window_end = forms.DateTimeField(label=_("To (UTC)"), help_text=_("YYYY-MM-DD HH:MM, in UTC."))
    description = forms.CharField(label=_("Description"), required=False, max_length=300)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account_id"].choices = [(a, a) for a in snapshot_accounts(case)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("window_start", "window_end"):
            if data.get(name) is not None:
                data[name] = _as_utc(data[name])
        return data


class ConsultationRequestForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    question = forms.CharField(
        label=_("Question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_at = forms.DateTimeField(
        label=_("Answer due (UTC)"),
        required=False,
        help_text=_("Empty: in the usual number of days."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = team_list()

    def clean_due_at(self) -> datetime | None:
        return _as_utc(self.cleaned_data.get("due_at"))


class ConsultationAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Attach a file"), required=False)


class ConsultationWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH)


# --- routing --------------------------------------------------------------------------------


class AssignToForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=get_user_model().objects)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handler_list_for_assigner(user=user)


class RoutingRuleForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the rule's history."),
    )

    class Meta:
        model = RoutingRule
        fields = ["order", "category", "locale", "channel", "team", "auto_assign", "is_active"]


# --- conflicts of interest and quality ------------------------------------------------------


class DeclarationForm(forms.ModelForm):
    class Meta:
        model = ConflictDeclaration
        fields = ["kind", "exchange_account_id", "related_party", "details"]


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept")), ("0", _("Reject"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        min_length=OVERRIDE_REASON_MIN_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScoreSheetForm(forms.Form):
    classification_score = forms.IntegerField(label=_("classification"), min_value=1, max_value=5)
    fairness_score = forms.IntegerField(
        label=_("fairness of the finding"), min_value=1, max_value=5
    )
    timeliness_score = forms.IntegerField(label=_("timeliness"), min_value=1, max_value=5)
    communication_score = forms.IntegerField(label=_("communication"), min_value=1, max_value=5)
    findings = forms.CharField(
        label=_("findings"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


# --- resolution offers ----------------------------------------------------------------------


class OfferForm(forms.Form):
    """The offer's own terms; its actions are `OfferActionFormSet`. Only shape is checked here:
    `offer_draft` / `offer_edit` own the rules and their errors are placed on these fields."""

    summary = forms.CharField(
        label=_("Message to the customer"),
        required=False,
        help_text=_("What is offered and why, as the customer will read it."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "---------"), *OfferOutcome.choices], required=False
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        help_text=_(
            "Required (at least 20 characters) when the offer departs from similar earlier "
            "cases. Shown to approvers and auditors."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OfferActionForm(forms.Form):
    """One action of the offer. The amount is text, parsed by the service with the asset's
    precision (never a float); an empty row is left out."""

    kind = forms.ChoiceField(
        label=_("Action"), choices=[("", "---------"), *ActionKind.choices], required=False
    )
    asset = forms.ChoiceField(label=_("Asset"), required=False)
    amount = forms.CharField(
        label=_("Amount"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    detail = forms.CharField(
        label=_("Details"),
        required=False,
        help_text=_("The explanation or advice the customer reads, or a note on the action."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target_reference = forms.CharField(
        label=_("Applies to"),
        required=False,
        max_length=128,
        help_text=_("At the exchange: the transaction to reverse, the voucher campaign …"),
    )

    def __init__(self, *args: Any, assets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].choices = [("", "---------"), *assets]

    def draft_values(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "asset": data.get("asset") or "",
            "amount": (data.get("amount") or "").strip(),
            "detail": data.get("detail") or "",
            "target_reference": data.get("target_reference") or "",
        }


class BaseOfferActionFormSet(forms.BaseFormSet):
    def filled_forms(self) -> list[tuple[int, OfferActionForm]]:
        """(index, form) of the rows the proposer filled in; empty rows are left out."""
        return [
            (index, form)
            for index, form in enumerate(self.forms)
            if form.has_changed() and any(form.draft_values().values())
        ]


OfferActionFormSet = forms.formset_factory(
    OfferActionForm, formset=BaseOfferActionFormSet, extra=0, max_num=10, validate_max=True
)


class OfferDiscardForm(forms.Form):
    reason = forms.CharField(label=_("Why it is dropped"), max_length=REASON_MAX_LENGTH)


class OfferAnswerForm(forms.Form):
    """The customer's answer, given another way (a call, a chat) and recorded by staff citing
    the message or note it came in."""

    accept = forms.TypedChoiceField(
        label=_("The customer"),
        choices=[("1", _("accepted the offer")), ("0", _("rejected the offer"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("The customer's reason"),
        required=False,
        help_text=_("Required when the customer rejects the offer."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    source = forms.ChoiceField(
        label=_("Where the customer said so"),
        help_text=_("The customer's message, or the internal note of the call, that holds it."),
    )

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "---------"), *sources]


class OfferReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (ApprovalDecision.APPROVED, _("Approve")),
            (ApprovalDecision.REFUSED, _("Refuse")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Kept with your decision in the offer's history."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActionSettleForm(forms.Form):
    """Retry (with a reason) or cancel (a reason of at least 20 characters) an action that
    needs attention; the service checks the lengths."""

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssetForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the asset's history."),
    )

    class Meta:
        model = Asset
        fields = ["code", "name", "kind", "decimals", "usd_price_symbol", "usd_par", "active"]


# --- the auditor ----------------------------------------------------------------------------


class HistorySearchForm(forms.Form):
    person = forms.CharField(
        label=_("Person"),
        required=False,
        help_text=_("A username, or an actor label such as system:intake."),
    )
    date_from = forms.DateField(label=_("From (UTC)"), required=False)
    date_to = forms.DateField(label=_("To (UTC)"), required=False)
    model = forms.ChoiceField(label=_("Record"), required=False)
    case = forms.CharField(label=_("Case reference"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("All records")), *audit_source_choices()]

    def filters(self) -> HistoryFilters:
        data = self.cleaned_data
        return HistoryFilters(
            person=data["person"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
            model=data["model"],
            case_reference=data["case"].strip(),
        )
