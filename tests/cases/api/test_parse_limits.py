"""JSON bodies nested thousands deep, or too large, are refused at parse time (400, 413)."""

import pytest

from tests.support.api import URL, body

pytestmark = pytest.mark.django_db

DEEP = ("[" * 100_000 + "]" * 100_000).encode()
DEEP_OBJECT = ('{"a":' * 100_000 + "1" + "}" * 100_000).encode()


@pytest.mark.parametrize("raw", [DEEP, DEEP_OBJECT, b"[" * 100_000])
def test_a_body_nested_100000_deep_is_a_400_with_a_message(exchange, raw):
    answer = exchange.post(URL, raw, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {"detail": "The JSON body is nested deeper than 32 levels."}


def test_a_deep_body_on_messages_is_a_400(exchange):
    reference = exchange.post(URL, body(), format="json").json()["reference"]
    answer = exchange.post(f"{URL}{reference}/messages/", DEEP, content_type="application/json")
    assert answer.status_code == 400


def test_deep_nesting_inside_a_field_is_refused_too(exchange):
    inner = "[" * 50 + '"x"' + "]" * 50
    raw = f'{{"category": "other", "subject": "s", "related_transactions": {inner}}}'
    answer = exchange.post(URL, raw.encode(), content_type="application/json")
    assert answer.status_code == 400


def test_brackets_in_text_are_not_nesting(exchange):
    answer = exchange.post(
        URL, body(description="[" * 5000 + " my order {8812} " + "]" * 10), format="json"
    )
    assert answer.status_code == 201


def test_a_body_over_the_upload_limit_is_a_413(exchange, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = exchange.post(URL, body(description="x" * 2000), format="json")
    assert answer.status_code == 413
    assert "1000 bytes" in answer.json()["detail"]


def test_malformed_json_is_a_400(exchange):
    answer = exchange.post(URL, b'{"category": ', content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("JSON parse error")


def test_nan_is_refused_as_before(exchange):
    answer = exchange.post(URL, b'{"category": NaN}', content_type="application/json")
    assert answer.status_code == 400
