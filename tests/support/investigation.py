"""Data and helpers of the investigation screens' tests: the accounts and window of the
demo-ledger case, an exchange that is down, the forms' data and a few page readers."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from cases.gateway import GatewayUnavailable
from cases.models import (
    Case,
    Consultation,
    Evidence,
    EvidenceAnnotation,
    EvidenceKind,
    Snapshot,
    Team,
)
from cases.services.evidence import evidence_add
from tests.factories.cases import SYSTEM
from tests.support.admin import consultation_url

ACCOUNT = "EX-8101"
COUNTERPARTY = "EX-8102"
# Whole minutes: the pull form takes "YYYY-MM-DD HH:MM" (UTC).
START = (timezone.now() - timedelta(days=10)).replace(second=0, microsecond=0)
END = START + timedelta(days=5)
QUESTION = "Did the matching engine stall for BTCUSDT at 14:02 UTC?"


class DownGateway:
    """A fake of the exchange (not of our code): it never answers."""

    name = "exchange that is down"

    def account_status(self, account_id):
        raise GatewayUnavailable("connection refused", status=None)

    def records(self, account_id, kind, start, end):
        raise GatewayUnavailable("connection refused", status=None)

    def prices(self, symbols, start, end):
        raise GatewayUnavailable("connection refused", status=None)

    def perform(self, action):
        raise GatewayUnavailable("connection refused", status=None)


def fmt(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def pull_data(**overrides):
    return {
        "account_id": ACCOUNT,
        "kinds": ["trades", "deposits"],
        "window_start": fmt(START),
        "window_end": fmt(END),
        "description": "",
        **overrides,
    }


def add_item(case, *, name="transcript.txt", content=b"Agent: the engine stalled for 4 s."):
    return evidence_add(
        case=case,
        actor=SYSTEM,
        name=name,
        content=content,
        channel="chat",
        kind=EvidenceKind.CHAT_TRANSCRIPT,
        content_type="text/plain",
    )


def state_of(case) -> str:
    return Case.objects.get(pk=case.pk).state


def timeline_titles(html: str) -> list[str]:
    section = html[html.index('id="staff-timeline"') :]
    section = section[: section.index("</table>")]
    return re.findall(
        r'<tr class="timeline-row [^"]*">\s*<td>[^<]*</td>\s*<td>(?:<a href="[^"]*">)?([^<]*)',
        section,
    )


def ask(client, case, team, question=QUESTION):
    return client.post(
        consultation_url(case), {"team": team.pk, "question": question, "due_at": ""}
    )


def investigation_bulk_add(case, *, handler, evidence: int, label: str) -> None:
    """Bulk rows for a busy case page (the page's query budget, bench/investigation.py):
    `evidence` items (every tenth a snapshot, with its snapshot row), a note on every evidence
    item of the case, and three open consultations asked by `handler`; rows carry `label`."""
    now = timezone.now()
    items = Evidence.objects.bulk_create(
        Evidence(
            case=case,
            kind=EvidenceKind.SNAPSHOT if i % 10 == 0 else EvidenceKind.CHAT_TRANSCRIPT,
            channel="chat",
            file=f"bulk/{case.pk}-{i}.txt",
            original_name=f"bulk-{i}.txt",
            extension=".txt",
            content_type="text/plain",
            size=10,
            sha256=f"{i:064x}",
            original_sha256=f"{i:064x}",
            added_by_label=label,
        )
        for i in range(evidence)
    )
    Snapshot.objects.bulk_create(
        Snapshot(
            evidence=item,
            case=case,
            account_id=case.complainant_account_id,
            kinds=["trades"],
            window_start=now - timedelta(days=1),
            window_end=now,
            source="demo",
            record_count=3,
            sha256=item.sha256,
            pulled_by_label=label,
        )
        for item in items
        if item.kind == EvidenceKind.SNAPSHOT
    )
    everything = Evidence.objects.filter(case=case)
    EvidenceAnnotation.objects.bulk_create(
        EvidenceAnnotation(evidence=item, author_label=label, text="checked") for item in everything
    )
    team = Team.objects.order_by("pk").first()
    Consultation.objects.bulk_create(
        Consultation(
            case=case,
            team=team,
            question=f"question {i}",
            due_at=now + timedelta(days=1),
            asked_by=handler,
            asked_by_label=label,
        )
        for i in range(3)
    )
