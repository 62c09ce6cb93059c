"""Raw RFC 5322 bytes -> `ParsedEmail`, a frozen description of one message. No database.

Parsing never trusts the declared charset blindly and never gives up on a body: known aliases
are widened to their supersets (GB2312 and GBK are decoded as GB18030, Big5 as Big5-HKSCS,
ISO-8859-1 as Windows-1252, as mail clients actually write them), and an unknown charset is
decoded as UTF-8 with replacement characters and flagged in `notes`. HTML is turned into plain
text (inscriptis); raw HTML is never kept. The sender is only "verified" when the From header
holds exactly one address and both of Python's address parsers agree on it without defects
(CVE-2023-27043: older parsers can be tricked into reading another address).

`EmailParseError` means there is nothing usable at all (no header section); anything less bad is
parsed as well as possible and described in `notes` / `defects`.
"""

from __future__ import annotations

import codecs
import email
import email.header
import email.message
import email.policy
import email.utils
import hashlib
import mimetypes
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from inscriptis import get_text

from cases.enums import Category, Locale
from cases.services.intake import IncomingFile

# Declared charset -> the codec that decodes what clients really send under that label.
CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "ks_c_5601-1987": "cp949",
    "utf8": "utf-8",
}
# RFC 3834 and the headers robots add in practice.
BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
ROBOT_LOCALPARTS = {"mailer-daemon", "postmaster"}
MAX_HEADER_TEXT = 300
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CATEGORY_WORDS = [
    (
        Category.ACCOUNT_SECURITY,
        r"hack|stolen|phish|unauthori[sz]ed|compromised|被盗|盗号|黑客|钓鱼",
    ),
    (Category.ACCOUNT_SECURITY, r"被盜|盜號|未經授權"),
    (Category.DEPOSIT_WITHDRAWAL, r"withdraw|deposit|提现|提币|充值|到账|出金|入金"),
    (Category.P2P_DISPUTE, r"\bp2p\b|\botc\b|c2c|商家|承兑"),
    (Category.ACCOUNT_FREEZE_KYC, r"frozen|freeze|kyc|verification|冻结|实名|身份认证"),
    (Category.FEES, r"\bfees?\b|commission|手续费|费用"),
]


class EmailParseError(Exception):
    """Nothing usable could be read from the bytes (no header section at all)."""


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str  # normalised, without angle brackets; "" when missing
    from_address: str  # lower-case addr-spec, "" when none could be read
    from_name: str
    from_verified: bool
    subject: str
    body: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    recipients: tuple[str, ...]  # To, Cc, Delivered-To, X-Original-To (addresses as written)
    attachments: tuple[IncomingFile, ...]
    content_language: str
    automatic: str  # why this looks machine-sent (RFC 3834 etc.), "" for a person
    notes: tuple[str, ...]  # charset fallbacks, defects: shown to staff
    # Every Authentication-Results header as written (RFC 8601), top first. Anyone can write
    # one: `channels.adapters.mail_auth` decides which, if any, to believe.
    authentication_results: tuple[str, ...] = ()

    @property
    def thread_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.in_reply_to + self.references))

    @property
    def locale(self) -> str:
        """zh-hans when the mail says so or is mostly Chinese; otherwise English."""
        if self.content_language.lower().startswith("zh"):
            return Locale.ZH_HANS
        text = f"{self.subject}\n{self.body}"[:4000]
        letters = sum(ch.isalpha() for ch in text) or 1
        return Locale.ZH_HANS if len(_CJK.findall(text)) / letters > 0.2 else Locale.EN

    @property
    def category(self) -> str:
        text = f"{self.subject}\n{self.body}"[:8000]
        for category, pattern in _CATEGORY_WORDS:
            if re.search(pattern, text, re.I):
                return category
        return Category.OTHER


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def normalise_message_id(value: str) -> str:
    """`<ABC@host>` -> `abc@host`; the first id when a header holds several; "" if none."""
    value = (value or "").strip()
    match = _MESSAGE_ID.search(value)
    token = match.group(1) if match else value.strip("<> \t")
    return token.lower() if token and " " not in token else ""


def message_ids(value: str) -> tuple[str, ...]:
    return tuple(m.lower() for m in _MESSAGE_ID.findall(value or ""))


def dedupe_key_for(*, message_id: str, raw: bytes) -> str:
    """Message-ID when present (and short enough), else the hash of the raw bytes."""
    if message_id and len(message_id) <= 250:
        return message_id
    if message_id:
        return "mid-sha256:" + hashlib.sha256(message_id.encode()).hexdigest()
    return "sha256:" + sha256_hex(raw)


