"""The clocks of a case (docs/clocks.md): service targets, regulatory deadlines, lifecycle steps
and the sweep that warns before a deadline and escalates at a breach.

A clock is a `CaseClock` row, not a timer. The services here start, pause, resume and stop
clocks as the case moves; they run inside the caller's transaction on a locked case and keep
the case's own due-date columns (what the staff lists filter and sort by) in step with the
running clocks. `clocks_sweep` is the one periodic pass: a fixed handful of statements however
many cases are open, and safe to run twice at the same moment (each clock is warned once and
breached once, by whichever pass updates it first).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import DurationField, ExpressionWrapper, F, OuterRef, Subquery, Value
from django.utils import timezone

from cases.enums import (
    REGULATORY_CLOCKS,
    SLA_CLOCKS,
    TERMINAL_STATES,
    CaseEventType,
    CaseState,
    ClockKind,
    Locale,
    Regime,
)
from cases.lib.business_time import WorkCalendar, add_working_time
from cases.models import (
    Case,
    CaseClock,
    CaseEvent,
    CaseStep,
    Notification,
    SlaPolicy,
    StaffProfile,
    Team,
)
from cases.models.correspondence import NotificationChannel, NotificationStatus
from cases.policies.regimes import jurisdiction_for, regulatory_deadlines
from cases.services.jobs import task_enqueue
from complaints_site.common.actors import SystemActor, actor_label

SWEEP_ACTOR = SystemActor("task:sla_sweep")

# Where the resolution target is met: the exchange gave its answer or the case ended.
_RESOLUTION_MET = {
    CaseState.RESOLVED: "resolved",
    CaseState.FINAL_RESPONSE: "final_response",
    CaseState.OUT_OF_SCOPE: "out_of_scope",
    CaseState.WITHDRAWN: "withdrawn",
    CaseState.CLOSED: "closed",
}
# Where the regulator's deadlines are met: a final response, the customer accepting the
# exchange's offer (the complaint is resolved), an out-of-scope answer, a withdrawal.
_REGULATORY_MET = {
    CaseState.FINAL_RESPONSE: "final_response",
    CaseState.RESOLUTION_ACCEPTED: "offer_accepted",
    CaseState.OUT_OF_SCOPE: "out_of_scope",
    CaseState.WITHDRAWN: "withdrawn",
    CaseState.CLOSED: "closed",
}


@dataclass(frozen=True)
class SlaTargets:
    first_response: timedelta
    next_response: timedelta
    resolution: timedelta
    warn_at_percent: int


def sla_targets(*, priority: str, category: str) -> SlaTargets:
    """The service targets of a priority and category: the category's own policy, else the
    priority's general one, else `SLA_TARGETS` from the settings."""
    policies = {
        p.category: p
        for p in SlaPolicy.objects.filter(priority=priority, category__in=[category, ""])
    }
    policy = policies.get(category) or policies.get("")
    if policy is not None:
        return SlaTargets(
            policy.first_response, policy.next_response, policy.resolution, policy.warn_at_percent
        )
    first, resolution = settings.SLA_TARGETS[priority]
    return SlaTargets(first, first, resolution, settings.SLA_WARN_AT_PERCENT)


def team_calendar(case: Case) -> WorkCalendar:
    """The working time the case's team counts in (24/7 without business hours)."""
    team = case.team
    if team is not None and team.business_hours_id is not None:
        return WorkCalendar.from_business_hours(team.business_hours)
    return WorkCalendar.around_the_clock()


def _sla_clock(
    *, case: Case, kind: ClockKind, start: datetime, target: timedelta, targets: SlaTargets
) -> CaseClock:
    calendar = team_calendar(case)
    due = add_working_time(start, target, calendar)
    warn = start + (due - start) * targets.warn_at_percent / 100
    return CaseClock(case=case, kind=kind, started_at=start, due_at=due, warn_at=warn)


