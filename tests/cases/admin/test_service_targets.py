"""The service targets and business hours in the staff site: durations read and entered as
words ("4 hours", "15 days"), every change through the service with a reason kept in the
history (who, when, why, what), no deletion and no revert; the team's business hours."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse

from cases.enums import Category, Priority
from cases.models import BusinessHours, SlaPolicy
from cases.services.sla_config import (
    business_hours_save,
    sla_policy_save,
    team_business_hours_set,
)
from tests.factories.cases import SYSTEM

pytestmark = pytest.mark.django_db

LIST = "admin:cases_slapolicy_changelist"


@pytest.fixture
def root(client, staff):
    user = staff(None, superuser=True, username="priya")
    client.force_login(user)
    return user


@pytest.fixture
def policy(db):
    return sla_policy_save(
        policy=SlaPolicy(
            priority=Priority.P1,
            category=Category.ACCOUNT_SECURITY,
            first_response=timedelta(hours=1),
            next_response=timedelta(hours=4),
            resolution=timedelta(days=15),
        ),
        actor=SYSTEM,
        reason="Set up",
    )


def form_data(**overrides):
    data = {
        "priority": Priority.P2,
        "category": "",
        "first_response_0": "4",
        "first_response_1": "hours",
        "next_response_0": "8",
        "next_response_1": "hours",
        "resolution_0": "7",
        "resolution_1": "days",
        "warn_at_percent": "75",
        "change_reason": "Agreed with the support managers.",
    }
    data.update(overrides)
    return data


def test_the_list_shows_durations_in_words(client, root, policy, django_assert_max_num_queries):
    sla_policy_save(
        policy=SlaPolicy(
            priority=Priority.P3,
            category="",
            first_response=timedelta(minutes=90),
            next_response=timedelta(days=1),
            resolution=timedelta(days=30),
        ),
        actor=SYSTEM,
        reason="Set up",
    )
    client.get(reverse(LIST))
    with django_assert_max_num_queries(6):
        html = client.get(reverse(LIST)).content.decode()
    for words in ("1 hour", "4 hours", "15 days", "1 hour 30 minutes", "1 day", "30 days"):
        assert f">{words}<" in html, words
    assert "Every category" in html
    assert "Account security" in html
    assert "75 % of the time" in html
    assert "1:00:00" not in html
    assert "15 days, 0:00:00" not in html


def test_a_new_target_is_entered_as_amount_and_unit_and_recorded_with_the_reason(client, root):
    response = client.post(reverse("admin:cases_slapolicy_add"), form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    policy = SlaPolicy.objects.get(priority=Priority.P2, category="")
    assert policy.first_response == timedelta(hours=4)
    assert policy.resolution == timedelta(days=7)
    (record,) = policy.history.all()
    assert record.history_change_reason == "Agreed with the support managers."
    assert record.history_user == root


def test_a_change_leaves_one_history_row_shown_in_words(client, root, policy):
    url = reverse("admin:cases_slapolicy_change", args=[policy.pk])
    page = client.get(url).content.decode()
    # The stored 1 hour comes back as "1" and "hours", not "01:00:00".
    assert 'name="first_response_0" value="1"' in page
    assert '<option value="hours" selected>' in page

    response = client.post(
        url,
        form_data(
            priority=Priority.P1,
            category=Category.ACCOUNT_SECURITY,
            first_response_0="30",
            first_response_1="minutes",
            resolution_0="15",
            resolution_1="days",
            change_reason="Funds at risk: answer within 30 minutes.",
        ),
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.first_response == timedelta(minutes=30)
    assert policy.history.count() == 2
    latest = policy.history.first()
    assert latest.history_change_reason == "Funds at risk: answer within 30 minutes."
    assert latest.history_user == root

    history = client.get(reverse("admin:cases_slapolicy_history", args=[policy.pk]))
    html = history.content.decode()
    assert history.status_code == 200
    assert "Funds at risk: answer within 30 minutes." in html
    assert "First response within: 1 hour &rarr; 30 minutes" in html
    assert "Next response within: 4 hours &rarr; 8 hours" in html
    assert "priya" in html
    # Read-only: nothing to submit, no revert.
    assert 'type="submit"' not in html.split('id="content-main"')[1]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"change_reason": ""}, "change_reason", "This field is required."),
        (
            {"resolution_0": "2", "resolution_1": "hours"},
            "resolution",
            "Resolution cannot be due before a response is.",
        ),
        (
            {"resolution_0": "400", "resolution_1": "days"},
            "resolution",
            "A target is between one minute and one year long.",
        ),
        ({"first_response_0": "0"}, "first_response", "greater than or equal to 1"),
        ({"warn_at_percent": "100"}, "warn_at_percent", "less than or equal to 99"),
    ],
)
def test_a_bad_target_is_refused_on_its_field(client, root, changes, field, message):
    response = client.post(reverse("admin:cases_slapolicy_add"), form_data(**changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in e for e in errors[field]), errors
    assert not SlaPolicy.objects.exists()


def test_a_second_target_for_the_same_priority_and_category_is_refused(client, root, policy):
    response = client.post(
        reverse("admin:cases_slapolicy_add"),
        form_data(priority=Priority.P1, category=Category.ACCOUNT_SECURITY),
    )
    assert response.status_code == 200
    assert SlaPolicy.objects.count() == 1
    assert "already has a target" in str(response.context["adminform"].form.errors)


def test_no_deletion_and_no_access_without_the_permission(client, root, policy, staff):
    assert client.get(reverse("admin:cases_slapolicy_delete", args=[policy.pk])).status_code in (
        302,
        403,
    )
    assert SlaPolicy.objects.filter(pk=policy.pk).exists()
    from cases.roles import CASE_HANDLER

    client.force_login(staff(CASE_HANDLER))
    assert client.get(reverse(LIST)).status_code == 403
    assert client.get(reverse("admin:cases_slapolicy_history", args=[policy.pk])).status_code in (
        302,
        403,
    )


def test_business_hours_in_words_and_validated(client, root, team):
    hours = business_hours_save(
        hours=BusinessHours(
            name="London office",
            time_zone="Europe/London",
            country="GB",
            subdivision="ENG",
            opens=time(9),
            closes=time(17, 30),
            weekdays=[0, 1, 2, 3, 4],
        ),
        actor=SYSTEM,
        reason="Set up",
    )
    team_business_hours_set(team=team, business_hours=hours, actor=SYSTEM, reason="Set up")
    html = client.get(reverse("admin:cases_businesshours_changelist")).content.decode()
    assert "09:00 to 17:30" in html
    assert "Monday to Friday" in html
    assert "GB (ENG)" in html
    assert team.name in html

    data = {
        "name": "New York desk",
        "time_zone": "America/Nowhere",
        "country": "US",
        "subdivision": "",
        "opens": "08:00",
        "closes": "07:00",
        "weekdays": ["0", "1"],
        "change_reason": "US customers",
    }
    response = client.post(reverse("admin:cases_businesshours_add"), data)
    errors = response.context["adminform"].form.errors
    assert "Unknown time zone" in errors["time_zone"][0]
    data["time_zone"] = "America/New_York"
    response = client.post(reverse("admin:cases_businesshours_add"), data)
    errors = response.context["adminform"].form.errors
    assert errors["closes"] == ["Closing time must be after opening time."]
    data.update(closes="16:00", country="XX")
    errors = (
        client.post(reverse("admin:cases_businesshours_add"), data).context["adminform"].form.errors
    )
    assert "No public holidays are known" in errors["country"][0]
    data["country"] = "us"
    assert client.post(reverse("admin:cases_businesshours_add"), data).status_code == 302
    desk = BusinessHours.objects.get(name="New York desk")
    assert (desk.country, desk.weekdays, desk.closes) == ("US", [0, 1], time(16))
    assert desk.history.get().history_change_reason == "US customers"


def test_the_team_admin_sets_its_business_hours_with_a_history_row(client, root, team):
    hours = business_hours_save(
        hours=BusinessHours(name="London office", weekdays=[0, 1, 2, 3, 4]),
        actor=SYSTEM,
        reason="Set up",
    )
    before = team.history.count()
    url = reverse("admin:cases_team_change", args=[team.pk])
    page = client.get(url).content.decode()
    assert 'name="business_hours"' in page
    response = client.post(
        url,
        {
            "code": team.code,
            "name": team.name,
            "lead": "",
            "business_hours": str(hours.pk),
            "change_reason": "The team works office hours from January.",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    team.refresh_from_db()
    assert team.business_hours == hours
    assert team.history.count() == before + 1
    latest = team.history.first()
    assert latest.history_change_reason == "The team works office hours from January."
    assert latest.history_user == root
