"""The HTTP exchange gateway against a real HTTP server on 127.0.0.1 that plays the exchange.

The fake exchange checks every request's signature and signs its answers with its own code
(not the adapter's helpers), so a mistake in the adapter's signing cannot hide behind itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from cases.gateway.http import HttpExchangeGateway, request_signature, response_signature
from cases.gateway.port import (
    AccountStatus,
    ActionRequest,
    ActionResult,
    GatewayIntegrityError,
    GatewayNotFound,
    GatewayRejected,
    GatewayUnavailable,
    get_gateway,
)

SECRET = "test-secret-for-the-fake-exchange"
KEY_ID = "complaints"
START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 3, 2, tzinfo=UTC)

ORDER = {
    "order_id": "O-1",
    "time": "2026-03-01T10:00:00+08:00",
    "market": "spot",
    "symbol": "BTCUSDT",
    "side": "buy",
    "type": "limit",
    "price": "65000.50",
    "quantity": "1E-3",
    "leverage": None,
    "status": "filled",
    "internal_flag": "dropped by normalize_record",
}


def _hmac(message: str) -> str:
    return hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()


@dataclass
class Planned:
    """One scripted answer. `sign`: "good", "bad" (wrong signature), "none" (no signature
    headers) or "replayed" (signed over another request's nonce)."""

    status: int = 200
    body: Any = None
    delay: float = 0.0
    sign: str = "good"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool


class FakeExchange:
    def __init__(self) -> None:
        self.planned: list[Planned] = []
        self.otherwise = Planned(body={"records": []})
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.handle_error = lambda request, address: None  # client gave up: fine
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def plan(self, *answers: Planned, otherwise: Planned | None = None) -> None:
        self.planned = list(answers)
        if otherwise is not None:
            self.otherwise = otherwise

    def next_answer(self) -> Planned:
        with self.lock:
            return self.planned.pop(0) if self.planned else self.otherwise

    def record(self, seen: Seen) -> None:
        with self.lock:
            self.seen.append(seen)


def _handler(exchange: FakeExchange) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # quiet
            pass

        def do_GET(self):
            self._serve()

        def do_POST(self):
            self._serve()

        def _serve(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            nonce = self.headers.get("X-Nonce", "")
            expected = _hmac(
                "\n".join(
                    [
                        self.command,
                        self.path,
                        self.headers.get("X-Timestamp", ""),
                        nonce,
                        hashlib.sha256(body).hexdigest(),
                    ]
                )
            )
            ok = self.headers.get("X-Key-Id") == KEY_ID and hmac.compare_digest(
                expected, self.headers.get("X-Signature", "")
            )
            exchange.record(Seen(self.command, self.path, dict(self.headers), body, ok))
            answer = exchange.next_answer() if ok else Planned(401, {"detail": "bad signature"})
            if answer.delay and exchange.stopping.wait(answer.delay):
                return
            if isinstance(answer.body, bytes):
                payload = answer.body
            else:
                payload = json.dumps(answer.body).encode()
            timestamp = str(int(time.time()))
            digest = hashlib.sha256(payload).hexdigest()
            signed_nonce = "another-request" if answer.sign == "replayed" else nonce
            signature = _hmac("\n".join([str(answer.status), signed_nonce, timestamp, digest]))
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if answer.sign != "none":
                    self.send_header("X-Timestamp", timestamp)
                    self.send_header("X-Signature", "0" * 64 if answer.sign == "bad" else signature)
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass

    return Handler


@pytest.fixture(autouse=True)
def _english():
    # The messages are asserted in English whatever language an earlier test left active.
    with translation.override("en"):
        yield


@pytest.fixture
def exchange():
    fake = FakeExchange()
    fake.thread.start()
    yield fake
    fake.stopping.set()
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def gateway(exchange, sleeps):
    def make(**overrides) -> HttpExchangeGateway:
        options = {
            "base_url": exchange.url,
            "key_id": KEY_ID,
            "secret": SECRET,
            "timeout_ms": 200,
            "retries": 3,
            "backoff_ms": 10,
            "sleep": sleeps.append,
        }
        return HttpExchangeGateway(**(options | overrides))

    return make


def test_a_signed_get_returns_normalized_records(exchange, gateway, sleeps):
    exchange.plan(Planned(body={"records": [ORDER]}))

    rows = gateway().records("ACC 1/x", "orders", START, END)

    assert rows == [
        {
            "order_id": "O-1",
            "time": "2026-03-01T02:00:00Z",
            "market": "spot",
            "symbol": "BTCUSDT",
            "side": "buy",
            "type": "limit",
            "price": "65000.50",
            "quantity": "0.001",
            "leverage": None,
            "status": "filled",
        }
    ]
    [seen] = exchange.seen
    assert seen.signature_ok
    assert seen.method == "GET"
    url = urlsplit(seen.path)
    assert url.path == "/v1/accounts/ACC%201%2Fx/records/orders"
    assert parse_qs(url.query) == {
        "start": ["2026-03-01T00:00:00Z"],
        "end": ["2026-03-02T00:00:00Z"],
    }
    assert seen.headers["X-Key-Id"] == KEY_ID
    assert len(seen.headers["X-Nonce"]) >= 16
    assert abs(int(seen.headers["X-Timestamp"]) - time.time()) < 5
    assert sleeps == []


def test_account_status_and_prices(exchange, gateway):
    exchange.plan(
        Planned(
            body={
                "account_id": "A-7",
                "status": "frozen",
                "kyc_level": 2,
                "opened_at": "2024-01-05T08:00:00Z",
                "freezes": [
                    {"freeze_id": "F-1", "time": "2026-03-01T01:00:00Z", "scope": "withdrawals"}
                ],
            }
        ),
        Planned(
            body={
                "records": [{"symbol": "BTCUSDT", "time": "2026-03-01T00:05:00Z", "price": "1.5"}]
            }
        ),
    )
    gw = gateway()

    status = gw.account_status("A-7")
    prices = gw.prices(["BTCUSDT", "ETHUSDT"], START, END)

    assert status == AccountStatus(
        account_id="A-7",
        status="frozen",
        kyc_level=2,
        opened_at="2024-01-05T08:00:00Z",
        freezes=(
            {
                "freeze_id": "F-1",
                "time": "2026-03-01T01:00:00Z",
                "scope": "withdrawals",
                "reason": None,
                "by": None,
                "lifted_at": None,
            },
        ),
    )
    assert prices == [{"symbol": "BTCUSDT", "time": "2026-03-01T00:05:00Z", "price": "1.5"}]
    assert exchange.seen[0].path == "/v1/accounts/A-7"
    assert parse_qs(urlsplit(exchange.seen[1].path).query)["symbols"] == ["BTCUSDT,ETHUSDT"]
    assert gw.name == f"exchange API {urlsplit(exchange.url).netloc}"
    assert SECRET not in gw.name
    assert SECRET not in repr(gw)


def test_a_base_path_is_part_of_the_signed_path(exchange, gateway):
    exchange.plan(Planned(body={"records": []}))

    assert gateway(base_url=exchange.url + "/internal/").prices(["BTCUSDT"], START, END) == []

    [seen] = exchange.seen
    assert seen.signature_ok
    assert seen.path.startswith("/internal/v1/prices?")


def test_a_wrongly_signed_request_is_rejected_by_the_exchange(exchange, gateway, sleeps):
    with pytest.raises(GatewayRejected) as caught:
        gateway(secret="not-the-shared-secret").records("A-1", "orders", START, END)

    assert caught.value.status == 401
    # The 401 is signed with the real secret, which we do not hold: its text is not shown.
    assert "bad signature" not in caught.value.message
    assert len(exchange.seen) == 1
    assert not exchange.seen[0].signature_ok
    assert sleeps == []


def test_a_signed_error_detail_is_shown(exchange, gateway):
    exchange.plan(Planned(422, {"detail": "window too long"}))

    with pytest.raises(GatewayRejected) as caught:
        gateway().records("A-1", "trades", START, END)

    assert caught.value.status == 422
    assert caught.value.message == "window too long"


def test_a_timeout_is_retried_then_unavailable(exchange, gateway, sleeps, caplog):
    exchange.plan(otherwise=Planned(delay=1.0, body={"records": []}))
    caplog.set_level(logging.WARNING, logger="cases.gateway.http")

    began = time.monotonic()
    with pytest.raises(GatewayUnavailable) as caught:
        gateway().records("A-1", "orders", START, END)

    assert len(exchange.seen) == 3  # attempts == retries
    assert time.monotonic() - began < 1.5
    assert sleeps == [0.01, 0.02]
    assert "did not answer in time" in caught.value.message
    assert "3 attempts" in caught.value.message
    assert SECRET not in caught.value.message
    retries = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(retries) == 3
    # No personal data in the log: neither the account id nor the window.
    assert "/v1/accounts/{account}/records/orders" in retries[0].getMessage()
    assert "A-1" not in retries[0].getMessage()
    assert "start=" not in retries[0].getMessage()


def test_503_twice_then_200_succeeds(exchange, gateway, sleeps):
    exchange.plan(
        Planned(503, {"detail": "maintenance"}, sign="none"),
        Planned(503, {"detail": "maintenance"}, sign="none"),
        Planned(body={"records": [ORDER]}),
    )

    rows = gateway().records("A-1", "orders", START, END)

    assert [row["order_id"] for row in rows] == ["O-1"]
    assert len(exchange.seen) == 3
    assert len({seen.headers["X-Nonce"] for seen in exchange.seen}) == 3  # re-signed each time
    assert sleeps == [0.01, 0.02]


def test_5xx_forever_is_unavailable(exchange, gateway, sleeps):
    exchange.plan(otherwise=Planned(502, b"<html>bad gateway</html>", sign="none"))

    with pytest.raises(GatewayUnavailable) as caught:
        gateway(retries=4).records("A-1", "orders", START, END)

    assert len(exchange.seen) == 4
    assert sleeps == [0.01, 0.02, 0.04]
    assert caught.value.status == 502
    assert "HTTP 502" in caught.value.message


@pytest.mark.parametrize("sign", ["bad", "none"])
def test_an_answer_with_a_bad_signature_is_refused_and_not_retried(exchange, gateway, sleeps, sign):
    exchange.plan(Planned(body={"records": [ORDER]}, sign=sign))

    with pytest.raises(GatewayIntegrityError):
        gateway().records("A-1", "orders", START, END)

    assert len(exchange.seen) == 1
    assert sleeps == []


def test_an_answer_signed_for_another_request_is_refused(exchange, gateway):
    # A replayed answer: signed with the right secret, but over another request's nonce.
    exchange.plan(Planned(body={"records": [ORDER]}, sign="replayed"))

    with pytest.raises(GatewayIntegrityError):
        gateway().records("A-1", "orders", START, END)

    assert len(exchange.seen) == 1


def test_404_is_not_found(exchange, gateway, sleeps):
    exchange.plan(Planned(404, {"detail": "The exchange has no account A-404."}))

    with pytest.raises(GatewayNotFound) as caught:
        gateway().account_status("A-404")

    assert caught.value.status == 404
    assert caught.value.message == "The exchange has no account A-404."
    assert len(exchange.seen) == 1
    assert sleeps == []


def test_a_float_amount_is_refused(exchange, gateway):
    exchange.plan(Planned(body={"records": [ORDER | {"price": 65000.5}]}))

    with pytest.raises(GatewayIntegrityError, match="float"):
        gateway().records("A-1", "orders", START, END)

    assert len(exchange.seen) == 1


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"records": {"a": 1}}', b"[]", b'{"records": [{"price": NaN}]}'],
)
def test_a_malformed_answer_is_refused(exchange, gateway, body):
    exchange.plan(Planned(body=body))

    with pytest.raises(GatewayIntegrityError):
        gateway().records("A-1", "orders", START, END)


