"""The signed social-media webhook and the mention store behind it."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from channels.models import MentionStatus, SocialMention
from channels.services.social import MentionPayload, mention_receive
from complaints_site.common.actors import SystemActor
from tests.support.threads import run_together

URL = "/api/v1/inbound/social/"
SECRET = "test-social-secret"
SEED = (
    "abandon ability able about above absent absorb abstract absurd abuse access accident "
    "account accuse achieve"
)


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.SOCIAL_WEBHOOK_SECRET = SECRET


def mention(**overrides) -> dict:
    return {
        "platform": "x",
        "post_id": "1790000000000000001",
        "author_handle": "angry_trader",
        "text": "@exchange my withdrawal is stuck for 3 days!",
        "url": "https://x.com/angry_trader/status/1790000000000000001",
        "posted_at": "2025-05-01T08:30:00Z",
        **overrides,
    }


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client, data, *, signature: str | None = "auto", raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(data).encode()
    headers = {}
    if signature == "auto":
        headers["X-Signature"] = sign(body)
    elif signature is not None:
        headers["X-Signature"] = signature
    return client.post(URL, body, content_type="application/json", headers=headers)


@pytest.mark.django_db
def test_signed_mention_is_stored_once_and_answered_201(client):
    response = post(client, mention())
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "created"
    stored = SocialMention.objects.get()
    assert (stored.platform, stored.post_id, stored.status) == ("x", "1790000000000000001", "new")
    assert stored.posted_at == datetime(2025, 5, 1, 8, 30, tzinfo=UTC)
    assert stored.history.get().history_actor == "system:social-webhook"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "signature", [None, "", "00" * 32, "not-hex", "wrong-secret"], ids=lambda s: repr(s)
)
def test_missing_or_bad_signature_is_401_and_stores_nothing(client, signature):
    body = json.dumps(mention()).encode()
    if signature == "wrong-secret":
        signature = sign(body, "another-secret")
    response = post(client, None, raw=body, signature=signature)
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers
    assert SocialMention.objects.count() == 0


@pytest.mark.django_db
def test_without_a_configured_secret_nothing_is_accepted(client, settings):
    """Outside DEBUG the secret has no default: a request signed with the empty key (which
    anyone can compute) or the old public development value is refused."""
    settings.SOCIAL_WEBHOOK_SECRET = ""
    body = json.dumps(mention()).encode()
    for key in ("", "dev-social-webhook-secret"):
        assert post(client, None, raw=body, signature=sign(body, key)).status_code == 401
    assert SocialMention.objects.count() == 0


@pytest.mark.django_db
def test_signature_covers_the_body_exactly(client):
    body = json.dumps(mention()).encode()
    tampered = body.replace(b"3 days", b"4 days")
    response = post(client, None, raw=tampered, signature=sign(body))
    assert response.status_code == 401
    assert SocialMention.objects.count() == 0


@pytest.mark.django_db
def test_upper_case_hex_signature_is_accepted(client):
    body = json.dumps(mention()).encode()
    assert post(client, None, raw=body, signature=sign(body).upper()).status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"platform": ""}, "platform"),
        ({"post_id": "x" * 101}, "post_id"),
        ({"author_handle": None}, "author_handle"),
        ({"text": ""}, "text"),
        ({"url": "not a link"}, "url"),
        ({"posted_at": "yesterday"}, "posted_at"),
    ],
)
def test_invalid_fields_are_400_with_a_message_for_that_field(client, change, field):
    response = post(client, mention(**change))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert errors[field]
    assert all(isinstance(m, str) and m for m in errors[field])
    assert SocialMention.objects.count() == 0


@pytest.mark.django_db
def test_missing_fields_are_each_named(client):
    response = post(client, {"platform": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"post_id", "author_handle", "text", "posted_at"}


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_body_that_is_not_a_json_object_is_400(client, raw):
    response = post(client, None, raw=raw)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert SocialMention.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_is_200_and_not_stored_twice(client):
    assert post(client, mention()).status_code == 201
    again = post(client, mention(text="edited text", author_handle="someone"))
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert SocialMention.objects.count() == 1
    assert SocialMention.objects.get().text.startswith("@exchange my withdrawal")
    # Same post id on another platform is another post.
    assert post(client, mention(platform="weibo")).status_code == 201
    assert SocialMention.objects.count() == 2


@pytest.mark.django_db
def test_secrets_in_the_post_are_redacted_before_storage(client):
    response = post(client, mention(text=f"Support asked me for my phrase: {SEED}"))
    assert response.status_code == 201
    stored = SocialMention.objects.get()
    assert "abandon ability" not in stored.text
    assert "Support asked me" in stored.text
    # The history copy holds the redacted text too.
    assert "abandon ability" not in stored.history.get().text


def test_openapi_documents_the_webhook():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/inbound/social/"]["post"]
    assert {"200", "201", "400", "401"} <= set(operation["responses"])
    assert any(p["name"] == "X-Signature" for p in operation["parameters"])
    assert operation["requestBody"]["content"]["application/json"]["schema"]


def test_openapi_has_no_warnings_about_the_social_webhook(tmp_path, capsys):
    from django.core.management import call_command

    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"))
    captured = capsys.readouterr()
    assert "channels/api/social.py" not in captured.err + captured.out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_store_one_row():
    """Eight threads deliver the same post at once: one row, one `created`."""
    payload = MentionPayload(
        platform="x",
        post_id="race-1",
        author_handle="someone",
        text="withdrawal stuck",
        posted_at=datetime(2025, 5, 1, tzinfo=UTC),
    )
    barrier = threading.Barrier(8)
    results: list[bool] = []
    errors: list[BaseException] = []

    def deliver():
        try:
            barrier.wait()
            _mention, created = mention_receive(payload=payload, actor=SystemActor("test"))
            results.append(created)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    run_together(deliver, times=8)
    assert errors == []
    assert sorted(results) == [False] * 7 + [True]
    assert SocialMention.objects.filter(post_id="race-1").count() == 1
    assert SocialMention.objects.get(post_id="race-1").status == MentionStatus.NEW


@pytest.mark.django_db
def test_a_mention_nested_100000_deep_is_a_400_not_a_500(client):
    raw = b"[" * 100_000 + b"]" * 100_000
    response = post(client, None, raw=raw)
    assert response.status_code == 400
    assert "nested deeper" in response.json()["detail"]
    assert not SocialMention.objects.exists()
