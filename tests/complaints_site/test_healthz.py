import json

import pytest

from tests.support.django_process import production_environment, run, run_python


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_503_when_the_database_is_down():
    """A real process whose database does not answer (nothing listens on that port)."""
    out = run_python(
        "import json; from django.test import Client; r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing",
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"status": 503, "body": {"status": "unavailable", "database": "down"}}


PRODUCTION = "complaints_site.settings.production"


def test_deploy_check_is_clean_with_production_settings():
    # Every value a deployment must set (the development defaults fail the check: see
    # tests/complaints_site/test_deploy_checks.py).
    out = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        settings=PRODUCTION,
        **production_environment(),
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_production_refuses_to_start_without_secret_key():
    out = run(["manage.py", "check"], settings=PRODUCTION, drop=("SECRET_KEY",))
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stderr


@pytest.mark.django_db
def test_api_root_and_schema(client, portal_user):
    assert client.get("/api/v1/").status_code == 200
    # The schema and its docs are for signed-in callers only (issue 11, Medium 10).
    assert client.get("/api/schema/?format=json").status_code == 401
    assert client.get("/api/docs/").status_code == 401
    client.force_login(portal_user("alice"))
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"]
    assert client.get("/api/docs/").status_code == 200


def test_the_front_door_is_the_portal(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