def test_perform_sends_the_idempotency_key_and_returns_the_result(exchange, gateway):
    exchange.plan(
        Planned(
            body={
                "idempotency_key": "case-7-refund-1",
                "status": "done",
                "reference": "EX-991",
                "detail": {"amount": "12.50", "asset": "USDT"},
                "replayed": True,
            }
        )
    )
    action = ActionRequest(
        kind="refund",
        account_id="A-1",
        idempotency_key="case-7-refund-1",
        params={"amount": "12.50", "asset": "USDT"},
    )

    result = gateway().perform(action)

    assert result == ActionResult(
        idempotency_key="case-7-refund-1",
        status="done",
        reference="EX-991",
        detail={"amount": "12.50", "asset": "USDT"},
        replayed=True,
    )
    [seen] = exchange.seen
    assert seen.signature_ok
    assert (seen.method, seen.path) == ("POST", "/v1/actions")
    assert seen.headers["Idempotency-Key"] == "case-7-refund-1"
    assert json.loads(seen.body) == {
        "kind": "refund",
        "account_id": "A-1",
        "idempotency_key": "case-7-refund-1",
        "params": {"amount": "12.50", "asset": "USDT"},
    }


def test_perform_is_retried_with_the_same_key(exchange, gateway):
    done = {"idempotency_key": "k-1", "status": "done", "reference": "EX-1"}
    exchange.plan(Planned(500, {}, sign="none"), Planned(body=done))

    result = gateway().perform(ActionRequest("unfreeze", "A-1", "k-1"))

    assert result.reference == "EX-1"
    assert [seen.headers["Idempotency-Key"] for seen in exchange.seen] == ["k-1", "k-1"]
    assert exchange.seen[0].body == exchange.seen[1].body