def _regulatory_clocks(case: Case) -> list[CaseClock]:
    if not case.is_complaint or case.regime == Regime.NONE:
        return []
    jurisdiction = jurisdiction_for(case.jurisdiction)
    return [
        CaseClock(
            case=case,
            kind=deadline.kind,
            regime=case.regime,
            started_at=case.received_at,
            due_at=deadline.due_at,
            warn_at=deadline.warn_at,
        )
        for deadline in regulatory_deadlines(
            jurisdiction=jurisdiction, received_at=case.received_at, category=case.category
        )
    ]


def clocks_plan(case: Case) -> list[CaseClock]:
    """The clocks of a new case (not saved yet): its regime from its jurisdiction, the first
    response and resolution targets, the regulator's deadlines for a complaint. Sets the
    case's due-date columns; `clocks_create` saves the clocks once the case has its id."""
    jurisdiction = jurisdiction_for(case.jurisdiction)
    case.jurisdiction = jurisdiction.code
    case.regime = jurisdiction.regime
    targets = sla_targets(priority=case.priority, category=case.category)
    start = case.received_at
    clocks = [
        _sla_clock(
            case=case,
            kind=ClockKind.FIRST_RESPONSE,
            start=start,
            target=targets.first_response,
            targets=targets,
        ),
        _sla_clock(
            case=case,
            kind=ClockKind.RESOLUTION,
            start=start,
            target=targets.resolution,
            targets=targets,
        ),
        *_regulatory_clocks(case),
    ]
    _columns_from(case, clocks)
    return clocks


def clocks_create(*, case: Case, clocks: list[CaseClock]) -> None:
    """Save the planned clocks of a new case and open its first lifecycle step."""
    for clock in clocks:
        clock.case = case
    CaseClock.objects.bulk_create(clocks)
    CaseStep.objects.create(case=case, state=case.state, entered_at=case.received_at)


def _columns_from(case: Case, running: Iterable[CaseClock]) -> None:
    """Mirror the running clocks into the case's columns (lists read those)."""
    due: dict[str, datetime | None] = {}
    ticking: list[datetime] = []
    for clock in running:
        if clock.met_at is None:
            due[clock.kind] = clock.due_at
            if clock.paused_at is None:
                ticking.append(clock.due_at)
    case.first_response_due_at = due.get(ClockKind.FIRST_RESPONSE, case.first_response_due_at)
    case.resolution_due_at = due.get(ClockKind.RESOLUTION, case.resolution_due_at)
    case.next_response_due_at = due.get(ClockKind.NEXT_RESPONSE)
    if ClockKind.REG_FINAL in due:
        case.final_response_due_at = due[ClockKind.REG_FINAL]
    elif case.final_response_due_at is None:
        case.final_response_due_at = case.received_at + settings.FINAL_RESPONSE_DEADLINE
    # A paused clock has no deadline until it resumes; the regulator's never pause.
    case.next_due_at = min(ticking, default=None)


def clocks_refresh(case: Case) -> None:
    """Re-read the case's running clocks into its columns (the caller saves the case)."""
    _columns_from(case, CaseClock.objects.filter(case=case, met_at__isnull=True))


def clocks_meet(*, case: Case, kinds: Iterable[str], by: str, at: datetime | None = None) -> int:
    """Stop the running clocks of `kinds` on `case` as met (`by` says how). Returns how many
    stopped; refreshes the case's columns when any did (the caller saves the case)."""
    stopped = CaseClock.objects.filter(case=case, kind__in=list(kinds), met_at__isnull=True).update(
        met_at=at or timezone.now(), met_by=by[:40], paused_at=None
    )
    if stopped:
        clocks_refresh(case)
    return stopped


def clocks_on_staff_reply(case: Case) -> bool:
    """A public reply to the customer meets the first-response and next-response targets.
    True when the case's columns changed (the caller saves the case)."""
    before = (case.next_due_at, case.first_response_due_at, case.next_response_due_at)
    clocks_meet(case=case, kinds=[ClockKind.FIRST_RESPONSE, ClockKind.NEXT_RESPONSE], by="reply")
    return before != (case.next_due_at, case.first_response_due_at, case.next_response_due_at)


