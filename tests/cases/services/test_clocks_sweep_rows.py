"""The rows one SLA sweep writes (cases.services.clocks.clocks_sweep), field by field: the sweep
builds its events and emails in SQL from the claimed clocks, so each field a reader relies on is
pinned here — the due time as `isoformat()` writes it, who was told, each person's language,
the lead's flag, the dedupe key and the Message-ID."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from cases import roles
from cases.enums import CaseEventType, CaseState, ClockKind, Regime
from cases.models import CaseClock, CaseEvent, Notification, StaffProfile
from cases.services.clocks import SWEEP_ACTOR, clocks_sweep
from complaints_site.common.actors import actor_label

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["sql", "python"])
def write_path(request, monkeypatch):
    """Every check runs on both ways the sweep writes its rows: INSERT ... SELECT (PostgreSQL)
    and the portable bulk inserts (SQLite, `make run`), which must write the same rows."""
    from django.db import connection

    if request.param == "sql" and connection.vendor != "postgresql":
        pytest.skip("the SQL writer is PostgreSQL's")
    if request.param == "python":
        monkeypatch.setattr("cases.services.clocks.SQL_VENDORS", frozenset())
    return request.param


# A Wednesday, 10:00 in London, with a fraction of a second that the due times keep.
RECEIVED = datetime(2026, 11, 4, 10, 0, 0, 123400, tzinfo=UTC)


@pytest.fixture
def handler(staff, team):
    return staff(roles.CASE_HANDLER, teams=[team])


@pytest.fixture
def lead(staff, team):
    user = staff(roles.TEAM_LEAD, teams=[team])
    team.lead = user
    team.save()
    return user


def _first_response(case) -> CaseClock:
    return CaseClock.objects.get(case=case, kind=ClockKind.FIRST_RESPONSE, met_at__isnull=True)


def _event(case, type_) -> CaseEvent:
    return CaseEvent.objects.get(case=case, type=type_, data__clock=ClockKind.FIRST_RESPONSE)


def _expected_data(clock: CaseClock, *, notified: list[str], step: str | None = None) -> dict:
    data = {"clock": clock.kind, "due_at": clock.due_at.isoformat(), "notified": notified}
    if clock.regime != Regime.NONE:
        data["regime"] = clock.regime
    if step is not None:
        data["step"] = step
    return data


def test_a_breach_writes_its_event_and_one_mail_each_to_assignee_and_lead(
    case_factory, team, handler, lead, settings
):
    StaffProfile.objects.create(user=handler, languages=["fr", "zh-hans", "en"])
    case = case_factory(team=team, assignee=handler, received_at=RECEIVED)
    clock = _first_response(case)
    assert clock.due_at.microsecond == 123400
    at = clock.due_at + timedelta(minutes=1)
    before = timezone.now()

    result = clocks_sweep(now=at)

    assert (result.warned, result.breached, result.notified) == (0, 1, 2)
    event = _event(case, CaseEventType.CLOCK_BREACHED)
    assert event.data == _expected_data(
        clock, notified=[handler.username, lead.username], step=CaseState.RECEIVED
    )
    assert event.data["due_at"].endswith(".123400+00:00")
    assert (event.created_at, event.actor_id) == (at, None)
    assert event.actor_label == actor_label(SWEEP_ACTOR)
    mails = {
        m.recipient_user_id: m
        for m in Notification.objects.filter(case=case, kind="staff.clock_breached")
    }
    assert set(mails) == {handler.pk, lead.pk}
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2]
    for user, locale, is_lead in ((handler, "zh-hans", False), (lead, "en", True)):
        mail = mails[user.pk]
        assert (mail.channel, mail.recipient_email, mail.locale) == ("email", user.email, locale)
        assert mail.context == {
            "clock": ClockKind.FIRST_RESPONSE,
            "due_at": clock.due_at.isoformat(),
            "regime": clock.regime,
            "lead": is_lead,
        }
        assert mail.dedupe_key == f"staff.clock_breached:{case.pk}:clock-{clock.pk}:{user.pk}"
        assert re.fullmatch(rf"<[0-9a-f]{{32}}@{re.escape(domain)}>", mail.email_message_id)
        assert (mail.status, mail.attempts, mail.sent_at, mail.created_at) == (
            "pending",
            0,
            None,
            at,
        )
        # Due for delivery at once (the real clock, whatever moment the sweep was run for).
        assert before <= mail.next_attempt_at <= timezone.now()
    assert mails[handler.pk].email_message_id != mails[lead.pk].email_message_id


def test_a_warning_goes_to_the_assignee_alone(case_factory, team, handler, lead):
    case = case_factory(team=team, assignee=handler, received_at=RECEIVED.replace(microsecond=0))
    clock = _first_response(case)

    result = clocks_sweep(now=clock.warn_at + timedelta(minutes=1))

    assert (result.warned, result.breached, result.notified) == (1, 0, 1)
    event = _event(case, CaseEventType.CLOCK_WARNED)
    assert event.data == _expected_data(clock, notified=[handler.username])
    # A whole second has no fraction, as `isoformat()` writes it.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", event.data["due_at"])
    (mail,) = Notification.objects.filter(case=case)
    assert (mail.kind, mail.recipient_user, mail.locale) == ("staff.clock_warning", handler, "en")
    assert mail.context["lead"] is False


def test_a_lead_who_is_the_assignee_gets_one_mail(case_factory, team, lead):
    case = case_factory(team=team, assignee=lead, received_at=RECEIVED)
    clock = _first_response(case)

    result = clocks_sweep(now=clock.due_at + timedelta(minutes=1))

    assert result.notified == 1
    (mail,) = Notification.objects.filter(case=case, kind="staff.clock_breached")
    assert (mail.recipient_user, mail.context["lead"]) == (lead, False)
    # The event names everyone the breach concerns, as the assignee and as the lead.
    event = _event(case, CaseEventType.CLOCK_BREACHED)
    assert event.data["notified"] == [lead.username, lead.username]


def test_an_unassigned_case_warns_nobody_and_escalates_to_the_lead(case_factory, team, lead):
    case = case_factory(team=team, received_at=RECEIVED)
    assert case.assignee_id is None
    clock = _first_response(case)

    warned = clocks_sweep(now=clock.warn_at + timedelta(minutes=1))
    assert (warned.warned, warned.notified) == (1, 0)
    assert _event(case, CaseEventType.CLOCK_WARNED).data["notified"] == []

    breached = clocks_sweep(now=clock.due_at + timedelta(minutes=1))
    assert (breached.breached, breached.notified) == (1, 1)
    (mail,) = Notification.objects.filter(case=case)
    assert (mail.recipient_user, mail.context["lead"]) == (lead, True)
    assert _event(case, CaseEventType.CLOCK_BREACHED).data["notified"] == [lead.username]


def test_no_mail_without_an_address_and_english_without_a_language_list(
    case_factory, team, handler, lead
):
    handler.email = ""
    handler.save(update_fields=["email"])
    # Not a list: no language is read from it.
    StaffProfile.objects.create(user=lead, languages="zh-hans")
    case = case_factory(team=team, assignee=handler, received_at=RECEIVED)
    clock = _first_response(case)

    result = clocks_sweep(now=clock.due_at + timedelta(minutes=1))

    assert result.notified == 1
    (mail,) = Notification.objects.filter(case=case)
    assert (mail.recipient_user, mail.locale) == (lead, "en")
    # Named in the event all the same: the breach concerned them.
    assert _event(case, CaseEventType.CLOCK_BREACHED).data["notified"] == [
        handler.username,
        lead.username,
    ]