def test_perform_refuses_a_result_for_another_key(exchange, gateway):
    exchange.plan(Planned(body={"idempotency_key": "other", "status": "done", "reference": "X"}))

    with pytest.raises(GatewayIntegrityError):
        gateway().perform(ActionRequest("refund", "A-1", "k-2", {"amount": "1"}))


def test_a_reused_key_is_rejected(exchange, gateway):
    exchange.plan(Planned(409, {"detail": "This idempotency key was used for another action."}))

    with pytest.raises(GatewayRejected) as caught:
        gateway().perform(ActionRequest("refund", "A-1", "k-3", {"amount": "2"}))

    assert caught.value.status == 409


def test_a_refused_connection_is_unavailable(gateway, sleeps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(GatewayUnavailable) as caught:
        gateway(base_url=f"http://127.0.0.1:{port}").account_status("A-1")

    assert "could not be reached" in caught.value.message
    assert sleeps == [0.01, 0.02]


def test_unknown_kinds_are_refused_before_any_request(exchange, gateway):
    gw = gateway()
    with pytest.raises(GatewayRejected):
        gw.records("A-1", "prices", START, END)
    with pytest.raises(GatewayRejected):
        gw.records("A-1", "secrets", START, END)
    with pytest.raises(GatewayRejected):
        gw.perform(ActionRequest("drain_wallet", "A-1", "k"))
    assert gw.prices([], START, END) == []
    assert exchange.seen == []


def test_the_documented_signing_example():
    # docs/gateway.md, "Signing": keep both in step.
    assert (
        request_signature(
            "s3cret",
            method="GET",
            path="/v1/accounts/A-1/records/orders"
            "?start=2026-03-01T00%3A00%3A00Z&end=2026-03-02T00%3A00%3A00Z",
            timestamp="1772323200",
            nonce="6f1c0e9a2b7d4c58a1e3f0b9d2c4e6a8",
            body=b"",
        )
        == _DOC_REQUEST_SIGNATURE
    )
    assert (
        response_signature(
            "s3cret",
            status=200,
            nonce="6f1c0e9a2b7d4c58a1e3f0b9d2c4e6a8",
            timestamp="1772323201",
            body=b'{"records":[]}',
        )
        == _DOC_RESPONSE_SIGNATURE
    )


_DOC_REQUEST_SIGNATURE = "8de34f3acb92aa833a7bd569b85829ee4ce1859385cef581a80a3ed6fe9e77be"
_DOC_RESPONSE_SIGNATURE = "04717ed4403d22a1d530a89b04777c26d6db9c488b40bd6f20806aa2360542ca"


def test_settings_are_read_in_milliseconds(settings):
    settings.EXCHANGE_GATEWAY = "cases.gateway.http.HttpExchangeGateway"
    settings.EXCHANGE_GATEWAY_URL = "https://exchange.internal:8443/api"
    settings.EXCHANGE_GATEWAY_KEY_ID = KEY_ID
    settings.EXCHANGE_GATEWAY_SECRET = SECRET
    settings.EXCHANGE_GATEWAY_TIMEOUT_MS = 2500
    settings.EXCHANGE_GATEWAY_RETRIES = 5
    settings.EXCHANGE_GATEWAY_BACKOFF_MS = 250

    gw = get_gateway()

    assert isinstance(gw, HttpExchangeGateway)
    assert (gw.timeout_ms, gw.retries, gw.backoff_ms) == (2500, 5, 250)
    assert gw.name == "exchange API exchange.internal:8443"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EXCHANGE_GATEWAY_SECRET", ""),
        ("EXCHANGE_GATEWAY_URL", ""),
        ("EXCHANGE_GATEWAY_URL", "ftp://exchange.internal"),
        ("EXCHANGE_GATEWAY_URL", "https://user:pw@exchange.internal"),
        ("EXCHANGE_GATEWAY_RETRIES", 0),
    ],
)
def test_a_missing_secret_or_url_is_improperly_configured(settings, name, value):
    settings.EXCHANGE_GATEWAY_URL = "https://exchange.internal"
    settings.EXCHANGE_GATEWAY_SECRET = SECRET
    setattr(settings, name, value)

    with pytest.raises(ImproperlyConfigured, match=name):
        HttpExchangeGateway()
