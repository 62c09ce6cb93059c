"""Opening a case and changing its triage (category, priority)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import policies
from cases.enums import CaseEventType, Category, Channel, Locale, Priority
from cases.models import Case, CaseTransaction, Team
from cases.services.assignment import grant_new_case_to_team, grant_new_case_to_user
from cases.services.clocks import clocks_create, clocks_plan, clocks_retarget
from cases.services.events import case_event_record
from cases.services.recusal import staff_write
from cases.services.references import next_case_reference
from complaints_site.common.actors import Actor
from complaints_site.common.exceptions import ApplicationError, ConflictError
from complaints_site.common.history import stamp


def _validate_choice(value: str, choices: type, field: str, errors: dict[str, list[str]]) -> None:
    if value not in choices.values:
        errors.setdefault(field, []).append(
            _("'%(value)s' is not one of %(choices)s.")
            % {"value": value, "choices": ", ".join(choices.values)}
        )


def normalize_email(email: str) -> str:
    """Stored lower-case, so lookups are exact matches on the index."""
    return email.strip().lower()


@dataclass(frozen=True)
class CaseDraft:
    """What a new case is opened with: the complaint as the channel gave it, and the first
    routing. `team` and `assignee` (routed at intake) get the case's object permissions at
    birth. `account_required` is False for mail and social posts, which arrive before the
    account is known (assessment fills it in). `event_data` is added to the `case.opened`
    event."""

    category: str
    subject: str
    description: str
    complainant_account_id: str
    complainant_email: str
    channel: str
    complainant_locale: str = Locale.EN
    priority: str = Priority.P3
    related_transactions: Iterable[str] = ()
    customer: Any = None
    received_at: datetime | None = None
    is_complaint: bool = True
    classification_note: str = ""
    redactions: Iterable[str] = ()
    account_required: bool = True
    intake_client: Any = None
    team: Team | None = None
    assignee: Any = None
    event_data: dict[str, Any] | None = None
    counterparty_account_id: str = ""
    appeal_of: Case | None = None
    # Where the user is (ISO 3166); empty: DEFAULT_JURISDICTION. Chooses the regime.
    jurisdiction: str = ""


def case_open(*, draft: CaseDraft, actor: Actor) -> Case:
    """Register a new case from `draft` with a fresh reference and its clocks; one history row,
    one event.

    The caller has checked that the assignee is an active handler (see `routing_pick_handler`).
    Raises ApplicationError (with a message per field) on bad input.
    """
    errors: dict[str, list[str]] = {}
    _validate_choice(draft.category, Category, "category", errors)
    _validate_choice(draft.channel, Channel, "channel", errors)
    _validate_choice(draft.complainant_locale, Locale, "complainant_locale", errors)
    _validate_choice(draft.priority, Priority, "priority", errors)
    required = [("subject", draft.subject), ("description", draft.description)]
    if draft.account_required:
        # Mail and social posts arrive before we know the account; assessment fills it in.
        required.append(("complainant_account_id", draft.complainant_account_id))
    for field, value in required:
        if not (value or "").strip():
            errors.setdefault(field, []).append(_("This field may not be blank."))
    try:
        validate_email(draft.complainant_email)
    except ValidationError:
        errors.setdefault("complainant_email", []).append(_("Enter a valid email address."))
    txids = [t.strip() for t in draft.related_transactions if t and t.strip()]
    if any(len(t) > 128 for t in txids):
        errors.setdefault("related_transactions", []).append(_("A transaction id is too long."))
    if len(draft.subject or "") > 200:
        errors.setdefault("subject", []).append(_("At most 200 characters."))
    if errors:
        raise ApplicationError(_("Invalid case."), extra={"errors": errors})
    # Validated before the transaction, so a refusal leaves the caller's transaction usable.
    # No savepoint of its own: inside intake's transaction a failure fails the submission
    # anyway, and a savepoint costs two round trips on the busiest path of the system.
    with transaction.atomic(savepoint=False):
        return _case_create(draft=draft, actor=actor, txids=txids)


def _case_create(*, draft: CaseDraft, actor: Actor, txids: list[str]) -> Case:
    team, assignee = draft.team, draft.assignee
    case = Case(
        reference=next_case_reference(),
        category=draft.category,
        priority=draft.priority,
        channel=draft.channel,
        subject=draft.subject.strip(),
        description=draft.description,
        complainant_account_id=(draft.complainant_account_id or "").strip()[:64],
        is_complaint=draft.is_complaint,
        classification_note=draft.classification_note[:300],
        redactions=list(draft.redactions),
        complainant_email=normalize_email(draft.complainant_email),
        complainant_locale=draft.complainant_locale,
        customer=draft.customer,
        intake_client=draft.intake_client,
        team=team,
        counterparty_account_id=(draft.counterparty_account_id or "").strip()[:64],
        appeal_of=draft.appeal_of,
        assignee=assignee,
        received_at=draft.received_at or timezone.now(),
        jurisdiction=(draft.jurisdiction or "").strip().upper()[:2],
    )
    clocks = clocks_plan(case)
    stamp(case, actor=actor, reason=f"Received via {case.get_channel_display()}")
    case.save()
    clocks_create(case=case, clocks=clocks)
    for txid in dict.fromkeys(txids):
        tx = CaseTransaction(case=case, txid=txid)
        stamp(tx, actor=actor, reason="Related at intake")
        tx.save()
    if team is not None:
        grant_new_case_to_team(case, team)
    if assignee is not None:
        grant_new_case_to_user(case, assignee)
    case_event_record(
        case=case,
        type=CaseEventType.OPENED,
        actor=actor,
        to_state=case.state,
        data={
            "channel": draft.channel,
            "team": team.code if team else None,
            **({"assignee": assignee.get_username()} if assignee is not None else {}),
            **(draft.event_data or {}),
        },
    )
    return case


@staff_write(
    "triage",
    may=lambda actor, case: policies.may_run(actor, case, "cases.assess_case"),
    denied=gettext_lazy("You may not change the triage of this case."),
)
@transaction.atomic
def case_update_triage(
    *,
    case: Case,
    actor: Actor,
    reason: str,
    category: str | None = None,
    priority: str | None = None,
) -> Case:
    """Change category and/or priority; a priority change recomputes the due dates.

    A staff actor needs ``cases.assess_case`` on the case and passes the recusal check
    (`staff_write`): PermissionDeniedError otherwise, with nothing stored.
    """
    if not reason.strip():
        raise ApplicationError(
            _("A reason is required."), extra={"errors": {"reason": [_("Required.")]}}
        )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ConflictError(_("A closed case cannot be re-triaged."))
    errors: dict[str, list[str]] = {}
    if category is not None:
        _validate_choice(category, Category, "category", errors)
    if priority is not None:
        _validate_choice(priority, Priority, "priority", errors)
    if errors:
        raise ApplicationError(_("Invalid triage."), extra={"errors": errors})
    changes = {}
    if category is not None and category != locked.category:
        changes["category"] = [locked.category, category]
        locked.category = category
    if priority is not None and priority != locked.priority:
        changes["priority"] = [locked.priority, priority]
        locked.priority = priority
    if not changes:
        return locked
    # New targets for the new priority or category, from when each clock started.
    clocks_retarget(locked)
    stamp(locked, actor=actor, reason=reason)
    locked.save()
    case_event_record(
        case=locked, type=CaseEventType.TRIAGE_CHANGED, actor=actor, reason=reason, data=changes
    )
    return locked
