"""The nesting check of ``parse_json`` agrees with a plain character scan."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from fpcore._json import _nesting_depth

_TEXT = st.text(alphabet=st.sampled_from('ab"\\[]{}\n'), max_size=8)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=20,
)


def _reference(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


@settings(max_examples=150, deadline=None)
@given(_JSON, st.booleans())
def test_depth_of_valid_json_matches_a_character_scan(value: object, indent: bool) -> None:
    text = json.dumps(value, indent=2 if indent else None, ensure_ascii=False)
    assert _nesting_depth(text) == _reference(text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from('a"\\[]{}'), max_size=30))
def test_any_text_is_at_least_as_deep_as_a_character_scan_says(text: str) -> None:
    # an unterminated string's brackets are counted: never deeper than the truth hides
    assert _nesting_depth(text) >= _reference(text)
