"""The notification outbox: every message we owe a user, written with the change that causes it.

`notification_queue` writes one row per channel inside the caller's transaction; after commit a
Celery task delivers the email. A row is keyed by its cause (`dedupe_key`), so queueing twice
is harmless. Delivery claims the row in a committed transaction of its own (the attempt is
counted and the row leased for `NOTIFICATION_LEASE_SECONDS`), sends holding no lock, and marks
it sent: two workers never both send it, and a worker killed mid-send leaves a counted attempt
whose lease runs out before anyone sends again (docs/notifications.md, "Delivery guarantees").
A failed send is retried with backoff by the periodic sweep (`notifications_deliver_due`) until
`NOTIFICATION_MAX_ATTEMPTS`. Our mail carries `Auto-Submitted` (RFC 3834) so that well-behaved
robots never answer it, a signed Reply-To so that the user's answer joins the case, and the
user's anti-phishing code near its top.

The portal copies are the user's inbox: `notifications_mark_read` records what they have read.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from cases.enums import ActionKind, ClockKind, Regime
from cases.lib.customer_links import OFFER, SURVEY, link_token
from cases.lib.letters import last_day, letter_date
from cases.lib.money import amount_display
from cases.lib.reply_tokens import reply_address
from cases.models import (
    Case,
    Notification,
    NotificationChannel,
    NotificationStatus,
    OfferAction,
    ResolutionOffer,
    Survey,
)
from cases.policies.regimes import jurisdiction_for, regulatory_deadlines
from cases.services.jobs import task_enqueue
from complaints_site.common.actors import Actor, actor_label, actor_user
from complaints_site.common.history import stamp

log = logging.getLogger(__name__)

# kind -> template stem under cases/templates/cases/notifications/
KINDS = {
    "case.acknowledged",
    "case.message",
    "case.attachments_refused",
    "case.status_changed",
    "case.info_requested",
    "case.info_reminder",
    "case.closed_unanswered",
    # Steps 5 to 7 (docs/resolution.md).
    "case.offer_sent",
    "case.offer_expired",
    "case.resolved",
    "case.survey",
    "case.final_response",
    # Issue 14: the customer's answer on record, each action carried out, a regulatory
    # deadline moved (with reasons and the new date), a regulatory letter.
    "case.decision_recorded",
    "case.payment_done",
    "case.deadline_extended",
    "case.letter",
    # To staff, from the SLA sweep (cases.services.clocks): no customer data, no reply address.
    "staff.clock_warning",
    "staff.clock_breached",
}


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"


def notification_queue(
    *,
    case: Case,
    kind: str,
    cause: str,
    actor: Actor,
    context: dict[str, Any] | None = None,
    channels: Iterable[str] = (NotificationChannel.EMAIL, NotificationChannel.PORTAL),
) -> list[Notification]:
    """Queue `kind` for the case's complainant, once per `cause` and channel.

    Must run inside the transaction of the change it reports; the email leaves after commit.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    queued = []
    channels = list(channels)
    keys = {channel: f"{kind}:{case.pk}:{cause}:{channel}" for channel in channels}
    existing = {n.dedupe_key: n for n in Notification.objects.filter(dedupe_key__in=keys.values())}
    for channel in channels:
        is_portal = channel == NotificationChannel.PORTAL
        dedupe_key = keys[channel]
        notification = existing.get(dedupe_key)
        created = notification is None
        if created:
            notification = Notification(
                dedupe_key=dedupe_key,
                case=case,
                channel=channel,
                kind=kind,
                locale=case.complainant_locale,
                recipient_email="" if is_portal else case.complainant_email,
                recipient_user=case.customer,
                context=context or {},
                # The portal shows it from now on: delivered by being written.
                status=NotificationStatus.SENT if is_portal else NotificationStatus.PENDING,
                sent_at=timezone.now() if is_portal else None,
                email_message_id="" if is_portal else f"<{uuid.uuid4().hex}@{_domain()}>",
            )
            stamp(notification, actor=actor, reason=f"Queued ({cause})")
            notification.save()
        if created and not is_portal:
            transaction.on_commit(lambda pk=notification.pk: _enqueue(pk), robust=True)
        queued.append(notification)
    return queued


