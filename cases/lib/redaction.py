"""Secrets that must never sit in a case file, found and redacted before anything is stored.

Users in distress paste what a scammer asked them for: the wallet's recovery phrase (BIP-39),
a private key, the one-time 2FA code, a full card number. We keep none of them: each is
replaced by a marker naming only its kind, and the kinds are recorded so the user can be told
never to share such things. Transaction hashes and order ids look alike but are evidence, so
a bare 64-hex string is redacted only when the text around it calls it a key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

SEED_PHRASE = "seed_phrase"
PRIVATE_KEY = "private_key"
ONE_TIME_CODE = "one_time_code"
CARD_NUMBER = "card_number"

LABELS = {
    SEED_PHRASE: _("recovery (seed) phrase"),
    PRIVATE_KEY: _("private key"),
    ONE_TIME_CODE: _("one-time 2FA code"),
    CARD_NUMBER: _("card number"),
}

# BIP-39 phrases have 12 to 24 words; fewer than 12 list words in a row is ordinary English.
MIN_SEED_WORDS = 12


@dataclass(frozen=True)
class Redacted:
    text: str
    kinds: tuple[str, ...]


@cache
def _wordlists() -> tuple[frozenset[str], frozenset[str]]:
    # Loaded on first use: only processes that redact pay for the word lists.
    from mnemonic import Mnemonic

    english = frozenset(Mnemonic("english").wordlist)
    chinese = frozenset(Mnemonic("chinese_simplified").wordlist) | frozenset(
        Mnemonic("chinese_traditional").wordlist
    )
    return english, chinese


_LATIN_WORD = re.compile(r"[A-Za-z]+")
# Between two words of a phrase: spaces, commas, numbering ("1." "2)"), line breaks.
_PHRASE_GAP = re.compile(r"^[\s,;:.\-)(\d]*$")
_CJK_TOKEN = re.compile(r"[\u4e00-\u9fff]")

_PEM_KEY = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S
)
_EXTENDED_KEY = re.compile(r"\b[xyzt]prv[1-9A-HJ-NP-Za-km-z]{100,112}\b")
_WIF_KEY = re.compile(r"\b[5KLc][1-9A-HJ-NP-Za-km-z]{50,51}\b")
_HEX_64 = re.compile(r"\b(?:0x)?[0-9a-fA-F]{64}\b")
_KEY_CONTEXT = re.compile(r"(private|priv|secret)[\s_-]*key|私钥|密钥", re.I)
_CODE = re.compile(r"(?<![\d.,])\d{6,8}(?![\d.,])")
_CODE_CONTEXT = re.compile(
    r"2fa|otp|one[- ]time|authenticator|verification code|auth code|sms code|google code|"
    r"\bcode\b|验证码|动态码|谷歌验证",
    re.I,
)
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _looks_like_card(raw: str) -> bool:
    digits = re.sub(r"\D", "", raw)
    if not 13 <= len(digits) <= 19 or not _luhn_ok(digits):
        return False
    grouped = bool(re.search(r"[ -]", raw))
    # Contiguous digits are often order ids: only the card networks' own lengths and prefixes.
    return grouped or (len(digits) in (15, 16) and digits[0] in "3456")


def _seed_spans(text: str) -> list[tuple[int, int]]:
    english, chinese = _wordlists()
    spans: list[tuple[int, int]] = []
    run: list[re.Match] = []

    def flush() -> None:
        if len(run) >= MIN_SEED_WORDS:
            spans.append((run[0].start(), run[-1].end()))
        run.clear()

    for match in _LATIN_WORD.finditer(text):
        word = match.group().lower()
        if word in english and (not run or _PHRASE_GAP.match(text[run[-1].end() : match.start()])):
            run.append(match)
        else:
            flush()
            if word in english:
                run.append(match)
    flush()
    # Chinese phrases: single characters from the list, separated by spaces or commas (plain
    # Chinese prose has no separators, so it is never mistaken for a phrase).
    for match in _CJK_TOKEN.finditer(text):
        if match.group() in chinese and (
            not run
            or (
                _PHRASE_GAP.match(text[run[-1].end() : match.start()])
                and match.start() > run[-1].end()
            )
        ):
            run.append(match)
        else:
            flush()
            if match.group() in chinese:
                run.append(match)
    flush()
    return spans


def redact_secrets(text: str) -> Redacted:
    """Replace every secret in `text` with ``[redacted: <kind>]``; report the kinds found."""
    if not text:
        return Redacted(text=text or "", kinds=())
    found: list[tuple[int, int, str]] = [(a, b, SEED_PHRASE) for a, b in _seed_spans(text)]
    for pattern in (_PEM_KEY, _EXTENDED_KEY, _WIF_KEY):
        found += [(m.start(), m.end(), PRIVATE_KEY) for m in pattern.finditer(text)]
    for m in _HEX_64.finditer(text):
        if _KEY_CONTEXT.search(text[max(0, m.start() - 60) : m.start()]):
            found.append((m.start(), m.end(), PRIVATE_KEY))
    for m in _CARD.finditer(text):
        if _looks_like_card(m.group()):
            found.append((m.start(), m.end(), CARD_NUMBER))
    for m in _CODE.finditer(text):
        window = text[max(0, m.start() - 40) : m.end() + 20]
        if _CODE_CONTEXT.search(window):
            found.append((m.start(), m.end(), ONE_TIME_CODE))
    if not found:
        return Redacted(text=text, kinds=())
    # Longest first, then drop spans inside an already chosen one.
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in found:
        if chosen and start < chosen[-1][1]:
            continue
        chosen.append((start, end, kind))
    out, pos = [], 0
    for start, end, kind in chosen:
        out.append(text[pos:start])
        out.append(f"[redacted: {kind.replace('_', ' ')}]")
        pos = end
    out.append(text[pos:])
    kinds = tuple(dict.fromkeys(kind for _, _, kind in chosen))
    return Redacted(text="".join(out), kinds=kinds)
