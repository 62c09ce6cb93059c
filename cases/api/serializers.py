"""Input and output shapes of the cases API: plain serializers, every field named."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.enums import (
    ActionExecutionState,
    ActionKind,
    Category,
    Channel,
    DecisionChannel,
    Locale,
    OfferOutcome,
    OfferState,
    Regime,
)
from cases.selectors.resolution import CUSTOMER_OFFER_STATES

# Channels an API caller may claim: the exchange's own app or site relaying what the user
# typed (api, web) or its in-app chat widget (chat). Email and social mentions arrive through
# their signed webhooks, and "staff" is never a caller's to claim.
API_CHANNELS = [
    (Channel.API.value, Channel.API.label),
    (Channel.WEB.value, Channel.WEB.label),
    (Channel.CHAT.value, Channel.CHAT.label),
]


# Python's whitespace (what str.isspace and str.strip know), spelled out: the schema's pattern
# must mean the same to every regex dialect that reads it, and JSON Schema's `\s` is not Python's.
WHITESPACE = r"\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Text that is not only whitespace and holds no NUL (PostgreSQL cannot store one). One pattern,
# read by the validator and published in the schema, so that what the schema calls valid is
# exactly what is accepted. Linear: the lookahead runs once, at the start.
TEXT_PATTERN = rf"^(?![{WHITESPACE}]*$)[^\x00]*$"


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField turns 12 or 1.5 into "12" and "1.5",
    so a schema that says "string" was not what was checked."""

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def text_field(max_length: int, **kwargs) -> serializers.CharField:
    """Free text as typed: kept untrimmed here (the services strip it), so that the length the
    schema promises is the length checked, and refused when blank or only whitespace."""
    return StrictCharField(
        max_length=max_length,
        trim_whitespace=False,
        validators=[
            RegexValidator(
                TEXT_PATTERN, message=_("Enter text, not only spaces; no NUL characters.")
            )
        ],
        **kwargs,
    )


class ApiErrorSerializer(serializers.Serializer):
    """Every error answer: a sentence, and for bad input a list of messages per field."""

    detail = serializers.CharField(help_text=_("What went wrong, in one sentence."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Messages per input field (400, 413)."),
    )
    code = serializers.CharField(
        required=False, help_text=_("A stable machine code for file refusals, e.g. 'disguised'.")
    )


class CaseCreateInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    subject = text_field(200)
    description = text_field(20000)
    external_user_id = text_field(
        64,
        required=False,
        help_text=_(
            "The user's exchange account id. Required for API clients; a signed-in portal "
            "user may leave it out (their own is used) and may not name another."
        ),
    )
    email = serializers.EmailField(
        max_length=254,
        required=False,
        help_text=_(
            "Where the acknowledgement goes. Required for API clients; a signed-in portal "
            "user's mail always goes to their account's address (another one is refused)."
        ),
    )
    locale = serializers.ChoiceField(choices=Locale.choices, default=Locale.EN)
    related_transactions = serializers.ListField(
        child=text_field(128),
        max_length=50,
        default=list,
        help_text=_("Order, deposit or withdrawal ids (at most 50, each at most 128 characters)."),
    )
    channel = serializers.ChoiceField(choices=API_CHANNELS, default=Channel.API.value)


class CaseOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField(source="state")
    status_display = serializers.CharField(source="get_state_display")
    category = serializers.CharField()
    priority = serializers.CharField()
    is_complaint = serializers.BooleanField(
        help_text=_("False when intake classified it as a plain query.")
    )
    channel = serializers.CharField()
    subject = serializers.CharField()
    locale = serializers.CharField(source="complainant_locale")
    redactions = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Kinds of secrets removed from the text at intake (e.g. 'seed_phrase')."),
    )
    created_at = serializers.DateTimeField(source="received_at")
    updated_at = serializers.DateTimeField()
    first_response_due_at = serializers.DateTimeField(allow_null=True)
    resolution_due_at = serializers.DateTimeField(allow_null=True)
    final_response_due_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_(
            "The final response is due by then: the regulator's deadline of the case's regime "
            "for a complaint (docs/clocks.md)."
        ),
    )
    jurisdiction = serializers.CharField(
        help_text=_("Where the user is (ISO 3166 code): chooses the complaint rules.")
    )
    regime = serializers.ChoiceField(
        choices=Regime.choices,
        help_text=_("The complaint rules whose deadlines apply: fca, mica, cfpb or none."),
    )


