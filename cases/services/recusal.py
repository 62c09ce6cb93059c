"""Recusal: the check on every act, and compliance overrides.

`recusal_check` runs before a person acts on a case (assignment of them, every transition they
run; approvals and quality review call it too). It records the check in the `RecusalCheck`
ledger and, on a conflict, bars the person from the case with a `CaseRecusal` row, which every
read path honours (`cases.selectors.case_list_for_staff`), and refuses naming the rule. The
record is written in its own transaction before the refusal is raised, so a refused attempt is
never lost with the act it refused.

Every staff write on a case goes through `staff_write_check` (directly, or through the
`@staff_write` decorator of a service), after the write's own permission check: the ledger
only records acts that someone allowed to attempt them attempted, with their true outcome.

Only a compliance officer lifts a recusal, never their own (four eyes), with a written reason.
Declarations and the other late conflicts, whose sweep unassigns, sit above assignment in
`cases.services.conflicts`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import policies
from cases.enums import CaseEventType
from cases.models import (
    Case,
    CaseEvent,
    CaseRecusal,
    CheckOutcome,
    ConflictDeclaration,
    DeclarationStatus,
    RecusalCheck,
    StaffProfile,
)
from cases.policies.recusal import RULES, Conflict, recusal_conflicts
from cases.services.events import case_event_record
from cases.services.jobs import task_enqueue
from complaints_site.common.actors import Actor, SystemActor, actor_label
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError
from complaints_site.common.history import stamp

SWEEP_ACTOR = SystemActor("recusal")

# An override lifts the one control that keeps a conflicted person off a case: its reason must
# say something (a word or two is not a reason).
OVERRIDE_REASON_MIN_LENGTH = 20


def recusal_record(*, case: Case, user: Any, conflict: Conflict, actor: Actor) -> CaseRecusal:
    active = CaseRecusal.objects.filter(
        case=case, user=user, rule=conflict.rule, lifted_at__isnull=True
    ).first()
    if active is not None:
        return active
    recusal = CaseRecusal(case=case, user=user, rule=conflict.rule, detail=conflict.detail[:300])
    stamp(recusal, actor=actor, reason=f"Recused: {conflict.rule}")
    recusal.save()
    case_event_record(
        case=case,
        type=CaseEventType.RECUSED,
        actor=actor,
        reason=conflict.sentence,
        data={"user": user.get_username(), "rule": conflict.rule, "detail": conflict.detail},
    )
    return recusal


def recusal_lead_notice_queue(case_id: int, lead_id: int, event_id: int) -> None:
    task_enqueue("cases.tasks.recusal_notify_lead", case_id, lead_id, event_id)


def recusal_lead_notice_send(*, case_id: int, lead_id: int, event_id: int | None = None) -> bool:
    """Tell the team lead by email that a case lost its handler to a recusal and needs
    reassignment (no personal data of the customer in the mail: the reference only).

    Sent once per `case.recusal.reassignment_needed` event (`event_id`): the case row is locked
    and the sending recorded as a `case.recusal.lead_notified` event in the same transaction,
    so a re-delivered task finds it and sends nothing."""
    lead = get_user_model().objects.filter(pk=lead_id, is_active=True).first()
    if lead is None or not lead.email:
        return False
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).only("pk", "reference").first()
        if case is None:
            return False
        if (
            event_id is not None
            and CaseEvent.objects.filter(
                case_id=case_id, type=CaseEventType.LEAD_NOTIFIED, data__for_event=event_id
            ).exists()
        ):
            return False
        EmailMessage(
            subject=_("[%(ref)s] Reassignment needed: the handler was recused")
            % {"ref": case.reference},
            body=_(
                "The handler of case %(ref)s was recused because of a conflict of interest and "
                "the case is unassigned. Please assign it to someone else."
            )
            % {"ref": case.reference},
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[lead.email],
            headers={"Auto-Submitted": "auto-generated"},
        ).send()
        case_event_record(
            case=case,
            type=CaseEventType.LEAD_NOTIFIED,
            actor=SWEEP_ACTOR,
            data={"lead": lead.get_username(), "for_event": event_id},
        )
    return True


def staff_conflicted_with_accounts(accounts: set[str]) -> set[int]:
    """Ids of staff whose own or declared (pending/accepted) exchange account is among
    `accounts`: one query, run for every new case, almost always empty."""
    accounts = {a for a in accounts if a}
    if not accounts:
        return set()
    # Unordered: SQLite refuses ORDER BY inside a UNION's parts.
    own = (
        StaffProfile.objects.filter(exchange_account_id__in=accounts)
        .order_by()
        .values_list("user_id", flat=True)
    )
    declared = (
        ConflictDeclaration.objects.filter(
            exchange_account_id__in=accounts,
            status__in=(DeclarationStatus.PENDING, DeclarationStatus.ACCEPTED),
        )
        .order_by()
        .values_list("staff_id", flat=True)
    )
    return set(own.union(declared))


def recusal_bar_at_intake(*, case: Case, user_ids: set[int], actor: Actor) -> None:
    """A new case about a staff member's own or declared account: bar them from it at birth,
    so it never shows in their team's queue."""
    for user in get_user_model().objects.filter(pk__in=user_ids):
        for conflict in recusal_conflicts(case=case, user=user):
            recusal_record(case=case, user=user, conflict=conflict, actor=actor)


