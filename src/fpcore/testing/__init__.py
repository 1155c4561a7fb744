"""Test support for code built on fpcore: hypothesis strategies (extra ``testing``).

Install with ``pip install "fpcore[testing]"``. The core of fpcore never imports
hypothesis; only this package does.

Example:
    >>> from fpcore.testing import strategies
    >>> "households" in strategies.__all__
    True
"""

try:
    import hypothesis  # noqa: F401  (fail early, with the fix, when the extra is missing)
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError('fpcore.testing needs hypothesis: pip install "fpcore[testing]"') from error

from fpcore.testing import strategies

__all__ = ["strategies"]
