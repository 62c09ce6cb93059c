"""JSON request bodies with a nesting limit (400), checked before parsing.

Python's json decoder recurses once per nesting level, so a body of a few hundred kilobytes of
`[[[[…` raised RecursionError, which no handler expected: a 500. The depth is measured on the
raw text first, at C speed (strings removed by one regular expression, then a running sum over
the brackets), and a body nested deeper than API_JSON_MAX_DEPTH is refused before the decoder
sees it. Bodies with fewer opening brackets than the limit skip the measure entirely, so the
intake path pays two `str.count` calls.

The body's size is bounded before this by Django's DATA_UPLOAD_MAX_MEMORY_SIZE (DRF reads a
JSON body through `request.body`); the API's exception handler answers that with 413.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

# A JSON string, escapes included; an unterminated one runs to the end (the decoder refuses it).
# Unrolled so that the scan is linear: `\\.` starts with the one character `[^"\\]` excludes.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JsonTooDeepError(ValueError):
    """The JSON text nests arrays and objects deeper than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON nested deeper than {limit} levels")
        self.limit = limit


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether `text`, read as JSON, opens more than `limit` arrays or objects at once."""
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _BRACKETS.findall(_STRING.sub("", text))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


def json_loads_bounded(text: str | bytes, *, max_depth: int | None = None) -> Any:
    """`json.loads` (DRF's strict flavour: no NaN or Infinity) that refuses deep nesting.

    Raises JsonTooDeepError (a ValueError) past `max_depth` (default API_JSON_MAX_DEPTH), and
    ValueError / UnicodeDecodeError for what json.loads refuses.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    limit = settings.API_JSON_MAX_DEPTH if max_depth is None else max_depth
    if json_depth_exceeds(text, limit):
        raise JsonTooDeepError(limit)
    return json.loads(text)


def too_deep_message(limit: int) -> str:
    return _("The JSON body is nested deeper than %(limit)s levels.") % {"limit": limit}


class BoundedJSONParser(JSONParser):
    """DRF's JSONParser (strict: no NaN or Infinity) with a nesting limit (400)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = get_encoding(parser_context or {})
        raw = stream.read()
        try:
            return json_loads_bounded(raw.decode(encoding))
        except JsonTooDeepError as exc:
            raise ParseError(too_deep_message(exc.limit)) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
