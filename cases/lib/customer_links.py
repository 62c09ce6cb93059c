"""Signed links in the mail to a customer: answer an offer or the survey without signing in.

A link carries a token signed under SECRET_KEY (Django's signing, with a salt per purpose) that
names the case, the object (an offer and its version, or a survey) and the customer it was
sent to, and expires after CUSTOMER_LINK_MAX_AGE. It is never a sign-in: it opens one page for
one object. "Works once" is the object's own state: an answered offer or survey shows the
answer and takes no other.

    token = link_token(purpose=OFFER, case=case, object_id=offer.pk, version=offer.version)
    claim = link_claim(token, purpose=OFFER)          # LinkError if forged, expired or bent
    claim_matches(claim, case=case, version=offer.version)  # bound to this customer and offer
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

OFFER = "offer"
SURVEY = "survey"
PURPOSES = (OFFER, SURVEY)


class LinkError(Exception):
    """The link cannot be used; `message` says why, for the person who clicked it."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.expired = expired


@dataclass(frozen=True)
class LinkClaim:
    purpose: str
    reference: str
    object_id: int
    version: int
    customer: str


def _salt(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    return f"cases.customer-link.{purpose}"


def customer_identity(case: Any) -> str:
    """Who the link is for: the portal user when there is one, else the email it went to."""
    if case.customer_id:
        return f"user:{case.customer_id}"
    # Hashed: the token's payload is signed, not encrypted, and links end up in logs.
    digest = hashlib.sha256(case.complainant_email.lower().encode()).hexdigest()[:24]
    return f"email:{digest}"


def link_token(*, purpose: str, case: Any, object_id: int, version: int = 0) -> str:
    payload = {
        "r": case.reference,
        "o": int(object_id),
        "v": int(version),
        "c": customer_identity(case),
    }
    return signing.dumps(payload, salt=_salt(purpose), compress=True)


def link_claim(token: str, *, purpose: str) -> LinkClaim:
    """What a valid token says. Raises LinkError for a forged, altered or expired token."""
    try:
        data = signing.loads(
            token or "",
            salt=_salt(purpose),
            max_age=settings.CUSTOMER_LINK_MAX_AGE,
        )
    except signing.SignatureExpired as exc:
        raise LinkError(
            _("This link has expired. Sign in to the portal to see your case."), expired=True
        ) from exc
    except signing.BadSignature as exc:
        raise LinkError(_("This link is not valid. Use the link in our latest email.")) from exc
    try:
        return LinkClaim(
            purpose=purpose,
            reference=str(data["r"]),
            object_id=int(data["o"]),
            version=int(data["v"]),
            customer=str(data["c"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkError(_("This link is not valid. Use the link in our latest email.")) from exc


def claim_matches(claim: LinkClaim, *, case: Any, version: int = 0) -> bool:
    """The claim is for this case, this version of the object and the customer the case
    belongs to now (a link forwarded after the case changed hands does not work)."""
    return (
        claim.reference == case.reference
        and claim.version == int(version)
        and claim.customer == customer_identity(case)
    )
