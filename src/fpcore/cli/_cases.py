"""``fpcore test PATH... [--policy ID | --reform FILE]``: run worked-case files (see
fpcore.testing.cases)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from fpcore.cli._app import app
from fpcore.cli._contract import EXIT_REFUSED
from fpcore.cli._options import check_policy


@app.command("test")
def run_tests(
    paths: Annotated[
        list[Path],
        typer.Argument(help="case files (YAML) or directories of them", metavar="PATH"),
    ],
    policy: Annotated[
        str | None,
        typer.Option(
            help="run every case under this policy id instead of its own", callback=check_policy
        ),
    ] = None,
    reform: Annotated[
        Path | None,
        typer.Option(help="run every case under this reform file (YAML, JSON or TOML)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON record per case")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="list passing cases too")] = (
        False
    ),
) -> None:
    """Run worked cases: PASS, or FAIL with expected vs got, the months that differ and why.

    Exit 0 when every case passes (a case with xfail_reason must fail), 1 otherwise.
    """
    from fpcore.policies import get
    from fpcore.rules import Policy
    from fpcore.testing.cases import load_cases, load_reform, run_case

    if policy is not None and reform is not None:
        raise typer.BadParameter("give --policy or --reform, not both", param_hint="'--reform'")
    cases = load_cases(*paths)
    chosen: Policy | None = None
    if policy is not None:
        chosen = get(policy)
    elif reform is not None:
        chosen = load_reform(reform)
    passed = failed = xfailed = 0
    records: list[dict[str, object]] = []
    for case in cases:
        result = run_case(case, chosen)
        expected_to_fail = bool(case.xfail_reason)
        ok = result.passed != expected_to_fail
        if ok and expected_to_fail:
            xfailed += 1
        elif ok:
            passed += 1
        else:
            failed += 1
        if as_json:
            records.append(
                {
                    "case": case.where,
                    "name": case.name,
                    "policy": result.policy_label,
                    "period": case.period,
                    "passed": result.passed,
                    "xfail": expected_to_fail,
                    "ok": ok,
                    "error": result.error,
                    "differences": [
                        {
                            "benefit": d.benefit,
                            "beneficiary": d.role,
                            "period": d.period or case.period,
                            "expected": None if d.expected is None else str(d.expected),
                            "got": str(d.got),
                            "why": list(d.why),
                        }
                        for d in result.differences
                    ],
                }
            )
        elif not ok:
            if expected_to_fail:
                typer.echo(
                    f"XPASS {case.where} {case.name}: expected to fail ({case.xfail_reason})"
                )
            else:
                typer.echo(result.report())
        elif verbose:
            tag = "XFAIL" if expected_to_fail else "PASS"
            typer.echo(f"{tag} {case.where} {case.name}")
    if as_json:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
    summary = f"{passed} passed, {failed} failed" + (f", {xfailed} xfailed" if xfailed else "")
    typer.echo(summary, err=as_json)
    if failed:
        raise typer.Exit(EXIT_REFUSED)
