"""The public surface of fpcore.workflows."""

from __future__ import annotations

import fpcore.workflows as workflows


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions
    if name.isupper():
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


def test_public_names_are_sorted_exist_and_are_documented() -> None:
    assert workflows.__all__ == sorted(workflows.__all__, key=_isort_key)
    for name in workflows.__all__:
        value = getattr(workflows, name)
        if callable(value):
            assert value.__doc__, f"{name} has no docstring"
