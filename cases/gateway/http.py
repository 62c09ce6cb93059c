"""The HTTP adapter: the exchange's internal REST API, HMAC-signed both ways (docs/gateway.md).

Every request carries a signature over its method, path, time, a fresh nonce and its body; every
answer we use must carry the exchange's signature over its status, our nonce, its time and its
body, so an answer cannot be forged, altered or replayed from another request on the way. An
answer that fails that check raises GatewayIntegrityError and is never retried as if the
exchange were merely down: it must not become evidence.

Timeouts, refused connections and 5xx are retried with exponential backoff; so is POST
/v1/actions, which is safe because the exchange performs an action once per idempotency key.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from cases.gateway.config import GatewaySettings
from cases.gateway.port import (
    ACTION_KINDS,
    RECORD_FIELDS,
    AccountStatus,
    ActionRequest,
    ActionResult,
    GatewayIntegrityError,
    GatewayNotFound,
    GatewayRejected,
    GatewayUnavailable,
    RecordKind,
    iso,
    normalize_record,
)

logger = logging.getLogger(__name__)

# An answer larger than this is refused rather than read into memory (a snapshot is capped at
# SNAPSHOT_MAX_RECORDS records, far below this).
MAX_RESPONSE_BYTES = 64 * 1024 * 1024


def _loggable(path: str) -> str:
    """The path without the account id (no personal data in logs, RELIABILITY.md 18)."""
    return re.sub(r"^/v1/accounts/[^/]+", "/v1/accounts/{account}", path)


def request_signature(
    secret: str, *, method: str, path: str, timestamp: str, nonce: str, body: bytes
) -> str:
    """X-Signature of a request: `path` is the path as sent, with its query string."""
    message = "\n".join([method, path, timestamp, nonce, hashlib.sha256(body).hexdigest()])
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def response_signature(secret: str, *, status: int, nonce: str, timestamp: str, body: bytes) -> str:
    """X-Signature of a response: `nonce` is the X-Nonce of the request it answers."""
    message = "\n".join([str(status), nonce, timestamp, hashlib.sha256(body).hexdigest()])
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The API never redirects; following one would send a signed request elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _Transient(Exception):
    """One attempt failed in a way worth retrying (timeout, connection, 5xx)."""

    def __init__(self, reason: str, error: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason  # "timeout", "connection" or "server"
        self.error = error  # class name, for the log
        self.status = status


class HttpExchangeGateway:
    """The port over the exchange's REST API.

    Reads EXCHANGE_GATEWAY_URL, _KEY_ID, _SECRET, _TIMEOUT_MS, _RETRIES and _BACKOFF_MS through
    `GatewaySettings`; keyword arguments override them (`timeout_ms` and `backoff_ms` in
    milliseconds, `retries` the number of attempts in all, `sleep` the function that waits
    between attempts, given seconds).
    Raises ImproperlyConfigured when the URL, key id or secret is missing."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        key_id: str | None = None,
        secret: str | None = None,
        timeout_ms: int | None = None,
        retries: int | None = None,
        backoff_ms: int | None = None,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        configured = GatewaySettings.from_settings()
        base_url = configured.base_url if base_url is None else base_url
        key_id = configured.key_id if key_id is None else key_id
        secret = configured.secret if secret is None else secret
        timeout_ms = configured.timeout_ms if timeout_ms is None else timeout_ms
        retries = configured.retries if retries is None else retries
        backoff_ms = configured.backoff_ms if backoff_ms is None else backoff_ms

        if not base_url:
            raise ImproperlyConfigured(
                "EXCHANGE_GATEWAY_URL is empty: the HTTP exchange gateway needs the API's URL."
            )
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImproperlyConfigured(
                "EXCHANGE_GATEWAY_URL must be an http(s) URL such as https://exchange.internal."
            )
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ImproperlyConfigured(
                "EXCHANGE_GATEWAY_URL must not carry credentials, a query or a fragment."
            )
        if not secret:
            raise ImproperlyConfigured(
                "EXCHANGE_GATEWAY_SECRET is empty: requests to the exchange must be signed."
            )
        if not key_id:
            raise ImproperlyConfigured("EXCHANGE_GATEWAY_KEY_ID is empty.")
        if timeout_ms <= 0:
            raise ImproperlyConfigured("EXCHANGE_GATEWAY_TIMEOUT_MS must be positive.")
        if retries < 1:
            raise ImproperlyConfigured("EXCHANGE_GATEWAY_RETRIES must be at least 1.")
        if backoff_ms < 0:
            raise ImproperlyConfigured("EXCHANGE_GATEWAY_BACKOFF_MS must not be negative.")

        self._origin = f"{parts.scheme}://{parts.netloc}"
        self._prefix = parts.path.rstrip("/")
        self._key_id = key_id
        self._secret = secret
        self.timeout_ms = int(timeout_ms)
        self.retries = int(retries)
        self.backoff_ms = int(backoff_ms)
        self._sleep = sleep
        host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        self.name = f"exchange API {host}"
        # Direct connections only: the exchange's internal API is not reached through the
        # environment's HTTP proxies, and a redirect is an error, never followed.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)

    def __repr__(self) -> str:
        return f"<HttpExchangeGateway {self.name}>"

    # The port.

    def account_status(self, account_id: str) -> AccountStatus:
        data = self._call("GET", f"/v1/accounts/{_segment(account_id)}")
        if not isinstance(data, dict):
            raise GatewayIntegrityError(_("The exchange sent an account that is not an object."))
        got_id = data.get("account_id")
        status = data.get("status")
        kyc_level = data.get("kyc_level")
        freezes = data.get("freezes", [])
        if (
            not isinstance(got_id, str)
            or got_id != account_id
            or not isinstance(status, str)
            or not status
            or not isinstance(kyc_level, int)
            or isinstance(kyc_level, bool)
            or not isinstance(freezes, list)
        ):
            raise GatewayIntegrityError(_("The exchange sent a malformed account status."))
        return AccountStatus(
            account_id=got_id,
            status=status,
            kyc_level=kyc_level,
            opened_at=_moment(data.get("opened_at")),
            freezes=tuple(normalize_record(RecordKind.FREEZES, row) for row in freezes),
        )

    def records(
        self, account_id: str, kind: str, start: datetime, end: datetime
    ) -> list[dict[str, str | None]]:
        if kind == RecordKind.PRICES:
            raise GatewayRejected(_("Prices are read with prices()."), status=400)
        if kind not in RECORD_FIELDS:
            raise GatewayRejected(_("Unknown record kind %(kind)r.") % {"kind": kind}, status=400)
        query = urllib.parse.urlencode({"start": _when(start), "end": _when(end)})
        data = self._call(
            "GET", f"/v1/accounts/{_segment(account_id)}/records/{_segment(kind)}?{query}"
        )
        return _records(kind, data)

    def prices(
        self, symbols: list[str], start: datetime, end: datetime
    ) -> list[dict[str, str | None]]:
        if not symbols:
            return []
        query = urllib.parse.urlencode(
            {"symbols": ",".join(symbols), "start": _when(start), "end": _when(end)}
        )
        return _records(RecordKind.PRICES, self._call("GET", f"/v1/prices?{query}"))

    def perform(self, action: ActionRequest) -> ActionResult:
        if action.kind not in ACTION_KINDS:
            raise GatewayRejected(_("Unknown action %(kind)r.") % {"kind": action.kind}, status=400)
        if not action.idempotency_key:
            raise GatewayRejected(_("An action needs an idempotency key."), status=400)
        payload = {
            "kind": action.kind,
            "account_id": action.account_id,
            "idempotency_key": action.idempotency_key,
            "params": dict(action.params),
        }
        data = self._call(
            "POST",
            "/v1/actions",
            body=json.dumps(payload, sort_keys=True, separators=(",", ":")).encode(),
            idempotency_key=action.idempotency_key,
        )
        if not isinstance(data, dict):
            raise GatewayIntegrityError(
                _("The exchange sent an action result that is not an object.")
            )
        status = data.get("status")
        reference = data.get("reference", "")
        detail = data.get("detail", {})
        replayed = data.get("replayed", False)
        if (
            data.get("idempotency_key") != action.idempotency_key
            or status not in ("done", "failed")
            or not isinstance(reference, str)
            or not isinstance(detail, dict)
            or not isinstance(replayed, bool)
            or any(isinstance(v, float) for v in detail.values())
        ):
            raise GatewayIntegrityError(_("The exchange sent a malformed action result."))
        return ActionResult(
            idempotency_key=action.idempotency_key,
            status=status,
            reference=reference,
            detail={str(k): "" if v is None else str(v) for k, v in detail.items()},
            replayed=replayed,
        )

    # The wire.

    def _call(
        self, method: str, path: str, *, body: bytes = b"", idempotency_key: str | None = None
    ) -> Any:
        """One logical call: signed attempts with backoff, then the verified, parsed answer."""
        bare_path = path.split("?", 1)[0]
        last: _Transient | None = None
        for attempt in range(self.retries):
            if attempt:
                self._sleep(self.backoff_ms * 2 ** (attempt - 1) / 1000)
            try:
                return self._attempt(method, path, body, idempotency_key)
            except _Transient as exc:
                last = exc
                logger.warning(
                    "exchange gateway: %s %s attempt %d/%d failed (%s)",
                    method,
                    self._prefix + _loggable(bare_path),
                    attempt + 1,
                    self.retries,
                    exc.error,
                )
        assert last is not None  # noqa: S101 -- retries >= 1, checked in __init__
        params = {"name": self.name, "attempts": self.retries}
        if last.reason == "timeout":
            message = _(
                "The exchange (%(name)s) did not answer in time after %(attempts)d attempts; "
                "it may be down or overloaded. Try again later."
            )
        elif last.reason == "connection":
            message = _(
                "The exchange (%(name)s) could not be reached after %(attempts)d attempts; "
                "it may be down. Try again later."
            )
        else:
            message = _(
                "The exchange (%(name)s) failed with HTTP %(status)s after %(attempts)d "
                "attempts. Try again later."
            )
            params["status"] = last.status
        raise GatewayUnavailable(message % params, status=last.status)

    def _attempt(self, method: str, path: str, body: bytes, idempotency_key: str | None) -> Any:
        full_path = self._prefix + path
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        headers = {
            "Accept": "application/json",
            "X-Key-Id": self._key_id,
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": request_signature(
                self._secret,
                method=method,
                path=full_path,
                timestamp=timestamp,
                nonce=nonce,
                body=body,
            ),
        }
        if body:
            headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        request = urllib.request.Request(  # noqa: S310 -- scheme checked in __init__
            self._origin + full_path, data=body or None, method=method, headers=headers
        )
        try:
            try:
                with self._opener.open(request, timeout=self.timeout_ms / 1000) as response:
                    status, answer_headers = response.status, response.headers
                    payload = _read(response)
            except urllib.error.HTTPError as error:
                with error:
                    status, answer_headers = error.code, error.headers
                    payload = _read(error)
        except urllib.error.URLError as exc:
            reason = exc.reason
            kind = "timeout" if isinstance(reason, TimeoutError) else "connection"
            raise _Transient(kind, type(reason).__name__) from exc
        except TimeoutError as exc:
            raise _Transient("timeout", type(exc).__name__) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise _Transient("connection", type(exc).__name__) from exc

        if status >= 500:
            raise _Transient("server", f"HTTP {status}", status)
        signed = self._verified(status, nonce, answer_headers, payload)
        if 200 <= status < 300:
            if not signed:
                logger.error(
                    "exchange gateway: %s %s answered %d without a valid signature",
                    method,
                    self._prefix + _loggable(path.split("?", 1)[0]),
                    status,
                )
                raise GatewayIntegrityError(
                    _("The exchange's answer failed its signature check and was discarded."),
                    status=status,
                )
            return _parse(payload)
        # An error answer is used only for its status; its text only when it is signed.
        detail = _detail(payload) if signed else None
        if status == 404:
            raise GatewayNotFound(
                detail or _("The exchange does not know this account or record."), status=404
            )
        if 400 <= status < 500:
            fallback = _("The exchange refused the request (HTTP %(status)d).")
            raise GatewayRejected(detail or fallback % {"status": status}, status=status)
        raise GatewayIntegrityError(
            _("The exchange sent an unexpected HTTP status %(status)d.") % {"status": status},
            status=status,
        )

    def _verified(self, status: int, nonce: str, headers: Any, payload: bytes) -> bool:
        timestamp = headers.get("X-Timestamp") if headers is not None else None
        signature = headers.get("X-Signature") if headers is not None else None
        if not timestamp or not signature:
            return False
        expected = response_signature(
            self._secret, status=status, nonce=nonce, timestamp=timestamp, body=payload
        )
        return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())


