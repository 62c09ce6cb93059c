"""The service-target configuration: the targets per priority and category (`SlaPolicy`), the
teams' business hours (`BusinessHours`) and which hours a team works by.

Each write checks its input, takes the row lock, and leaves exactly one history row with the
actor and the reason (the models are tracked by simple-history, append-only on PostgreSQL).
A change applies to clocks started after it: running clocks keep the due times they were
given, as the customer may already have been told them.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.enums import Category, Priority
from cases.lib.business_time import WorkCalendar
from cases.models import BusinessHours, SlaPolicy, Team
from complaints_site.common.actors import Actor
from complaints_site.common.exceptions import ApplicationError
from complaints_site.common.history import stamp

# A target longer than a year is a typing mistake (days entered as hours, or the reverse).
MAX_TARGET = timedelta(days=366)
MIN_TARGET = timedelta(minutes=1)
SLA_DURATIONS = ("first_response", "next_response", "resolution")


def _refuse(errors: dict[str, list[str]], message: str) -> None:
    if errors:
        raise ApplicationError(message, extra={"errors": errors})


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ApplicationError(
            _("A reason is required."), extra={"errors": {"change_reason": [_("Required.")]}}
        )
    return reason.strip()


def sla_policy_errors(policy: SlaPolicy) -> dict[str, list[str]]:
    """What is wrong with `policy` (field name -> messages); empty when it may be saved.

    Rules: a known priority and category (empty: every category of the priority); each target
    between one minute and a year; no response target longer than the resolution target; the
    warning at 1 to 99 % of the time; one policy per priority and category.
    """
    errors: dict[str, list[str]] = {}
    if policy.priority not in Priority.values:
        errors.setdefault("priority", []).append(_("Choose a priority."))
    if policy.category and policy.category not in Category.values:
        errors.setdefault("category", []).append(_("Choose a category, or leave it empty."))
    for name in SLA_DURATIONS:
        value = getattr(policy, name)
        if not isinstance(value, timedelta):
            errors.setdefault(name, []).append(_("Enter a length of time."))
        elif not MIN_TARGET <= value <= MAX_TARGET:
            errors.setdefault(name, []).append(
                _("A target is between one minute and one year long.")
            )
    if not errors and max(policy.first_response, policy.next_response) > policy.resolution:
        errors.setdefault("resolution", []).append(
            _("Resolution cannot be due before a response is.")
        )
    percent = policy.warn_at_percent
    if not isinstance(percent, int) or not 1 <= percent <= 99:
        errors.setdefault("warn_at_percent", []).append(_("Between 1 and 99 %."))
    if "priority" not in errors:
        clash = SlaPolicy.objects.filter(priority=policy.priority, category=policy.category or "")
        if policy.pk:
            clash = clash.exclude(pk=policy.pk)
        if clash.exists():
            errors.setdefault("category", []).append(
                _("This priority already has a target for this category; change that one.")
            )
    return errors


def sla_policy_save(*, policy: SlaPolicy, actor: Actor, reason: str) -> SlaPolicy:
    """Create or change a service target (the fields set on `policy`), with one history row
    carrying the actor and the reason. Raises ApplicationError with a message per field
    (`sla_policy_errors`, or an empty reason), nothing stored."""
    why = _reason(reason)
    policy.category = policy.category or ""
    _refuse(sla_policy_errors(policy), _("The service target was not saved."))
    with transaction.atomic():
        if policy.pk:
            SlaPolicy.objects.select_for_update().filter(pk=policy.pk).first()
        stamp(policy, actor=actor, reason=why)
        try:
            with transaction.atomic():
                policy.save()
        except IntegrityError as exc:
            # Another lead saved the same priority and category a moment ago.
            raise ApplicationError(
                _("This priority already has a target for this category; change that one."),
                extra={"errors": {"category": [_("Already taken.")]}},
            ) from exc
    return policy


def business_hours_errors(hours: BusinessHours) -> dict[str, list[str]]:
    """What is wrong with `hours` (field name -> messages); empty when it may be saved.

    Rules: a name no other calendar has; a known time zone; a country (and region) whose public
    holidays the `holidays` package knows; at least one working day; closing after opening
    (00:00 closes at midnight).
    """
    errors: dict[str, list[str]] = {}
    if not (hours.name or "").strip():
        errors.setdefault("name", []).append(_("This field may not be blank."))
    weekdays = hours.weekdays
    if (
        not isinstance(weekdays, list | tuple)
        or not weekdays
        or not all(isinstance(d, int) and 0 <= d <= 6 for d in weekdays)
    ):
        errors.setdefault("weekdays", []).append(_("Choose at least one working day."))
        return errors
    if not isinstance(hours.opens, time) or not isinstance(hours.closes, time):
        errors.setdefault("opens", []).append(_("Enter the opening and closing times."))
        return errors
    try:
        WorkCalendar(time_zone=hours.time_zone, weekdays=frozenset(weekdays))
    except ValueError:
        errors.setdefault("time_zone", []).append(
            _("Unknown time zone; use a name like Europe/London.")
        )
    country = (hours.country or "").strip().upper()
    subdivision = (hours.subdivision or "").strip().upper()
    try:
        WorkCalendar(country=country, subdivision=subdivision)
    except ValueError:
        errors.setdefault("country", []).append(
            _("No public holidays are known for this country and region.")
        )
    if not errors:
        try:
            WorkCalendar(opens=hours.opens, closes=hours.closes, weekdays=frozenset(weekdays))
        except ValueError:
            errors.setdefault("closes", []).append(_("Closing time must be after opening time."))
    clash = BusinessHours.objects.filter(name=(hours.name or "").strip())
    if hours.pk:
        clash = clash.exclude(pk=hours.pk)
    if (hours.name or "").strip() and clash.exists():
        errors.setdefault("name", []).append(_("Another calendar has this name."))
    return errors


def business_hours_save(*, hours: BusinessHours, actor: Actor, reason: str) -> BusinessHours:
    """Create or change a business-hours calendar, with one history row carrying the actor and
    the reason. Raises ApplicationError with a message per field (`business_hours_errors`, or
    an empty reason), nothing stored."""
    why = _reason(reason)
    for name in ("opens", "closes"):
        value = getattr(hours, name)
        if isinstance(value, str):
            # An unsaved instance still holds its field default as text ("09:00").
            try:
                setattr(hours, name, time.fromisoformat(value))
            except ValueError:
                setattr(hours, name, None)
    hours.country = (hours.country or "").strip().upper()
    hours.subdivision = (hours.subdivision or "").strip().upper()
    hours.name = (hours.name or "").strip()
    if isinstance(hours.weekdays, list | tuple):
        hours.weekdays = sorted({int(d) for d in hours.weekdays if str(d).lstrip("-").isdigit()})
    _refuse(business_hours_errors(hours), _("The business hours were not saved."))
    with transaction.atomic():
        if hours.pk:
            BusinessHours.objects.select_for_update().filter(pk=hours.pk).first()
        stamp(hours, actor=actor, reason=why)
        hours.save()
    return hours


@transaction.atomic
def team_business_hours_set(
    *, team: Team, business_hours: BusinessHours | None, actor: Actor, reason: str
) -> Team:
    """Set the hours the team's service targets count in (None: 24/7), with one history row;
    nothing is written when they are already those. Clocks started later use them."""
    why = _reason(reason)
    locked = Team.objects.select_for_update().get(pk=team.pk)
    wanted = business_hours.pk if business_hours is not None else None
    if locked.business_hours_id == wanted:
        return locked
    locked.business_hours = business_hours
    stamp(locked, actor=actor, reason=why)
    locked.save()
    return locked
