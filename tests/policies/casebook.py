"""The project's worked legal cases (``tests/policy_cases/*.yaml``).

The format, the compact household form, the loader and the runner are public in
:mod:`fpcore.testing.cases`; this module only says where the project keeps its cases.
"""

from __future__ import annotations

from pathlib import Path

from fpcore.testing import cases
from fpcore.testing.cases import Case, build_household

__all__ = ["CASES_DIR", "Case", "build_household", "load_cases"]

CASES_DIR = Path(__file__).resolve().parents[1] / "policy_cases"


def load_cases() -> list[Case]:
    """Every case of every file in ``tests/policy_cases``, in file order."""
    return cases.load_cases(*sorted(CASES_DIR.glob("*.yaml")))
