"""What schemathesis found: input the schema calls invalid was accepted, input it calls valid
was refused, and one valid input was a 500. Each is pinned here."""

import pytest

from cases.models import Message
from tests.support.api import URL, body

pytestmark = pytest.mark.django_db


def test_an_email_of_the_longest_valid_length_opens_a_case(exchange):
    # 254 characters, as EmailField allows: the message's "from" label held only 200 (a 500).
    email = "0@" + "0" * 63 + "." + "a" * 63 + "." + "a" * 63 + "." + "a" * 60
    assert len(email) == 254
    answer = exchange.post(URL, body(email=email), format="json")
    assert answer.status_code == 201
    assert Message.objects.get().author_label == email


@pytest.mark.parametrize(
    "query", ["offset=abc", "offset=-1", "limit=0", "limit=1_0", "offset=2147483648"]
)
def test_bad_paging_is_a_400_not_the_first_page(exchange, query):
    answer = exchange.get(f"{URL}?{query}")
    assert answer.status_code == 400
    name = query.split("=")[0]
    assert list(answer.json()["errors"]) == [name]


def test_paging_in_range_still_works_and_limit_is_capped(exchange):
    exchange.post(URL, body(), format="json")
    page = exchange.get(f"{URL}?limit=1000&offset=0").json()
    assert page["count"] == 1
    assert len(page["results"]) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", 12),
        ("description", 1.5),
        ("external_user_id", True),
        ("related_transactions", [7]),
    ],
)
def test_a_number_is_not_a_string(exchange, field, value):
    answer = exchange.post(URL, body(**{field: value}), format="json")
    assert answer.status_code == 400


@pytest.mark.parametrize("value", ["   ", "\x1c\u3000", "a\x00b"])
def test_blank_or_nul_text_is_refused(exchange, value):
    answer = exchange.post(URL, body(subject=value), format="json")
    assert answer.status_code == 400
    assert "subject" in answer.json()["errors"]


def test_text_is_measured_as_sent(exchange):
    # The schema says at most 200 characters; a trailing space makes 201.
    answer = exchange.post(URL, body(subject="a" * 200 + " "), format="json")
    assert answer.status_code == 400


def test_errors_of_list_items_are_flat_lists_of_messages(exchange):
    answer = exchange.post(URL, body(related_transactions=["ok", "", "x" * 129]), format="json")
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"related_transactions.1", "related_transactions.2"}
    assert all(isinstance(m, str) for messages in errors.values() for m in messages)


@pytest.mark.parametrize("key", [" padded", "tab\tinside", "ümlaut", "x" * 256])
def test_an_idempotency_key_outside_visible_ascii_is_a_400(exchange, key):
    answer = exchange.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.json()["errors"]


def test_a_form_body_is_415_the_api_takes_json(exchange):
    answer = exchange.post(URL, body(), format="multipart")
    assert answer.status_code == 415
    assert "detail" in answer.json()
