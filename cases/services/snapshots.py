"""Evidence snapshots: a party's exchange records for a window, frozen on the case.

The records are fetched through the exchange gateway (outside any transaction: the exchange may
be slow), put in the port's canonical shape, serialised as canonical JSON (sorted keys, no
spaces, UTF-8) and stored as an evidence item of kind `snapshot` with its SHA-256; a `Snapshot`
row keeps what was pulled, from where, by whom and when. Neither row can be changed afterwards
(database triggers); pulling again makes a new snapshot. `snapshot_read` re-reads and re-hashes
the stored file, so a page never shows records whose hash does not match.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import policies
from cases.enums import CaseEventType
from cases.gateway import (
    RECORD_FIELDS,
    ExchangeGateway,
    GatewayError,
    GatewayNotFound,
    GatewayUnavailable,
    RecordKind,
    get_gateway,
)
from cases.gateway.port import iso
from cases.models import Case, Evidence, EvidenceKind, Snapshot
from cases.services.events import case_event_record
from cases.services.evidence import evidence_add, evidence_view_log
from cases.services.recusal import staff_write
from complaints_site.common.actors import Actor, SystemActor, actor_label, actor_user
from complaints_site.common.exceptions import (
    ApplicationError,
    PermissionDeniedError,
    ServiceUnavailableError,
)

FORMAT = "complaints.snapshot/1"
# A snapshot may end a little in the future (clock skew), never more.
_FUTURE_SLACK = timedelta(minutes=5)


def canonical_json(payload: dict[str, Any]) -> bytes:
    """The one serialisation that is hashed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, extra={"errors": {field: [message]}})


def snapshot_accounts(case: Case) -> list[str]:
    """The accounts a snapshot of this case may cover: the parties', nobody else's."""
    return [a for a in (case.complainant_account_id, case.counterparty_account_id) if a]


def _check(
    *, case: Case, actor: Actor, account_id: str, kinds: list[str], start: datetime, end: datetime
) -> list[str]:
    if not isinstance(actor, SystemActor) and not policies.may_run(
        actor, case, "cases.investigate_case"
    ):
        raise PermissionDeniedError(_("You may not pull exchange records for this case."))
    if account_id not in snapshot_accounts(case):
        raise _invalid("account_id", _("Only the accounts of this case's parties can be pulled."))
    wanted = [k for k in RecordKind.values if k in set(kinds)]
    if not wanted or len(wanted) != len(set(kinds)):
        raise _invalid("kinds", _("Choose the records to pull from the listed kinds."))
    if start.tzinfo is None or end.tzinfo is None:
        raise _invalid("window_start", _("Give the window in UTC."))
    if start >= end:
        raise _invalid("window_end", _("The window must end after it starts."))
    if end - start > settings.SNAPSHOT_MAX_WINDOW:
        raise _invalid(
            "window_end",
            _("A snapshot covers at most %(days)s days; pull several windows instead.")
            % {"days": settings.SNAPSHOT_MAX_WINDOW.days},
        )
    if end > timezone.now() + _FUTURE_SLACK:
        raise _invalid("window_end", _("The window cannot end in the future."))
    return wanted