def recusal_check(
    *,
    case: Case,
    user: Any,
    act: str,
    actor: Actor,
    extra: tuple[Conflict, ...] = (),
) -> None:
    """Check that `user` may take part in `act` on `case`; record the check.

    Raises PermissionDeniedError naming the first rule that bars them (unless a compliance
    officer overrode that rule for them on this case).
    """
    conflicts = [*recusal_conflicts(case=case, user=user), *extra]
    ruled = {c.rule for c in conflicts}
    # A bar already in force counts even if the data behind it changed since (a declaration
    # withdrawn, an account unlinked): only a compliance officer lifts it.
    for rule, detail in CaseRecusal.objects.filter(
        case=case, user=user, lifted_at__isnull=True
    ).values_list("rule", "detail"):
        if rule not in ruled and rule in RULES:
            conflicts.append(Conflict(rule, detail))
            ruled.add(rule)
    overridden_rules = set(
        CaseRecusal.objects.filter(case=case, user=user, lifted_at__isnull=False).values_list(
            "rule", flat=True
        )
    )
    refused = [c for c in conflicts if c.rule not in overridden_rules]
    overridden = [c for c in conflicts if c.rule in overridden_rules]
    if refused:
        outcome, rule = CheckOutcome.REFUSED, refused[0].rule
    elif overridden:
        outcome, rule = CheckOutcome.OVERRIDDEN, overridden[0].rule
    else:
        outcome, rule = CheckOutcome.ALLOWED, ""
    with transaction.atomic():
        RecusalCheck.objects.create(
            case=case,
            user=user,
            act=act[:60],
            outcome=outcome,
            rule=rule,
            actor_label=actor_label(actor),
        )
        for conflict in refused:
            recusal_record(case=case, user=user, conflict=conflict, actor=actor)
    if refused:
        raise PermissionDeniedError(
            _("%(user)s may not act on this case. %(rule)s")
            % {"user": user.get_username(), "rule": refused[0].sentence},
            extra={"rule": refused[0].rule},
        )


def _is_staff_person(actor: Any) -> bool:
    """A person of the staff (active or not); tasks and customers are not checked here (tasks
    are trusted code, customers reach only their own cases through their selectors)."""
    return not isinstance(actor, SystemActor) and bool(getattr(actor, "is_staff", False))


# (case id, user id) pairs already checked by the staff write running now: a write made of
# smaller writes (an answer that attaches evidence, a snapshot stored as evidence) is checked
# and recorded once, as the act the person attempted.
_checked: ContextVar[frozenset[tuple[int, int]]] = ContextVar(
    "staff_write_checked", default=frozenset()
)


@contextmanager
def staff_write_scope(case: Case, actor: Any) -> Iterator[None]:
    """While the write checked by `staff_write_check` runs: its inner writes are not checked
    (nor recorded) again."""
    if not _is_staff_person(actor):
        yield
        return
    token = _checked.set(_checked.get() | {(case.pk, actor.pk)})
    try:
        yield
    finally:
        _checked.reset(token)