def _enqueue(notification_id: int) -> None:
    task_enqueue("cases.tasks.notification_deliver", notification_id)


def _portal(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _offer_terms(offer_id: Any) -> dict[str, Any]:
    """The offer an email puts to the customer: its deadline and its actions as they read."""
    offer = ResolutionOffer.objects.filter(pk=offer_id).first()
    actions = OfferAction.objects.filter(offer_id=offer_id).select_related("asset")
    return {
        "offer": offer,
        "actions": [
            {
                "label": ActionKind(a.kind).label,
                "amount": f"{amount_display(a.amount, decimals=a.asset.decimals)} {a.asset.code}"
                if a.amount is not None and a.asset is not None
                else "",
                "detail": a.detail,
                "applies_to": a.target_reference,
            }
            for a in actions.order_by("position")
        ],
    }


def _acknowledgement_deadlines(case: Case, locale: str) -> dict[str, Any]:
    """What the acknowledgement of a complaint states about its regime (docs/clocks.md
    "Letters"): the regime, the date of the first answer the rules require and, where a holding
    reply may defer it, the latest date of the final response — days of the jurisdiction's
    calendar, written as the letters write dates. Computed from the case row and the settings
    (no query); nothing for a plain query or a case without a regime."""
    if not case.is_complaint or case.regime == Regime.NONE:
        return {}
    jurisdiction = jurisdiction_for(case.jurisdiction)
    deadlines = regulatory_deadlines(
        jurisdiction=jurisdiction, received_at=case.received_at, category=case.category
    )
    if not deadlines:
        return {}
    zone = jurisdiction.time_zone
    final_due = case.final_response_due_at or deadlines[-1].due_at
    with translation.override(locale):
        return {
            "regime": case.regime,
            "first_due": letter_date(last_day(deadlines[0].due_at, zone), locale),
            "final_due": letter_date(last_day(final_due, zone), locale),
            "deferrable": len(deadlines) > 1,
        }


def _words(notification: Notification) -> dict[str, Any]:
    """What subjects need beyond the case, from the stored ids and codes (no query): the name
    of the action carried out, in the active language."""
    data = notification.context or {}
    if notification.kind == "case.payment_done" and data.get("kind") in ActionKind.values:
        return {"label": ActionKind(data["kind"]).label}
    return {}


def _links(notification: Notification) -> dict[str, Any]:
    """What the email of steps 5 to 7 needs beyond the case: the signed links (built at
    rendering, so each email's link lives CUSTOMER_LINK_MAX_AGE from its sending) and, read only
    when the template uses them, the offer's terms or the survey's deadline."""
    case, data, kind = notification.case, notification.context or {}, notification.kind
    extra: dict[str, Any] = {}
    if kind == "case.offer_sent" and data.get("offer_id"):
        extra["terms"] = SimpleLazyObject(lambda: _offer_terms(data["offer_id"]))
        if notification.channel != NotificationChannel.EMAIL:
            return extra  # the portal shows the offer with its buttons on the case page
        token = link_token(
            purpose=OFFER, case=case, object_id=data["offer_id"], version=data.get("version", 0)
        )
        url = _portal(f"/portal/offers/{token}/")
        extra["accept_url"] = f"{url}?answer=accept"
        extra["reject_url"] = f"{url}?answer=reject"
    elif kind == "case.resolved":
        extra["outcomes"] = [
            {**line, "label": ActionKind(line["kind"]).label}
            for line in data.get("actions", [])
            if line.get("kind") in ActionKind.values
        ]
    elif kind == "case.deadline_extended":
        try:
            extra["expected_date"] = date.fromisoformat(str(data.get("expected_date", "")))
        except ValueError:
            extra["expected_date"] = None
    elif kind.startswith("staff.clock_"):
        due = data.get("due_at")
        extra["clock_label"] = ClockKind(data["clock"]).label if data.get("clock") else ""
        extra["due"] = (
            datetime.fromisoformat(due).astimezone(UTC).strftime("%Y-%m-%d %H:%M") if due else ""
        )
        regime = data.get("regime") or Regime.NONE
        extra["regime_label"] = Regime(regime).label if regime != Regime.NONE else ""
        extra["admin_url"] = _portal(reverse("admin:cases_case_change", args=[case.pk]))
    elif kind == "case.survey" and data.get("survey_id"):
        token = link_token(purpose=SURVEY, case=case, object_id=data["survey_id"])
        extra["survey_url"] = _portal(f"/portal/surveys/{token}/")
        extra["survey"] = SimpleLazyObject(
            lambda: Survey.objects.filter(pk=data["survey_id"]).first()
        )
    return extra


def notification_render(notification: Notification, *, locale: str = "") -> tuple[str, str]:
    """(subject, body) in the recipient's language (or `locale`: the portal shows a page in
    the language it is read in), from the case as it is now."""
    case = notification.case
    stem = notification.kind.replace(".", "_")
    context = {
        "case": case,
        "n": notification,
        "data": notification.context,
        "first_response_hours": int(settings.SLA_TARGETS[case.priority][0] / timedelta(hours=1)),
        "close_days": settings.INFO_REQUEST_CLOSE_AFTER.days,
        "portal_url": _portal(f"/portal/cases/{case.reference}/"),
        **_words(notification),
        **_links(notification),
    }
    if notification.kind == "case.acknowledged":
        context["regulatory"] = _acknowledgement_deadlines(case, locale or notification.locale)
    with translation.override(locale or notification.locale):
        subject = render_to_string(f"cases/notifications/{stem}_subject.txt", context)
        body = render_to_string(f"cases/notifications/{stem}.txt", context)
    subject = " ".join(subject.split())
    return subject, body.strip() + "\n"


def notification_title(notification: Notification) -> str:
    """The notification's subject in the active language, without the "[reference]" that mail
    subjects start with: the inbox line of the portal (its case is shown beside it). Renders
    the subject template only, which reads nothing but the case."""
    stem = notification.kind.replace(".", "_")
    context = {
        "case": notification.case,
        "n": notification,
        "data": notification.context,
        **_words(notification),
    }
    subject = " ".join(render_to_string(f"cases/notifications/{stem}_subject.txt", context).split())
    prefix = f"[{notification.case.reference}]" if notification.case else ""
    if prefix and subject.startswith(prefix):
        subject = subject[len(prefix) :].lstrip()
    return subject


def _anti_phishing_line(notification: Notification) -> str:
    """The first line of every email to a customer: their anti-phishing code when they set
    one, else where to set one. In the recipient's language. Never logged or stored."""
    user = notification.recipient_user
    profile = getattr(user, "customer_profile", None) if user is not None else None
    code = profile.anti_phishing_code if profile is not None else ""
    with translation.override(notification.locale):
        if code:
            return _("Your anti-phishing code: %(code)s") % {"code": code}
        return _(
            "Tip: set an anti-phishing code in the customer portal and every email from us will "
            "show it, so you can tell our emails from fakes: %(url)s"
        ) % {"url": _portal("/portal/settings/security/")}


def _send_email(notification: Notification) -> None:
    subject, body = notification_render(notification)
    # Staff mail (the SLA sweep's warnings) goes to colleagues, not to a customer.
    staff = notification.kind.startswith("staff.")
    if not staff:
        body = f"{_anti_phishing_line(notification)}\n\n{body}"
    reference = notification.case.reference
    headers = {
        "Message-ID": notification.email_message_id,
        # RFC 3834: our mail is automatic; robots must not answer it (no mail loops).
        "Auto-Submitted": "auto-replied"
        if notification.context.get("in_reply_to")
        else "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "X-Case-Reference": reference,
    }
    if in_reply_to := notification.context.get("in_reply_to"):
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = in_reply_to
    # Staff mail carries no reply address: an answer would land in the customer's case.
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient_email],
        reply_to=[] if staff else [reply_address(reference)],
        headers=headers,
    ).send(fail_silently=False)