def clocks_on_customer_message(case: Case, *, at: datetime | None = None) -> bool:
    """A message from the customer starts the next-response target, unless a first or next
    response is already owed or the case is finished. True when the case's columns changed."""
    if case.state in TERMINAL_STATES:
        return False
    owed = CaseClock.objects.filter(
        case=case,
        kind__in=[ClockKind.FIRST_RESPONSE, ClockKind.NEXT_RESPONSE],
        met_at__isnull=True,
    ).exists()
    if owed:
        return False
    start = at or timezone.now()
    targets = sla_targets(priority=case.priority, category=case.category)
    clock = _sla_clock(
        case=case,
        kind=ClockKind.NEXT_RESPONSE,
        start=start,
        target=targets.next_response,
        targets=targets,
    )
    clock.save()
    clocks_refresh(case)
    return True


def clocks_retarget(case: Case) -> None:
    """The priority or category changed: the running service targets are computed again from
    when they started (time already spent waiting for the customer still does not count)."""
    targets = sla_targets(priority=case.priority, category=case.category)
    by_kind = {
        ClockKind.FIRST_RESPONSE: targets.first_response,
        ClockKind.NEXT_RESPONSE: targets.next_response,
        ClockKind.RESOLUTION: targets.resolution,
    }
    waited = case.paused_total or timedelta()
    for clock in CaseClock.objects.filter(case=case, kind__in=SLA_CLOCKS, met_at__isnull=True):
        fresh = _sla_clock(
            case=case,
            kind=clock.kind,
            start=clock.started_at,
            target=by_kind[clock.kind],
            targets=targets,
        )
        shift = waited if clock.started_at <= case.received_at else timedelta()
        clock.due_at = fresh.due_at + shift
        clock.warn_at = fresh.warn_at + shift if fresh.warn_at else None
        # A clock moved later may warn and breach again; one moved earlier keeps its flags.
        if clock.warned_at and clock.warn_at and clock.warn_at > timezone.now():
            clock.warned_at = None
        if clock.breached_at and clock.due_at > timezone.now():
            clock.breached_at, clock.breached_in = None, ""
        clock.save(update_fields=["due_at", "warn_at", "warned_at", "breached_at", "breached_in"])
    clocks_refresh(case)


def clocks_regulatory_sync(case: Case) -> None:
    """The complaint flag changed: a complaint gets the regulator's deadlines (counted from
    receipt), a query loses them (stopped as met by reclassification)."""
    running = {"case": case, "kind__in": REGULATORY_CLOCKS, "met_at__isnull": True}
    if case.is_complaint and case.state not in TERMINAL_STATES:
        if not CaseClock.objects.filter(**running).exists():
            CaseClock.objects.bulk_create(_regulatory_clocks(case))
    elif not case.is_complaint:
        CaseClock.objects.filter(**running).update(met_at=timezone.now(), met_by="not_a_complaint")
    clocks_refresh(case)


def clocks_on_transition(*, case: Case, from_state: str, at: datetime | None = None) -> None:
    """The lifecycle moved `case` from `from_state` to its current state: close the old step
    and open the new one, pause or resume the service targets, stop the clocks the new state
    meets. Runs inside the transition's transaction before the case is saved."""
    now = at or timezone.now()
    to_state = case.state
    CaseStep.objects.filter(case=case, left_at__isnull=True).update(left_at=now)
    CaseStep.objects.create(case=case, state=to_state, entered_at=now)
    sla = {"case": case, "kind__in": SLA_CLOCKS, "met_at__isnull": True}
    if to_state == CaseState.AWAITING_CUSTOMER:
        CaseClock.objects.filter(**sla, paused_at__isnull=True).update(
            paused_at=case.paused_at or now
        )
    elif from_state == CaseState.AWAITING_CUSTOMER:
        # Waiting for the customer does not count: the due times move by the pause. A clock
        # the move puts back in the future may warn and breach again.
        waited = ExpressionWrapper(Value(now) - F("paused_at"), output_field=DurationField())
        CaseClock.objects.filter(**sla, paused_at__isnull=False).update(
            due_at=F("due_at") + waited,
            warn_at=F("warn_at") + waited,
            paused_at=None,
        )
    if to_state == CaseState.REOPENED:
        targets = sla_targets(priority=case.priority, category=case.category)
        CaseClock.objects.filter(**sla).filter(kind=ClockKind.RESOLUTION).update(
            met_at=now, met_by="reopened"
        )
        _sla_clock(
            case=case,
            kind=ClockKind.RESOLUTION,
            start=now,
            target=targets.resolution,
            targets=targets,
        ).save()
    met_resolution = _RESOLUTION_MET.get(to_state)
    if met_resolution:
        CaseClock.objects.filter(**sla).filter(kind=ClockKind.RESOLUTION).update(
            met_at=now, met_by=met_resolution
        )
    met_regulatory = _REGULATORY_MET.get(to_state)
    if met_regulatory:
        CaseClock.objects.filter(case=case, kind__in=REGULATORY_CLOCKS, met_at__isnull=True).update(
            met_at=now, met_by=met_regulatory
        )
    if to_state in TERMINAL_STATES:
        CaseClock.objects.filter(case=case, met_at__isnull=True).update(
            met_at=now, met_by=CaseState(to_state).value
        )
    clocks_refresh(case)