def _fetch(
    gateway: ExchangeGateway,
    *,
    account_id: str,
    kinds: list[str],
    start: datetime,
    end: datetime,
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    try:
        status = gateway.account_status(account_id)
        records: dict[str, list[dict[str, Any]]] = {}
        for kind in kinds:
            if kind != RecordKind.PRICES:
                records[kind] = gateway.records(account_id, kind, start, end)
        if RecordKind.PRICES in kinds:
            symbols = sorted(
                {
                    row["symbol"]
                    for rows in records.values()
                    for row in rows
                    if row.get("symbol") is not None
                }
            )
            records[RecordKind.PRICES] = gateway.prices(symbols, start, end) if symbols else []
    except GatewayNotFound as exc:
        raise _invalid("account_id", _("The exchange does not know this account.")) from exc
    except GatewayUnavailable as exc:
        raise ServiceUnavailableError(
            _("The exchange is not answering (%(detail)s). Nothing was saved; try again later.")
            % {"detail": exc.message}
        ) from exc
    except GatewayError as exc:
        raise ServiceUnavailableError(
            _("The exchange's answer could not be used (%(detail)s). Nothing was saved.")
            % {"detail": exc.message}
        ) from exc
    account = {
        "account_id": status.account_id,
        "status": status.status,
        "kyc_level": str(status.kyc_level),
        "opened_at": status.opened_at,
    }
    return account, records


@staff_write(
    "snapshot",
    may=lambda actor, case: policies.may_run(actor, case, "cases.investigate_case"),
    denied=gettext_lazy("You may not pull exchange records for this case."),
)
def snapshot_pull(
    *,
    case: Case,
    actor: Actor,
    account_id: str,
    kinds: list[str],
    start: datetime,
    end: datetime,
    description: str = "",
    gateway: ExchangeGateway | None = None,
) -> Evidence:
    """Pull `kinds` of `account_id`'s records in [start, end) and freeze them on the case.

    Raises PermissionDeniedError (the actor may not investigate this case), ApplicationError
    (an account that is not a party, no kinds, a bad or too long window, too many records:
    narrow the window) or ServiceUnavailableError (the exchange is down: nothing is saved).
    """
    kinds = _check(case=case, actor=actor, account_id=account_id, kinds=kinds, start=start, end=end)
    gateway = gateway or get_gateway()
    account, records = _fetch(gateway, account_id=account_id, kinds=kinds, start=start, end=end)
    count = sum(len(rows) for rows in records.values())
    if count > settings.SNAPSHOT_MAX_RECORDS:
        raise _invalid(
            "window_end",
            _("%(n)s records: more than %(max)s. Narrow the window or the kinds.")
            % {"n": count, "max": settings.SNAPSHOT_MAX_RECORDS},
        )
    pulled_at = timezone.now()
    payload = {
        "format": FORMAT,
        "source": gateway.name,
        "case": case.reference,
        "account": account,
        "window": {"start": iso(start), "end": iso(end)},
        "kinds": kinds,
        "records": records,
        "pulled_at": iso(pulled_at),
        "pulled_by": actor_label(actor),
    }
    content = canonical_json(payload)
    with transaction.atomic():
        evidence = evidence_add(
            case=case,
            actor=actor,
            name=f"snapshot-{account_id}-{start:%Y%m%d%H%M}-{end:%Y%m%d%H%M}.json",
            content=content,
            channel="exchange",
            kind=EvidenceKind.SNAPSHOT,
            content_type="application/json",
            description=(
                description
                or _("%(kinds)s of %(account)s")
                % {
                    "kinds": ", ".join(str(RecordKind(k).label) for k in kinds),
                    "account": account_id,
                }
            )[:300],
        )
        Snapshot.objects.create(
            evidence=evidence,
            case=case,
            account_id=account_id,
            kinds=kinds,
            window_start=start,
            window_end=end,
            source=gateway.name[:200],
            record_count=count,
            sha256=evidence.sha256,
            pulled_by=actor_user(actor),
            pulled_by_label=actor_label(actor),
            pulled_at=pulled_at,
        )
        case_event_record(
            case=case,
            type=CaseEventType.SNAPSHOT_PULLED,
            actor=actor,
            data={
                "evidence": evidence.pk,
                "account": account_id,
                "kinds": kinds,
                "records": count,
                "sha256": evidence.sha256,
            },
        )
    return evidence


@dataclass(frozen=True)
class SnapshotTable:
    kind: str
    label: str
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class SnapshotView:
    snapshot: Snapshot
    intact: bool
    account: dict[str, Any]
    tables: list[SnapshotTable]


def snapshot_read(*, snapshot: Snapshot, actor: Actor, via: str) -> SnapshotView:
    """The snapshot's records as tables, re-hashed from the stored file, and the view logged.

    If the stored bytes no longer match the recorded hash, `intact` is False and no record is
    shown (a tampered file must not be read as evidence)."""
    evidence = snapshot.evidence
    evidence_view_log(evidence=evidence, actor=actor, via=via)
    with evidence.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != snapshot.sha256:
        return SnapshotView(snapshot=snapshot, intact=False, account={}, tables=[])
    payload = json.loads(content)
    tables = []
    for kind in payload.get("kinds", []):
        fields = RECORD_FIELDS[kind]
        tables.append(
            SnapshotTable(
                kind=kind,
                label=str(RecordKind(kind).label),
                columns=[str(label) for _name, label, _type in fields],
                rows=[
                    ["" if row.get(name) is None else row[name] for name, _l, _t in fields]
                    for row in payload["records"].get(kind, [])
                ],
            )
        )
    return SnapshotView(
        snapshot=snapshot, intact=True, account=payload.get("account", {}), tables=tables
    )
