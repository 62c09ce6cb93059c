"""Signed reply tokens: how a reply to our mail finds its case without trusting the sender.

Our notifications go out with ``Reply-To: complaints+<reference>.<signature>@domain``. The
signature is an HMAC-SHA256 of the case reference under SECRET_KEY (with a purpose string),
cut to 64 bits, lower-case hex (mail systems may fold the case of addresses). A case reference
is sequential and guessable; its signature is not, and it signs that one reference only, so a
token can neither be forged nor moved onto another case. Tokens signed under a key listed in
SECRET_KEY_FALLBACKS still verify, so rotating the key does not orphan replies to older mail.

Only a token in the local part of a recipient address counts (``…+<token>@…`` in To, Cc,
Delivered-To, X-Original-To, Envelope-To), never text in the subject or body, where anyone
quoting our mail could carry it around.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

from django.conf import settings

_TOKEN = re.compile(r"^([a-z]{1,8}-\d{4}-\d{4,12})\.([0-9a-f]{16})$")


def _signature(reference: str, secret: str | None = None) -> str:
    key = f"{settings.SECRET_KEY if secret is None else secret}:reply-token".encode()
    return hmac.new(key, reference.lower().encode(), hashlib.sha256).hexdigest()[:16]


def reply_token(reference: str) -> str:
    return f"{reference.lower()}.{_signature(reference)}"


def reply_address(reference: str) -> str:
    local, _, domain = settings.REPLY_TO_ADDRESS.partition("@")
    return f"{local}+{reply_token(reference)}@{domain}"


def reference_from_token(token: str) -> str:
    """The case reference (upper-case) a well-formed, correctly signed token names, else ""."""
    match = _TOKEN.match((token or "").strip().lower())
    if not match:
        return ""
    reference, signature = match.group(1), match.group(2)
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    # Compare against every key without stopping early: the time does not tell which matched.
    valid = [hmac.compare_digest(signature, _signature(reference, s)) for s in secrets]
    return reference.upper() if any(valid) else ""


def references_from_reply_addresses(addresses: Iterable[str]) -> list[str]:
    """Case references whose valid token is the `+detail` of one of these recipient addresses."""
    found = []
    for address in addresses:
        local = (address or "").strip().strip("<>").rpartition("@")[0]
        if "+" not in local:
            continue
        reference = reference_from_token(local.rpartition("+")[2])
        if reference:
            found.append(reference)
    return list(dict.fromkeys(found))
