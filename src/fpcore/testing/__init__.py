"""Test support for code built on fpcore (extra ``testing``).

- :mod:`fpcore.testing.strategies`: hypothesis strategies for fpcore's values and
  coherent households.
- :mod:`fpcore.testing.cases`: policy test cases as data (YAML worked cases), a loader,
  a runner with readable diffs (``fpcore test``) and a pytest plugin.

Install with ``pip install "fpcore[testing]"`` (hypothesis and PyYAML). The core of
fpcore never imports either; each submodule is loaded when first used, and says which
extra it needs when it is missing.

Example:
    >>> from fpcore.testing import strategies
    >>> "households" in strategies.__all__
    True
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

__all__ = ["cases", "strategies"]


def __getattr__(name: str) -> ModuleType:
    if name in __all__:
        return import_module(f"fpcore.testing.{name}")
    raise AttributeError(f"module 'fpcore.testing' has no attribute {name!r}")