def staff_write_check(*, case: Case, actor: Actor, act: str) -> None:
    """The one recusal check of every staff write on a case (replies, notes, the complaint
    flag, triage, evidence, snapshots, consultations, transitions, assignment).

    Call it after the write's own permission check, before the write's transaction: a refusal
    is recorded (and the person barred) in its own transaction, then PermissionDeniedError is
    raised naming the rule, and nothing of the write is stored. Tasks and customers pass.
    """
    if _is_staff_person(actor) and (case.pk, actor.pk) not in _checked.get():
        recusal_check(case=case, user=actor, act=act, actor=actor)


# Every service marked with @staff_write, by dotted name, with its act (a test holds every
# case-writing service to it, so a new write cannot forget the check).
STAFF_WRITES: dict[str, str] = {}

F = TypeVar("F", bound=Callable[..., Any])


def staff_write(
    act: str,
    *,
    case_of: Callable[[dict[str, Any]], Case] | None = None,
    may: Callable[[Any, Case], bool] | None = None,
    denied: Any = "",
) -> Callable[[F], F]:
    """Mark a service (keyword arguments only, with `actor`) as a staff write on a case.

    Before the body runs, for a staff actor: `may(actor, case)` (the write's permission; a
    refusal is PermissionDeniedError with `denied` and leaves no ledger row), then
    `staff_write_check`. `case_of(kwargs)` finds the case (default: the `case` argument).
    """

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if args:
                raise TypeError(f"{function.__name__} takes keyword arguments only")
            actor = kwargs["actor"]
            case = case_of(kwargs) if case_of is not None else kwargs["case"]
            if not _is_staff_person(actor):
                return function(**kwargs)
            if may is not None and not may(actor, case):
                raise PermissionDeniedError(str(denied or _("You may not change this case.")))
            staff_write_check(case=case, actor=actor, act=act)
            with staff_write_scope(case, actor):
                return function(**kwargs)

        wrapper.staff_write_act = act  # type: ignore[attr-defined]
        STAFF_WRITES[f"{function.__module__}.{function.__qualname__}"] = act
        return wrapper  # type: ignore[return-value]

    return decorate


@transaction.atomic
def recusal_override(*, recusal: CaseRecusal, actor: Any, reason: str) -> CaseRecusal:
    """A compliance officer lets the person act despite the rule, with a written reason.

    Four eyes: the officer is never the recused person, and is not conflicted on the case
    themselves (a colleague with a stake in the case does not lift a bar on it either). The
    reason is at least `OVERRIDE_REASON_MIN_LENGTH` characters. The override is recorded with
    both people (`lifted_by` and the recused `user`; the event names both).

    Raises PermissionDeniedError (not a compliance officer, the person concerned, conflicted
    on the case), ApplicationError (no or too short a reason).
    """
    if not policies.may_override_recusal(actor):
        raise PermissionDeniedError(_("Only a compliance officer may override a recusal."))
    if policies.is_person_concerned(actor, recusal.user_id):
        raise PermissionDeniedError(
            _(
                "Four eyes: you cannot override your own recusal. Another compliance officer "
                "must decide."
            )
        )
    text = (reason or "").strip()
    if len(text) < OVERRIDE_REASON_MIN_LENGTH:
        message = _("Give the reason for the override in at least %(n)s characters.") % {
            "n": OVERRIDE_REASON_MIN_LENGTH
        }
        raise ApplicationError(message, extra={"errors": {"reason": [message]}})
    locked = (
        CaseRecusal.objects.select_for_update().select_related("case", "user").get(pk=recusal.pk)
    )
    own = [c.rule for c in recusal_conflicts(case=locked.case, user=actor)]
    if (
        own
        or CaseRecusal.objects.filter(case=locked.case, user=actor, lifted_at__isnull=True).exists()
    ):
        raise PermissionDeniedError(
            _(
                "You have a conflict of interest on this case yourself; another compliance "
                "officer must decide."
            )
        )
    if locked.lifted_at is not None:
        return locked
    locked.lifted_at = timezone.now()
    locked.lifted_by = actor
    locked.lift_reason = text
    # The history keeps 100 characters of the reason; the row and the event keep all of it.
    stamp(locked, actor=actor, reason=text[:100])
    locked.save()
    case_event_record(
        case=locked.case,
        type=CaseEventType.RECUSAL_OVERRIDDEN,
        actor=actor,
        reason=text,
        data={
            "user": locked.user.get_username(),
            "rule": locked.rule,
            "overridden_by": actor.get_username(),
        },
    )
    return locked
