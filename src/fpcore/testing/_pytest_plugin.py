"""A pytest plugin that collects worked-case files (see :mod:`fpcore.testing.cases`).

pyproject.toml declares::

    [project.entry-points.pytest11]
    fpcore = "fpcore.testing._pytest_plugin"

so pytest loads it wherever fpcore is installed. It collects the YAML files whose
name (or ``directory/name``) matches the ``fpcore_case_files`` ini option (default
``*.cases.yaml`` and ``*.cases.yml``), one test per case; a case with
``xfail_reason`` is a strict xfail. A failure shows the case's report: expected vs
got, month by month, and why. Importing this module is cheap; PyYAML and the policies
are loaded only when a file is collected.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fpcore.testing.cases import Case

DEFAULT_PATTERNS = ["*.cases.yaml", "*.cases.yml"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "fpcore_case_files",
        type="linelist",
        default=DEFAULT_PATTERNS,
        help="file name patterns of fpcore worked-case files (default: *.cases.yaml)",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    patterns: list[str] = parent.config.getini("fpcore_case_files")
    if file_path.suffix in (".yaml", ".yml") and any(
        _matches(file_path, pattern) for pattern in patterns
    ):
        collected: CaseFile = CaseFile.from_parent(parent, path=file_path)
        return collected
    return None


def _matches(path: Path, pattern: str) -> bool:
    """A name pattern (``*.cases.yaml``) or a pattern with a directory (``policy_cases/*.yaml``).

    >>> _matches(Path("/a/policy_cases/x.yaml"), "policy_cases/*.yaml")
    True
    >>> _matches(Path("/a/x.yaml"), "*.cases.yaml")
    False
    """
    if "/" in pattern:
        return fnmatch(path.as_posix(), f"*/{pattern}")
    return fnmatch(path.name, pattern)


class CaseFailed(Exception):
    """A worked case whose amounts are not the expected ones; carries the report."""


class CaseFile(pytest.File):
    """A YAML file of worked cases."""

    def collect(self) -> Iterator[pytest.Item]:
        from fpcore.testing.cases import parse_cases

        cases = parse_cases(self.path.read_text(encoding="utf-8"), source=str(self.path))
        for case in cases:
            item: CaseItem = CaseItem.from_parent(self, name=f"[{case.index}] {case.name}")
            item.case = case
            if case.xfail_reason:
                item.add_marker(pytest.mark.xfail(reason=case.xfail_reason, strict=True))
            yield item


class CaseItem(pytest.Item):
    """One worked case."""

    case: Case

    def runtest(self) -> None:
        from fpcore.testing.cases import run_case

        result = run_case(self.case)
        if not result.passed:
            raise CaseFailed(result.report())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.case.where}: {self.case.name}"
