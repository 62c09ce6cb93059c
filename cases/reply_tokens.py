"""Signed reply tokens: how a reply to our mail finds its case without trusting the sender.

Our notifications go out with ``Reply-To: complaints+<reference>.<signature>@domain`` and the
token in the subject. The signature is an HMAC of the reference under SECRET_KEY, lower-case
hex (mail systems may fold the case of addresses), so a guessed reference alone is not a token.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

_TOKEN = re.compile(r"\b([a-z]{1,8}-\d{4}-\d{4,12})\.([0-9a-f]{16})\b", re.I)


def _signature(reference: str) -> str:
    key = f"{settings.SECRET_KEY}:reply-token".encode()
    return hmac.new(key, reference.lower().encode(), hashlib.sha256).hexdigest()[:16]


def reply_token(reference: str) -> str:
    return f"{reference.lower()}.{_signature(reference)}"


def reply_address(reference: str) -> str:
    local, _, domain = settings.REPLY_TO_ADDRESS.partition("@")
    return f"{local}+{reply_token(reference)}@{domain}"


def references_from_tokens(*texts: str) -> list[str]:
    """Case references (upper-case) whose valid tokens appear in any of `texts`."""
    found = []
    for text in texts:
        for match in _TOKEN.finditer(text or ""):
            reference, signature = match.group(1), match.group(2).lower()
            if hmac.compare_digest(signature, _signature(reference)):
                found.append(reference.upper())
    return list(dict.fromkeys(found))
