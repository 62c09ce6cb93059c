"""The outbox in the admin: auditors read it, nobody edits it, its list has a fixed cost."""

import pytest
from django.urls import reverse

from cases.models import Notification
from cases.services.intake import intake_submit
from tests.factories.cases import SYSTEM, submission

pytestmark = pytest.mark.django_db

URL = reverse("admin:cases_notification_changelist")


@pytest.mark.parametrize("cases", [2, 20])
def test_auditor_reads_the_outbox_at_a_fixed_cost(
    client, staff, cases, django_assert_max_num_queries
):
    for i in range(cases):
        intake_submit(submission=submission(subject=f"Withdrawal {i} missing"), actor=SYSTEM)
    client.force_login(staff("Auditor"))
    # 9: one of them asks whether the user enrolled a second factor (complaints_site/accounts).
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(2 * cases, 100)


def test_nobody_changes_a_notification(client, staff, admin_user):
    intake_submit(submission=submission(), actor=SYSTEM)
    row = Notification.objects.first()
    client.force_login(admin_user)
    page = reverse("admin:cases_notification_change", args=[row.pk])
    response = client.post(page, {"status": "pending", "attempts": 0})
    row_after = Notification.objects.get(pk=row.pk)
    assert row_after.status == row.status
    assert response.status_code in (302, 403)
    assert b'name="status"' not in client.get(page).content


def test_a_support_agent_has_no_outbox(client, staff):
    client.force_login(staff("Support agent"))
    assert client.get(URL).status_code == 403
