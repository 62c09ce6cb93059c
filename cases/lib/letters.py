"""How a letter to the customer writes its dates and its text, shared by every letter (the
final response, the regulators' letters) and by the acknowledgement email that states the
deadline. Pure helpers: no database, nothing but the arguments and the active language.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from django.utils import dateformat

# The last day of a deadline that ends at a local midnight ("due 2026-04-27 23:00 UTC in London"
# is "by 27 April 2026"), shared with the staff screens' clocks in words.
from cases.lib.clock_words import last_day

# Dates in a letter, written the way each language writes them on paper.
DATE_FORMATS = {"zh-hans": "Y年n月j日"}
DEFAULT_DATE_FORMAT = "j F Y"


def letter_date(value: date, locale: str) -> str:
    """A date as the letter writes it, in the letter's language (call it under that language:
    the month names are the active language's)."""
    return dateformat.format(value, DATE_FORMATS.get(locale, DEFAULT_DATE_FORMAT))


def letter_text(text: str) -> str:
    """The rendered template without trailing spaces or runs of blank lines, ending in one
    newline: the stored text (and so its hash) does not depend on template whitespace."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def text_sha256(text: str) -> str:
    """The SHA-256 of the text's UTF-8 bytes, in hex: what the letter tables store."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = [
    "DATE_FORMATS",
    "DEFAULT_DATE_FORMAT",
    "last_day",
    "letter_date",
    "letter_text",
    "text_sha256",
]