# --- The sweep ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    warned: int
    breached: int
    notified: int


def clocks_sweep(*, now: datetime | None = None) -> SweepResult:
    """One pass: mark the clocks past due as breached (with the step the case was in) and
    escalate them to the team lead; warn the assignee of the clocks about to breach.

    Set-based: two UPDATEs claim the rows with this pass's token, then two INSERT ... SELECTs
    write, from the claimed rows joined to their cases, assignees, team leads and staff
    profiles, one event per clock and the emails; no row travels through Python. The same five
    statements (the first, `SET LOCAL jit = off`) for ten cases or a million. Two passes at
    once never warn or escalate twice: PostgreSQL re-checks each UPDATE's condition on a row
    another pass changed, so only one of them claims it.
    """
    now = now or timezone.now()
    token = uuid.uuid4()
    running = {"met_at__isnull": True, "paused_at__isnull": True}
    in_sql = connection.vendor in SQL_VENDORS
    with transaction.atomic():
        if in_sql:
            with connection.cursor() as cursor:
                # The planner cannot know that the running clocks past due are nearly all
                # breached already, expects a good share of the table in the first UPDATE and
                # compiles it (JIT): a third of a second at every pass, more than the rest of
                # an idle pass.
                cursor.execute("SET LOCAL jit = off")
        breached = CaseClock.objects.filter(
            **running, breached_at__isnull=True, due_at__lte=now
        ).update(
            breached_at=now,
            breached_in=Subquery(
                Case.objects.filter(pk=OuterRef("case_id")).order_by().values("state")[:1]
            ),
            sweep_token=token,
        )
        warned = CaseClock.objects.filter(
            **running, warned_at__isnull=True, warn_at__lte=now, due_at__gt=now
        ).update(warned_at=now, sweep_token=token)
        if not (breached or warned):
            return SweepResult(warned=0, breached=0, notified=0)
        write = _write_rows_sql if in_sql else _write_rows_python
        notified = write(token=token, now=now)
        if notified:
            transaction.on_commit(_deliver_soon, robust=True)
    return SweepResult(warned=warned, breached=breached, notified=notified)


# Where the sweep writes its events and emails with INSERT ... SELECT; elsewhere (SQLite, the
# `make run` demo) from one read of the claimed rows, the same rows (test_clocks_sweep_rows.py).
SQL_VENDORS = frozenset({"postgresql"})


