"""Start-up cost: what a fresh process pays to import fpcore, to reach its first decision,
and to answer one ``fpcore`` command.

Two kinds of figure:

- import cost of fpcore's layers from ``python -X importtime`` (the sum of the
  cumulative times of the top-level imports the statement triggers; Python's own
  start-up is not counted);
- wall time of fresh processes (median and best of N) and their CPU time (median; on
  a busy machine the steadier figure): a bare interpreter, the first
  decision of the README's "one household" code (beyond the bare interpreter), and CLI
  calls (``fpcore evaluate``, ``fpcore --help``, ``fpcore validate``). Targets:
  ``fpcore evaluate`` <= 250 ms wall, first decision <= 100 ms beyond a bare interpreter.

Bytecode: an installed wheel ships compiled ``.pyc`` files; an editable install compiles
fpcore's modules on first import and caches them, unless ``PYTHONDONTWRITEBYTECODE`` is
set, in which case every process recompiles them (about 40 ms here). The benchmark
reports both: first without a cache, then with ``src/fpcore`` compiled (as ``pip
install`` of a wheel does), the figure a deployment sees.

Run: ``python benchmarks/bench_import.py [RUNS]``; it prints figures and never fails.
"""

from __future__ import annotations

import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOUSEHOLD = ROOT / "examples" / "household.json"

STATEMENTS = (
    "import fpcore",
    "import fpcore.model",
    "import fpcore.model, fpcore.serialization",
    "import fpcore.policies",
    "import fpcore.cli",
)

FIRST_DECISION = f"""
import fpcore.policies as policies
from fpcore.model import Household
from fpcore.periods import parse_period
from fpcore.serialization import loads
household = loads(open({str(HOUSEHOLD)!r}, "rb").read(), Household)
policies.get("county").evaluate(household, parse_period("2008"))
"""


def cumulative_us(statement: str) -> int:
    """Microseconds spent importing the modules ``statement`` loads."""
    lines = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
        env=_env(),
    ).stderr.splitlines()
    total = 0
    for line in lines:
        if not line.startswith("import time:"):
            continue
        _, cumulative, name = line.split("|")
        if name.startswith(" ") and not name.startswith("  ") and cumulative.strip().isdigit():
            total += int(cumulative)
    return total


def _env(*, bytecode: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def wall_ms(argv: list[str], runs: int, *, bytecode: bool = True) -> tuple[float, float, float]:
    """Median and best wall time, and median CPU time (user + system), in ms, of ``runs``
    fresh processes running ``argv``. On a busy machine the CPU time is the steadier
    figure: for a single-threaded process it is the wall time of an idle machine."""
    times: list[float] = []
    cpu: list[float] = []
    env = _env(bytecode=bytecode)
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # warm
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append((time.perf_counter() - started) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        cpu.append(used * 1000)
    return statistics.median(times), min(times), statistics.median(cpu)


def _fpcore() -> list[str]:
    script = Path(sys.executable).parent / "fpcore"
    return [str(script)] if script.exists() else [sys.executable, "-m", "fpcore.cli"]


def _pycache_dirs() -> list[Path]:
    return list((ROOT / "src" / "fpcore").rglob("__pycache__"))


def _startup(runs: int, *, bytecode: bool) -> None:
    label = "bytecode cached" if bytecode else "no bytecode cache (PYTHONDONTWRITEBYTECODE=1)"
    print(f"fresh processes, {label}, {runs} runs (ms): wall median / wall best / CPU median")
    bare = wall_ms([sys.executable, "-c", "pass"], runs, bytecode=bytecode)
    first = wall_ms([sys.executable, "-c", FIRST_DECISION], runs, bytecode=bytecode)
    print(f"  {'bare interpreter':34s}  {bare[0]:6.1f} / {bare[1]:6.1f} / {bare[2]:6.1f}")
    print(f"  {'first decision':34s}  {first[0]:6.1f} / {first[1]:6.1f} / {first[2]:6.1f}")
    print(
        f"  {'  beyond bare (target <= 100)':34s}  {first[0] - bare[0]:6.1f} / "
        f"{first[1] - bare[1]:6.1f} / {first[2] - bare[2]:6.1f}"
    )
    cli = _fpcore()
    evaluate = [*cli, "evaluate", str(HOUSEHOLD), "--period", "2008"]
    for name, argv in (
        ("fpcore evaluate (target <= 250)", evaluate),
        ("fpcore evaluate --json", [*evaluate, "--json"]),
        ("fpcore validate", [*cli, "validate", str(HOUSEHOLD)]),
        ("fpcore --help", [*cli, "--help"]),
    ):
        median, best, cpu = wall_ms(argv, runs, bytecode=bytecode)
        print(f"  {name:34s}  {median:6.1f} / {best:6.1f} / {cpu:6.1f}")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    had_cache = bool(_pycache_dirs())
    for folder in _pycache_dirs():
        shutil.rmtree(folder, ignore_errors=True)
    _startup(runs, bytecode=False)
    compileall.compile_dir(ROOT / "src" / "fpcore", quiet=1)
    _startup(runs, bytecode=True)
    print("import cost (python -X importtime, median of 9 runs, bytecode cached)")
    for statement in STATEMENTS:
        imports = [cumulative_us(statement) for _ in range(9)]
        print(f"  {statement:45s} {statistics.median(imports) / 1000:6.1f} ms")
    if not had_cache:  # leave the tree as it was
        for folder in _pycache_dirs():
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
