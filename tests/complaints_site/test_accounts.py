import pytest
from django.contrib.auth import get_user_model

from cases import roles

pytestmark = pytest.mark.django_db


def test_nobody_deletes_a_user_in_the_admin(client, staff):
    root = staff(None, superuser=True)
    victim = staff(roles.CASE_HANDLER)
    client.force_login(root)
    url = f"/admin/auth/user/{victim.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    response = client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [victim.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert get_user_model().objects.filter(pk=victim.pk).exists()


def test_a_deactivated_account_loses_its_session_at_once(client, staff):
    agent = staff(roles.SUPPORT_AGENT)
    client.force_login(agent)
    assert client.get("/admin/cases/case/").status_code == 200
    agent.is_active = False
    agent.save()
    response = client.get("/admin/cases/case/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
