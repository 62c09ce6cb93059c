"""The admin home names every app in words staff read; django-axes' own label is "Axes"."""

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_lockout_app_has_a_readable_name_in_english_and_chinese(admin_client):
    page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign-in lockouts" in page
    assert ">Axes<" not in page
    with translation.override("zh-hans"):
        page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登录锁定" in page