def _claim(*, notification_id: int, actor: Actor) -> tuple[str, Notification | None]:
    """Take a pending, due row for one attempt, committed before anything is sent: the attempt
    counts even if this process dies, and the lease (`next_attempt_at` moved on by
    NOTIFICATION_LEASE_SECONDS) keeps every other worker off it meanwhile."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            # What the mail reads: the case, and the recipient's anti-phishing code.
            .select_related("case", "recipient_user__customer_profile")
            .filter(pk=notification_id, status=NotificationStatus.PENDING)
            .first()
        )
        if notification is None:
            return "skipped", None
        now = timezone.now()
        if notification.next_attempt_at > now:
            return "not_due", None
        if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            # Every attempt was claimed and none finished (its worker died each time): a
            # person looks at it in the outbox rather than a mail that kills workers looping.
            notification.status = NotificationStatus.FAILED
            notification.last_error = "WorkerLost"
            stamp(notification, actor=actor, reason="Delivery abandoned: no attempt finished")
            notification.save()
            log.warning(
                "notification %s abandoned after %s attempts",
                notification.pk,
                notification.attempts,
            )
            return "failed", None
        notification.attempts += 1
        notification.next_attempt_at = now + timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
        stamp(notification, actor=actor, reason=f"Sending (attempt {notification.attempts})")
        notification.save()
    return "claimed", notification


def notification_deliver(*, notification_id: int, actor: Actor) -> str:
    """Send one pending email notification if it is due; returns what happened: "sent",
    "retry" (failed, tried again later), "failed" (gave up), "not_due", "skipped" (sent,
    given up, or another worker holds it).

    1. Claim (committed): the attempt is counted and the row leased.
    2. Send, holding no lock and no transaction.
    3. Record: sent, or failed with the next attempt after a backoff.

    Safe to run twice: a sent or failed row is left alone, a leased one is not due. A worker
    killed between 1 and 3 leaves the lease to run out; then the sweep sends again with the
    same Message-ID (the one window of a repeat: the mail server accepted it and the process
    died before 3 committed). Never raises for a failed send; the error's text (which may quote
    the mail) is neither logged nor stored, only its type.
    """
    outcome, claimed = _claim(notification_id=notification_id, actor=actor)
    if claimed is None:
        return outcome
    try:
        _send_email(claimed)
        error = None
    except Exception as exc:
        error = type(exc).__name__
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.status != NotificationStatus.PENDING:
            return "skipped"
        now = timezone.now()
        if error is None:
            notification.status = NotificationStatus.SENT
            notification.sent_at = now
            notification.last_error = ""
            stamp(notification, actor=actor, reason="Delivered")
            notification.save()
            return "sent"
        give_up = notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        notification.status = NotificationStatus.FAILED if give_up else NotificationStatus.PENDING
        delay = settings.NOTIFICATION_RETRY_SECONDS * 2 ** (notification.attempts - 1)
        notification.next_attempt_at = now + timedelta(seconds=delay)
        notification.last_error = error[:300]
        stamp(notification, actor=actor, reason="Delivery failed")
        notification.save()
    log.warning(
        "notification %s attempt %s failed: %s", notification.pk, notification.attempts, error
    )
    return "failed" if give_up else "retry"


def notifications_due_ids(*, limit: int = 500) -> list[int]:
    return list(
        Notification.objects.filter(
            status=NotificationStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread portal notifications read (those of `ids` only, when given; ids
    that are not the user's own portal notifications are ignored). Returns how many changed.

    Email rows are never touched. Set-based: one locking read, one UPDATE and one INSERT of
    their history rows however many there are (read_at is in the audited history, so a bare
    UPDATE would leave the live rows differing from it). Two calls at once mark each row once:
    the second waits for the first's locks and then finds them read.
    """
    rows = Notification.objects.select_for_update().filter(
        recipient_user=user, channel=NotificationChannel.PORTAL, read_at__isnull=True
    )
    if ids is not None:
        wanted = {int(pk) for pk in ids}
        if not wanted:
            return 0
        rows = rows.filter(pk__in=wanted)
    with transaction.atomic():
        unread = list(rows.order_by("pk"))
        if not unread:
            return 0
        now = timezone.now()
        for row in unread:
            row.read_at = now
        Notification.objects.bulk_update(unread, ["read_at"])
        Notification.history.bulk_history_create(
            unread,
            update=True,
            default_user=actor_user(user),
            default_change_reason="Read in the portal",
            default_date=now,
            custom_historical_attrs={"history_actor": actor_label(user)},
        )
    return len(unread)
