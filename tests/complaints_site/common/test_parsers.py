"""The JSON depth measure behind every API body: exact on valid JSON, safe on anything."""

import json
import time

import pytest

from complaints_site.common.parsers import JsonTooDeepError, json_depth_exceeds, json_loads_bounded


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [1, 2, 31, 32])
def test_up_to_the_limit_is_accepted(depth):
    assert not json_depth_exceeds(nested(depth), 32)
    assert json_loads_bounded(nested(depth), max_depth=32) == json.loads(nested(depth))


@pytest.mark.parametrize("text", [nested(33), '{"a":' * 33 + "1" + "}" * 33, nested(100_000)])
def test_past_the_limit_is_refused_before_parsing(text):
    assert json_depth_exceeds(text, 32)
    with pytest.raises(JsonTooDeepError):
        json_loads_bounded(text, max_depth=32)


def test_unterminated_nesting_is_measured_too():
    # The decoder would recurse 100,000 times before finding the missing brackets.
    assert json_depth_exceeds("[" * 100_000, 32)


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"description": "[" * 5000 + '\\"{' * 100, "list": [[1], [2]]})
    assert not json_depth_exceeds(text, 3)
    assert json_loads_bounded(text, max_depth=3)["list"] == [[1], [2]]


def test_many_shallow_brackets_are_fine():
    text = json.dumps([[i] for i in range(10_000)])
    assert not json_depth_exceeds(text, 2)
    assert json_depth_exceeds(text, 1)


def test_the_measure_is_linear_on_hostile_strings():
    # Escaped quotes with no closing quote: a naive string pattern rescans from every quote.
    hostile = "[" * 40 + '"' + '\\"' * 500_000
    started = time.perf_counter()
    json_depth_exceeds(hostile, 32)
    assert time.perf_counter() - started < 1.0
