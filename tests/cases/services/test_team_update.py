"""`team_update`: a team's edit through a service, with the actor and reason in its history."""

import pytest

from cases.models import Team
from cases.services.teams import team_update
from complaints_site.common.exceptions import ApplicationError
from tests.factories.cases import make_staff

pytestmark = pytest.mark.django_db


def test_an_edit_writes_one_history_row_with_actor_and_reason(team):
    admin_user = make_staff(None, superuser=True, username="root")
    lead = make_staff("Team lead", teams=[team], username="lena")
    before = team.history.count()

    updated = team_update(
        team=team, actor=admin_user, reason="New lead", code=team.code, name="Complaints", lead=lead
    )

    assert updated.lead == lead
    assert team.history.count() == before + 1
    record = team.history.latest("history_id")
    assert record.history_change_reason == "New lead"
    assert record.history_user_id == admin_user.pk
    # The group, and so who reaches the team's cases, is unchanged.
    assert Team.objects.get(pk=team.pk).group_id == team.group_id


def test_an_edit_without_a_reason_is_refused_and_changes_nothing(team):
    admin_user = make_staff(None, superuser=True)
    before = team.history.count()

    with pytest.raises(ApplicationError):
        team_update(team=team, actor=admin_user, reason=" ", code=team.code, name="Renamed")

    assert Team.objects.get(pk=team.pk).name == "Complaints"
    assert team.history.count() == before


def test_team_admin_saves_through_the_service(client, team):
    admin_user = make_staff(None, superuser=True, username="root")
    client.force_login(admin_user)

    response = client.post(
        f"/admin/cases/team/{team.pk}/change/",
        {
            "code": team.code,
            "name": "Complaints desk",
            "lead": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Team.objects.get(pk=team.pk).name == "Complaints desk"
    assert team.history.latest("history_id").history_change_reason == "Edited in admin"