def _segment(value: str) -> str:
    if not value:
        raise GatewayRejected(_("An account id is required."), status=400)
    return urllib.parse.quote(value, safe="")


def _when(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("the gateway takes aware datetimes (UTC)")
    return iso(value) or ""


def _moment(value: Any) -> str:
    """An aware ISO 8601 time, as UTC with "Z"."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise GatewayIntegrityError(_("The exchange sent a malformed time.")) from exc
    if not isinstance(value, str) or moment.tzinfo is None:
        raise GatewayIntegrityError(_("The exchange sent a time without a zone."))
    return iso(moment) or ""


def _read(response: Any) -> bytes:
    payload = response.read(MAX_RESPONSE_BYTES + 1)
    if len(payload) > MAX_RESPONSE_BYTES:
        raise GatewayIntegrityError(_("The exchange's answer is too large."))
    return payload


def _reject_constant(value: str) -> Any:
    raise ValueError(f"not JSON: {value}")


def _parse(payload: bytes) -> Any:
    # Floats stay floats so that normalize_record refuses them: amounts must come as strings.
    try:
        return json.loads(payload, parse_float=float, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise GatewayIntegrityError(_("The exchange's answer is not valid JSON.")) from exc


def _records(kind: str, data: Any) -> list[dict[str, str | None]]:
    rows = data.get("records") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise GatewayIntegrityError(_("The exchange's answer has no list of records."))
    return [normalize_record(kind, row) for row in rows]


def _detail(payload: bytes) -> str | None:
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return None
    detail = data.get("detail") if isinstance(data, dict) else None
    return detail if isinstance(detail, str) and detail else None