class MessageCreateInputSerializer(serializers.Serializer):
    body = text_field(20000)


class MessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.ChoiceField(
        choices=["inbound", "outbound"],
        help_text=_("inbound: from the customer; outbound: from the exchange's staff."),
    )
    channel = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class EvidenceUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text=_("One file: image, PDF, text/CSV or office document. Checked by content."),
    )
    description = serializers.CharField(
        max_length=300, required=False, default="", allow_blank=True, trim_whitespace=False
    )


class EvidenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField(help_text=_("SHA-256 of the stored file."))
    original_sha256 = serializers.CharField(help_text=_("SHA-256 of the file as received."))
    created_at = serializers.DateTimeField()


# --- Offers (step 5): what the customer is offered and their answer -------------------------

# The offer's states the customer sees, and the answers an offer meets (their schema names are
# set in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
OFFER_STATE_CHOICES = [(s.value, s.label) for s in CUSTOMER_OFFER_STATES]
OFFER_ANSWER_CHOICES = [(value, label) for value, label in OFFER_STATE_CHOICES if value != "sent"]

# A decimal amount as text: digits, and the asset's own places after the point.
AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]+)?$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": AMOUNT_PATTERN,
        "nullable": True,
        "example": "0.012500000000000000",
        "description": (
            "Exact decimal as a string (never a number), with exactly the asset's places "
            "(ETH 18, BTC 8, USDT 6, fiat 2); null for an action without an amount."
        ),
    }
)
class AmountField(serializers.Field):
    """An action's amount as a string with its asset's precision: 1.5 ETH is
    "1.500000000000000000", never 1.5 as a JSON number (a float would lose places)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, action: Any) -> str | None:
        if action.amount is None or action.asset is None:
            return None
        places = Decimal(1).scaleb(-action.asset.decimals)
        return format(action.amount.quantize(places), "f")


class OfferActionOutputSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ActionKind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    asset = serializers.CharField(source="asset.code", allow_null=True, default=None)
    amount = AmountField()
    detail = serializers.CharField(help_text=_("The explanation or advice, or a note."))
    applies_to = serializers.CharField(
        source="target_reference", help_text=_("e.g. the id of the transaction to reverse.")
    )
    execution_state = serializers.ChoiceField(
        choices=ActionExecutionState.choices,
        help_text=_("Where carrying it out at the exchange stands (after acceptance)."),
    )
    execution_state_display = serializers.CharField(source="get_execution_state_display")
    ledger_reference = serializers.CharField(
        help_text=_("The exchange's reference once the action is done.")
    )
    done_at = serializers.DateTimeField(allow_null=True)


class OfferDecisionOutputSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(source="state", choices=OFFER_ANSWER_CHOICES)
    channel = serializers.ChoiceField(
        source="decision_channel",
        choices=DecisionChannel.choices,
        allow_blank=True,
        help_text=_(
            "How the answer came: portal, api, email_link, staff (recorded from a message), "
            "expiry (the deadline passed); empty for an offer withdrawn with the complaint."
        ),
    )
    reason = serializers.CharField(source="decision_reason")
    decided_at = serializers.DateTimeField()


class OfferOutputSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    state = serializers.ChoiceField(
        choices=OFFER_STATE_CHOICES,
        help_text=_("sent: waiting for the customer's answer until expires_at."),
    )
    state_display = serializers.CharField(source="get_state_display")
    outcome = serializers.ChoiceField(choices=OfferOutcome.choices)
    outcome_display = serializers.CharField(source="get_outcome_display")
    summary = serializers.CharField(
        help_text=_("What is offered and why, as the customer reads it.")
    )
    sent_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.SerializerMethodField()
    actions = OfferActionOutputSerializer(many=True)

    @extend_schema_field(OfferDecisionOutputSerializer(allow_null=True))
    def get_decision(self, offer: Any) -> dict[str, Any] | None:
        """None while the offer waits for an answer."""
        if offer.state == OfferState.SENT:
            return None
        return OfferDecisionOutputSerializer(offer).data


class OfferRejectInputSerializer(serializers.Serializer):
    reason = text_field(2000, help_text=_("Why the customer rejects the offer."))
