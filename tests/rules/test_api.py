"""The public surface of fpcore.rules: sorted __all__, light import."""

from __future__ import annotations

import subprocess
import sys

import fpcore.rules


def test_all_is_sorted_and_resolves() -> None:
    assert fpcore.rules.__all__ == sorted(fpcore.rules.__all__)
    for name in fpcore.rules.__all__:
        assert getattr(fpcore.rules, name) is not None


def test_import_does_not_load_polars_nor_the_model() -> None:
    code = (
        "import sys, fpcore.rules; "
        "print('polars' in sys.modules, 'fpcore.model' in sys.modules, "
        "'fpcore.policies' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False", "False"]