def clean_text(text: str) -> str:
    """Text safe for the database: surrogates from undecodable bytes become U+FFFD, no NULs."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return text.replace("\x00", "")


def decode_bytes(data: bytes, charset: str | None, notes: list[str]) -> str:
    """Decode with the codec that really fits `charset`; unknown ones are flagged, not fatal."""
    declared = (charset or "").strip().strip('"').lower()
    codec = CHARSET_ALIASES.get(declared, declared) or "utf-8"
    try:
        codecs.lookup(codec)
    except LookupError:
        notes.append(f"unknown charset {declared[:40]!r}: decoded as UTF-8 with replacements")
        return clean_text(data.decode("utf-8", "replace"))
    try:
        return clean_text(data.decode(codec))
    except UnicodeDecodeError:
        # Undeclared (or mislabelled) text: UTF-8 is the most likely truth, then the label.
        if codec != "utf-8":
            try:
                return clean_text(data.decode("utf-8"))
            except UnicodeDecodeError:
                pass
        notes.append(f"invalid {declared or 'utf-8'} bytes replaced")
        return clean_text(data.decode(codec, "replace"))


def _header_str(value: object) -> str:
    """A raw header value as str; 8-bit bytes in headers (not allowed, yet common) as UTF-8."""
    if value is None:
        return ""
    text = str(value) if not isinstance(value, str) else value
    try:
        text.encode("ascii")
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogateescape")
        for codec in ("utf-8", "gb18030"):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
        return data.decode("utf-8", "replace")
    return text


def decode_header_text(value: str, notes: list[str]) -> str:
    """RFC 2047 encoded words with our charset rules; unparseable words are kept as written."""
    if not value:
        return ""
    try:
        chunks = email.header.decode_header(value)
    except (email.errors.HeaderParseError, ValueError):
        notes.append("malformed encoded header kept as written")
        return clean_text(" ".join(value.split()))
    parts = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            parts.append(decode_bytes(chunk, charset or "utf-8", notes))
        else:
            parts.append(chunk)
    return clean_text(" ".join("".join(parts).split()))


def _raw_headers(message: email.message.Message, name: str) -> list[str]:
    wanted = name.lower()
    return [_header_str(v) for k, v in message.raw_items() if k.lower() == wanted]


def _first_header(message: email.message.Message, name: str) -> str:
    values = _raw_headers(message, name)
    return values[0] if values else ""


# One mailbox: an optional display name (one quoted string, or a phrase without specials)
# and one angle address. Defects in a display name (Foxmail and QQ put encoded words inside
# quotes) do not make the address doubtful; anything else with defects is unverified.
_MAILBOX = re.compile(
    r'^\s*(?:"(?:[^"\\]|\\.)*"|[^"<>,;:@()\\\[\]]*)\s*<([^<>\s,;:()"@]+@[^<>\s,;:()"@]+)>\s*$'
)


def _plain_mailbox(value: str) -> str:
    """The address of a From header of the simple one-mailbox shape, else ""."""
    match = _MAILBOX.match(value.replace("\r", "").replace("\n", " "))
    if not match:
        return ""
    header = email.policy.default.header_factory("From", f"<{match.group(1)}>")
    if header.defects or len(header.addresses) != 1:
        return ""
    return header.addresses[0].addr_spec.lower()


def _sender(message: email.message.Message, notes: list[str]) -> tuple[str, str, bool]:
    """(address, display name, verified). Verified only for one clean, agreed address."""
    values = _raw_headers(message, "From")
    if not values:
        return "", "", False
    try:
        header = email.policy.default.header_factory("From", values[0])
        modern = [a for a in header.addresses if a.addr_spec]
        defects = list(header.defects)
    except Exception:  # a malformed header must not stop the mail
        modern, defects = [], ["unparseable From header"]
    legacy = [addr for _name, addr in email.utils.getaddresses(values) if addr]
    candidates = [a.addr_spec for a in modern] or legacy
    address = candidates[0].strip().lower() if candidates else ""
    name = decode_header_text(modern[0].display_name, notes) if modern else ""
    try:
        validate_email(address)
    except ValidationError:
        notes.append("sender address is not valid")
        return "", name, False
    verified = (
        len(values) == 1
        and len(modern) == 1
        and [a.lower() for a in legacy] == [address]
        and (not defects or _plain_mailbox(values[0]) == address)
    )
    if not verified:
        notes.append("sender not verified: several addresses or defects in the From header")
    return address, name, verified


def automatic_reason(message: email.message.Message, from_address: str) -> str:
    """Why this mail was sent by a machine (so we must neither open a case nor answer)."""
    auto = _first_header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"[:100]
    precedence = _first_header(message, "Precedence").strip().lower()
    if precedence in BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Auto-Response-Suppress", "X-Autoreply", "X-Autorespond", "List-Id"):
        if _first_header(message, name).strip():
            return f"{name} header"
    if _raw_headers(message, "List-Unsubscribe"):
        return "List-Unsubscribe header"
    return_path = _first_header(message, "Return-Path").strip()
    if return_path and return_path.strip("<> \t") == "":
        return "null sender (Return-Path: <>)"
    if from_address.partition("@")[0] in ROBOT_LOCALPARTS:
        return f"bounce from {from_address.partition('@')[0]}"
    if message.get_content_type() == "multipart/report":
        return "delivery status report (multipart/report)"
    return ""


@dataclass
class _Walk:
    plain: list[str]
    html: list[str]
    files: list[IncomingFile]
    notes: list[str]


def _filename(part: email.message.Message, notes: list[str], index: int) -> str:
    name = part.get_filename() or part.get_param("name") or ""
    if isinstance(name, tuple):  # RFC 2231 (charset, language, value) left undecoded
        name = email.utils.collapse_rfc2231_value(name)
    name = decode_header_text(_header_str(name), notes).replace("/", "_").replace("\\", "_")
    if not name:
        ext = mimetypes.guess_extension(part.get_content_type()) or ".bin"
        kind = "inline" if part.get("Content-ID") else "attachment"
        name = f"{kind}-{index}{ext}"
    return name[:200]


def _walk(part: email.message.Message, out: _Walk) -> None:
    ctype = part.get_content_type()
    disposition = (part.get_content_disposition() or "").lower()
    if ctype == "message/rfc822" or (part.is_multipart() and ctype.startswith("message/")):
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, email.message.Message):
            sub = _Walk([], [], out.files, out.notes)
            _walk(inner, sub)
            subject = decode_header_text(_first_header(inner, "Subject"), out.notes)
            sender = decode_header_text(_first_header(inner, "From"), out.notes)
            text = "\n".join(sub.plain) or "\n".join(sub.html)
            out.plain.append(
                f"---------- Forwarded message ----------\nFrom: {sender}\n"
                f"Subject: {subject}\n\n{text}"
            )
        return
    if part.get_content_maintype() == "multipart" and not part.is_multipart():
        # Boundary not found: the parser left the whole body as one string. Keep it as text.
        payload = part.get_payload(decode=True) or b""
        out.plain.append(decode_bytes(payload, part.get_content_charset(), out.notes).strip())
        return
    if part.is_multipart():
        children = part.get_payload()
        if not isinstance(children, list):
            return
        for child in children:
            if isinstance(child, email.message.Message):
                _walk(child, out)
        return
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = b""
    is_text = ctype in ("text/plain", "text/html")
    named_inline = disposition == "inline" and part.get_filename()
    if disposition == "attachment" or not is_text or named_inline:
        if payload:
            out.files.append(
                IncomingFile(name=_filename(part, out.notes, len(out.files) + 1), content=payload)
            )
        return
    text = decode_bytes(payload, part.get_content_charset(), out.notes)
    if ctype == "text/html":
        out.html.append(clean_text(get_text(text)).strip())
    else:
        out.plain.append(text.strip())


def parse_email(raw: bytes) -> ParsedEmail:
    """Read one raw message. Raises EmailParseError when there is no header section at all."""
    if not raw or not raw.strip():
        raise EmailParseError("empty message")
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if not message.keys():
        raise EmailParseError("no header section")
    notes: list[str] = []
    from_address, from_name, from_verified = _sender(message, notes)
    walk = _Walk([], [], [], notes)
    _walk(message, walk)
    body = "\n\n".join(t for t in walk.plain if t) or "\n\n".join(t for t in walk.html if t)
    body = body.replace("\r\n", "\n")
    if message.defects:
        names = sorted({type(d).__name__ for d in message.defects})
        notes.append("MIME defects: " + ", ".join(names))
    recipients = []
    for name in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"):
        for value in _raw_headers(message, name):
            recipients.extend(addr for _n, addr in email.utils.getaddresses([value]) if addr)
    return ParsedEmail(
        message_id=normalise_message_id(_first_header(message, "Message-ID")),
        from_address=from_address,
        from_name=from_name[:100],
        from_verified=from_verified,
        subject=decode_header_text(_first_header(message, "Subject"), notes)[:MAX_HEADER_TEXT],
        body=body,
        in_reply_to=message_ids(_first_header(message, "In-Reply-To")),
        references=message_ids(" ".join(_raw_headers(message, "References"))),
        recipients=tuple(dict.fromkeys(recipients)),
        attachments=tuple(walk.files),
        content_language=_first_header(message, "Content-Language").strip()[:20],
        automatic=automatic_reason(message, from_address),
        notes=tuple(dict.fromkeys(notes)),
        authentication_results=tuple(_raw_headers(message, "Authentication-Results")),
    )
