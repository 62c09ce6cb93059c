"""Malware scanning of evidence with ClamAV's daemon (clamd), over INSTREAM.

`CLAMD_ADDRESS` says where clamd listens: ``unix:///run/clamav/clamd.ctl`` (or a bare absolute
path) or ``tcp://127.0.0.1:3310``. Empty means "no scanner": every scan answers SKIPPED and a
warning is logged (once per process), which is what `make run` does; production sets it (a
deploy check says so). The bytes are streamed to clamd, never written to a temporary file.

Outcomes: CLEAN, INFECTED (with the signature's name), SKIPPED; a configured scanner that cannot
be reached, times out or answers an error raises ScannerUnavailable, and the caller decides
(uploads fail closed; mail attachments are held, see `cases.services.evidence`).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings
from django.core import checks

log = logging.getLogger(__name__)

CLEAN = "clean"
INFECTED = "infected"
SKIPPED = "skipped"


class ScannerUnavailable(Exception):
    """clamd is configured but did not give a verdict (down, timed out, or an error)."""


@dataclass(frozen=True)
class ScanResult:
    status: str
    signature: str = ""

    @property
    def infected(self) -> bool:
        return self.status == INFECTED


_warned_unconfigured = False


def scanner_client(address: str | None = None) -> ClamdNetworkSocket:
    """A client for `address` (default: settings.CLAMD_ADDRESS). ValueError when malformed."""
    address = (settings.CLAMD_ADDRESS if address is None else address).strip()
    timeout = settings.CLAMD_TIMEOUT_SECONDS
    if address.startswith("/"):
        return ClamdUnixSocket(path=address, timeout=timeout)
    parts = urlsplit(address)
    if parts.scheme == "unix" and parts.path:
        return ClamdUnixSocket(path=parts.path, timeout=timeout)
    if parts.scheme == "tcp" and parts.hostname:
        return ClamdNetworkSocket(host=parts.hostname, port=parts.port or 3310, timeout=timeout)
    raise ValueError(f"CLAMD_ADDRESS must be unix:///path or tcp://host:port, not {address!r}")


def scanner_configured() -> bool:
    return bool(settings.CLAMD_ADDRESS.strip())


def scan_bytes(content: bytes) -> ScanResult:
    """Ask clamd about `content`. Raises ScannerUnavailable when configured but not answering."""
    global _warned_unconfigured
    if not scanner_configured():
        if not _warned_unconfigured:
            log.warning("CLAMD_ADDRESS is empty: evidence files are NOT scanned for malware")
            _warned_unconfigured = True
        return ScanResult(SKIPPED)
    try:
        answer = scanner_client().instream(io.BytesIO(content))
    except (ClamdError, OSError, ValueError) as exc:
        log.error("malware scanner unavailable: %s", exc)
        raise ScannerUnavailable(str(exc)) from exc
    status, reason = answer.get("stream", ("ERROR", "no answer"))
    if status == "FOUND":
        return ScanResult(INFECTED, signature=(reason or "unknown")[:200])
    if status == "OK":
        return ScanResult(CLEAN)
    log.error("malware scanner answered an error: %s", reason)
    raise ScannerUnavailable(str(reason))


def scanner_ping() -> bool:
    """True when clamd answers PING (health checks, CI start-up)."""
    try:
        return scanner_client().ping() == "PONG"
    except (ClamdError, OSError, ValueError):
        return False


@checks.register(checks.Tags.security, deploy=True)
def check_scanner_configured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy`: production without a malware scanner stores files unscanned."""
    if scanner_configured():
        try:
            scanner_client()
        except ValueError as exc:
            return [checks.Error(str(exc), id="cases.E110")]
        return []
    return [
        checks.Warning(
            "CLAMD_ADDRESS is empty: evidence files are stored without a malware scan.",
            hint="Run clamd (with freshclam) and set CLAMD_ADDRESS; see docs/intake.md.",
            id="cases.W110",
        )
    ]