def _write_rows_sql(*, token: uuid.UUID, now: datetime) -> int:
    params = {
        "token": token,
        "now": now,
        "queued_at": timezone.now(),
        "event_breached": CaseEventType.CLOCK_BREACHED.value,
        "event_warned": CaseEventType.CLOCK_WARNED.value,
        "mail_breached": "staff.clock_breached",
        "mail_warned": "staff.clock_warning",
        "label": actor_label(SWEEP_ACTOR),
        "no_regime": Regime.NONE.value,
        "email": NotificationChannel.EMAIL.value,
        "pending": NotificationStatus.PENDING.value,
        "locales": list(Locale.values),
        "default_locale": Locale.EN.value,
        "domain": _domain(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_SWEEP_EVENTS, params)
        cursor.execute(_SWEEP_MAILS, params)
        return cursor.rowcount


def _staff_locale(user: Any) -> str:
    """The first of the person's languages we write, else English."""
    profile = getattr(user, "staff_profile", None)
    languages = getattr(profile, "languages", None)
    for code in languages if isinstance(languages, list) else []:
        if code in Locale.values:
            return code
    return Locale.EN


def _write_rows_python(*, token: uuid.UUID, now: datetime) -> int:
    claimed = list(
        CaseClock.objects.filter(sweep_token=token)
        .select_related("case__assignee__staff_profile", "case__team__lead__staff_profile")
        .order_by("case_id", "id")
    )
    events, mails = [], []
    label = actor_label(SWEEP_ACTOR)
    for clock in claimed:
        case = clock.case
        is_breach = clock.breached_at == now
        data: dict[str, Any] = {"clock": clock.kind, "due_at": clock.due_at.isoformat()}
        if clock.regime != Regime.NONE:
            data["regime"] = clock.regime
        if is_breach:
            data["step"] = clock.breached_in
        recipients = [case.assignee] if case.assignee_id else []
        if is_breach and case.team_id and case.team.lead_id:
            recipients.append(case.team.lead)
        data["notified"] = [user.get_username() for user in recipients]
        events.append(
            CaseEvent(
                case_id=case.pk,
                type=(
                    CaseEventType.CLOCK_BREACHED if is_breach else CaseEventType.CLOCK_WARNED
                ).value,
                actor=None,
                actor_label=label,
                data=data,
                created_at=now,
            )
        )
        kind = "staff.clock_breached" if is_breach else "staff.clock_warning"
        for user in dict.fromkeys(recipients):
            if not user.email:
                continue
            mails.append(
                Notification(
                    dedupe_key=f"{kind}:{case.pk}:clock-{clock.pk}:{user.pk}",
                    case_id=case.pk,
                    channel=NotificationChannel.EMAIL,
                    kind=kind,
                    locale=_staff_locale(user),
                    recipient_email=user.email,
                    recipient_user=user,
                    context={
                        "clock": clock.kind,
                        "due_at": clock.due_at.isoformat(),
                        "regime": clock.regime,
                        "lead": user.pk != case.assignee_id,
                    },
                    status=NotificationStatus.PENDING,
                    next_attempt_at=timezone.now(),
                    email_message_id=f"<{uuid.uuid4().hex}@{_domain()}>",
                    created_at=now,
                )
            )
    CaseEvent.objects.bulk_create(events)
    # A clock warned again after its target moved later keeps its first email.
    sent_before = set(
        Notification.objects.filter(dedupe_key__in=[m.dedupe_key for m in mails]).values_list(
            "dedupe_key", flat=True
        )
    )
    fresh = [m for m in mails if m.dedupe_key not in sent_before]
    Notification.objects.bulk_create(fresh)
    return len(fresh)


_CLOCK, _CASE, _TEAM = CaseClock._meta.db_table, Case._meta.db_table, Team._meta.db_table
_USER, _PROFILE = get_user_model()._meta.db_table, StaffProfile._meta.db_table
_USERNAME = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).column
# The due time as Python's `isoformat()` writes it (the mail templates parse it back).
_ISO_DUE = (
    "to_char(k.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') "
    "|| CASE WHEN date_part('microseconds', k.due_at)::int %% 1000000 = 0 THEN '' "
    "ELSE to_char(k.due_at AT TIME ZONE 'UTC', '.US') END || '+00:00'"
)
# One event per claimed clock: which clock, when it was due, its regime, the step it was
# missed in, and who was told (the assignee; at a breach the team lead too).
_SWEEP_EVENTS = f"""
INSERT INTO {CaseEvent._meta.db_table}
  (case_id, type, actor_id, actor_label, from_state, to_state, reason, data, created_at)
SELECT k.case_id,
  CASE WHEN k.breached_at = %(now)s THEN %(event_breached)s ELSE %(event_warned)s END,
  NULL, %(label)s, '', '', '',
  jsonb_build_object('clock', k.kind, 'due_at', {_ISO_DUE})
    || CASE WHEN k.regime <> %(no_regime)s THEN jsonb_build_object('regime', k.regime)
            ELSE '{{}}'::jsonb END
    || CASE WHEN k.breached_at = %(now)s THEN jsonb_build_object('step', k.breached_in)
            ELSE '{{}}'::jsonb END
    || jsonb_build_object('notified',
         CASE WHEN a.id IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(a.{_USERNAME}) END
         || CASE WHEN l.id IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(l.{_USERNAME}) END),
  %(now)s
FROM {_CLOCK} k
JOIN {_CASE} c ON c.id = k.case_id
LEFT JOIN {_USER} a ON a.id = c.assignee_id
LEFT JOIN {_TEAM} t ON t.id = c.team_id AND k.breached_at = %(now)s
LEFT JOIN {_USER} l ON l.id = t.lead_id
WHERE k.sweep_token = %(token)s
ORDER BY k.case_id, k.id
"""  # noqa: S608 (table names only)
# The emails: a warning to the assignee, a breach to the assignee and the team lead, one each,
# in the first of the person's languages we write, none to a person without an address. A
# clock warned again after its target moved later keeps its first email (the dedupe key).
_SWEEP_MAILS = f"""
INSERT INTO {Notification._meta.db_table}
  (case_id, channel, kind, locale, recipient_email, recipient_user_id, context, dedupe_key,
   status, attempts, next_attempt_at, last_error, sent_at, email_message_id, read_at,
   created_at)
SELECT k.case_id, %(email)s, m.kind,
  COALESCE((
    SELECT x.code
    FROM jsonb_array_elements_text(
      CASE WHEN jsonb_typeof(u.languages) = 'array' THEN u.languages ELSE '[]'::jsonb END
    ) WITH ORDINALITY AS x(code, n)
    WHERE x.code = ANY(%(locales)s)
    ORDER BY x.n LIMIT 1
  ), %(default_locale)s),
  u.email, u.id,
  jsonb_build_object('clock', k.kind, 'due_at', {_ISO_DUE}, 'regime', k.regime,
                     'lead', u.id IS DISTINCT FROM c.assignee_id),
  m.kind || ':' || k.case_id || ':clock-' || k.id || ':' || u.id,
  %(pending)s, 0, %(queued_at)s, '', NULL,
  '<' || replace(gen_random_uuid()::text, '-', '') || '@' || %(domain)s || '>', NULL, %(now)s
FROM {_CLOCK} k
JOIN {_CASE} c ON c.id = k.case_id
LEFT JOIN {_USER} a ON a.id = c.assignee_id
LEFT JOIN {_PROFILE} ap ON ap.user_id = a.id
LEFT JOIN {_TEAM} t ON t.id = c.team_id AND k.breached_at = %(now)s
LEFT JOIN {_USER} l ON l.id = t.lead_id AND t.lead_id IS DISTINCT FROM c.assignee_id
LEFT JOIN {_PROFILE} lp ON lp.user_id = l.id
CROSS JOIN LATERAL (
  VALUES (a.id, a.email, ap.languages), (l.id, l.email, lp.languages)
) AS u(id, email, languages)
CROSS JOIN LATERAL (
  SELECT CASE WHEN k.breached_at = %(now)s THEN %(mail_breached)s ELSE %(mail_warned)s END
) AS m(kind)
WHERE k.sweep_token = %(token)s AND u.email <> ''
ORDER BY k.case_id, k.id, u.id
ON CONFLICT DO NOTHING
"""  # noqa: S608 (table names only)


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"


def _deliver_soon() -> None:
    """One delivery pass now rather than at the delivery sweep's next tick."""
    task_enqueue("cases.tasks.notifications_deliver_due")


__all__ = [
    "SWEEP_ACTOR",
    "SlaTargets",
    "SweepResult",
    "clocks_create",
    "clocks_meet",
    "clocks_on_customer_message",
    "clocks_on_staff_reply",
    "clocks_on_transition",
    "clocks_plan",
    "clocks_refresh",
    "clocks_regulatory_sync",
    "clocks_retarget",
    "clocks_sweep",
    "sla_targets",
    "team_calendar",
]
