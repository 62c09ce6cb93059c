"""A recused person loses the case on every read path at their next request: the admin list,
the admin case page, the API detail and the evidence download (all go through
`case_list_for_staff`, which honours the recusal for everyone)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.enums import Channel
from cases.models import CaseEvent, EvidenceKind
from cases.services.assignment import case_assign
from cases.services.conflicts import conflict_declaration_submit
from cases.services.evidence import evidence_add
from tests.factories.cases import SYSTEM, make_case

pytestmark = pytest.mark.django_db

ACCOUNT = "UID-4242"


def _paths(case, item) -> dict[str, str]:
    return {
        "admin page": reverse("admin:cases_case_change", args=[case.pk]),
        "api detail": f"/api/v1/cases/{case.reference}/",
        "download": reverse("admin:cases_case_evidence_download", args=[case.pk, item.pk]),
    }


def test_a_recused_handler_gets_404_on_every_path(client, staff, team):
    handler = staff("Case handler", teams=[team], username="hugo")
    case = make_case(team=team, complainant_account_id=ACCOUNT)
    case = case_assign(case=case, actor=SYSTEM, reason="setup", team=team, assignee=handler)
    item = evidence_add(
        case=case,
        actor=SYSTEM,
        name="orders.csv",
        content=b"order,price\n1,100\n",
        channel=Channel.STAFF,
        kind=EvidenceKind.SNAPSHOT,
        content_type="text/csv",
    )
    client.force_login(handler)
    api = APIClient()
    api.force_login(handler)
    changelist = reverse("admin:cases_case_changelist")

    # Before: the handler reaches the case everywhere (so the 404s below prove the recusal).
    assert client.get(changelist).context["cl"].result_count == 1
    before = _paths(case, item)
    assert client.get(before["admin page"]).status_code == 200
    assert api.get(before["api detail"]).status_code == 200
    assert client.get(before["download"]).status_code == 200

    conflict_declaration_submit(
        staff=handler, actor=handler, kind="related_account", exchange_account_id=ACCOUNT
    )

    assert client.get(changelist).context["cl"].result_count == 0
    after = _paths(case, item)
    assert client.get(after["admin page"]).status_code in (302, 404)
    assert api.get(after["api detail"]).status_code == 404
    assert client.get(after["download"]).status_code == 404
    downloads = CaseEvent.objects.filter(case=case, type="evidence.downloaded")
    assert downloads.count() == 1  # only the one made before the recusal
