"""Is the sender of a mail authenticated? Read from OUR receiving MTA's Authentication-Results.

The From header is written by whoever sends the mail; only the receiving mail server can tell
whether the domain of that address really sent it (DKIM signature, DMARC policy). It says so in
an `Authentication-Results` header (RFC 8601) that starts with its own *authserv-id*. We trust
such a header only when:

- the deployment says our MTA writes them (`INBOUND_MAIL_TRUST_AUTH_RESULTS`) and names its
  authserv-id (`INBOUND_MAIL_AUTHSERV_ID`); headers of any other authserv-id are ignored, as
  RFC 8601 section 5 asks (anyone can write a header claiming `mx.google.com`);
- exactly one header carries our authserv-id. RFC 8601 section 5 requires a border MTA to remove
  copies of its own header that arrive from outside; if one slipped through anyway, ours and the
  forged copy make two, and we trust neither (fail closed);
- the From header is verified (one address, no defects: CVE-2023-27043);
- it shows `dmarc=pass` with `header.from` equal to the From domain, or `dkim=pass` with a
  signing domain (`header.d`, else the domain of `header.i`) equal to the From domain or a
  parent of it (whoever holds the parent's DNS holds the From domain's too; the reverse, a
  sub-domain signing for its parent, is not accepted);
- and no `dmarc=fail` for the From domain (an explicit failure vetoes any pass).

The header is parsed with `authres` (RFC 8601 grammar, comments and quoted values); a header
that does not parse counts as present but proves nothing. No database, no settings: the
service passes the configuration in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import authres

_COMMENT = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class SenderAuthentication:
    authenticated: bool
    method: str  # "dmarc" or "dkim" when authenticated, else ""
    reason: str  # for staff (inbound email notes): why it is, or is not, authenticated


def _domain(value: str) -> str:
    """Lower-case, A-label (IDNA) form of a domain, without a trailing dot; "" if unusable."""
    value = (value or "").strip().strip('"').rstrip(".").lower()
    if "@" in value:
        value = value.rpartition("@")[2]
    if not value:
        return ""
    try:
        return value.encode("idna").decode("ascii")
    except UnicodeError:
        return value if value.isascii() else ""


def _authserv_id_of(value: str) -> str:
    """The authserv-id a header claims, read even when the rest does not parse."""
    head = value.split(";", 1)[0]
    while _COMMENT.search(head):
        head = _COMMENT.sub(" ", head)
    words = head.split()
    return words[0].lower() if words else ""


def _property(result: authres.core.AuthenticationResult, ptype: str, name: str) -> str:
    for prop in result.properties:
        if prop.type.lower() == ptype and prop.name.lower() == name:
            return str(prop.value or "")
    return ""


def _aligned(signing_domain: str, from_domain: str) -> bool:
    return bool(signing_domain) and (
        from_domain == signing_domain or from_domain.endswith("." + signing_domain)
    )


def sender_authentication(
    *,
    headers: Sequence[str],
    from_address: str,
    from_verified: bool,
    authserv_id: str,
    trusted: bool,
) -> SenderAuthentication:
    """Whether our MTA authenticated the From domain of this mail (see the module docstring)."""
    if not trusted or not authserv_id.strip():
        return SenderAuthentication(False, "", "authentication results are not trusted here")
    if not from_verified:
        return SenderAuthentication(False, "", "From header not verified")
    from_domain = _domain(from_address)
    if not from_domain:
        return SenderAuthentication(False, "", "no From domain")
    ours = [h for h in headers if _authserv_id_of(h) == authserv_id.strip().lower()]
    if not ours:
        return SenderAuthentication(
            False, "", f"no Authentication-Results from {authserv_id} (others are ignored)"
        )
    if len(ours) > 1:
        return SenderAuthentication(
            False, "", f"{len(ours)} Authentication-Results claim {authserv_id}: none trusted"
        )
    try:
        parsed = authres.AuthenticationResultsHeader.parse_value(" ".join(ours[0].split()))
    except Exception:  # authres raises its own SyntaxError and friends on malformed input
        return SenderAuthentication(False, "", "our Authentication-Results header does not parse")
    passed = ""
    for result in parsed.results:
        method, outcome = result.method.lower(), (result.result or "").lower()
        if method == "dmarc" and _domain(_property(result, "header", "from")) == from_domain:
            if outcome == "fail":
                return SenderAuthentication(False, "", f"dmarc=fail for {from_domain}")
            if outcome == "pass":
                passed = passed or "dmarc"
        elif method == "dkim" and outcome == "pass":
            signer = _domain(_property(result, "header", "d") or _property(result, "header", "i"))
            if _aligned(signer, from_domain):
                passed = passed or "dkim"
    if passed:
        return SenderAuthentication(True, passed, f"{passed}=pass for {from_domain}")
    return SenderAuthentication(False, "", f"no aligned dkim or dmarc pass for {from_domain}")
