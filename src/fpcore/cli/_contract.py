"""The command line's contract, in one place: where output goes, how errors look, exit codes.

- Results go to stdout, and only results; progress, notes and errors go to stderr.
- Exit codes: 0 ok; 1 invalid input or a refused request (an fpcore error, a missing
  extra); 2 usage (an unknown command or option, a bad option value).
- With ``--json`` anywhere on the command line, errors are JSON too, on stderr:
  ``{"error": KIND, "message": TEXT, "problems": [{"path": ..., "message": ...}]}``
  (usage errors name the option as the path).
- ``-`` in place of a file reads stdin.
- No fpcore error becomes a traceback: :class:`FpcoreGroup` turns them into the above.

This module imports only the standard library, typer and :mod:`fpcore.errors`, so every
command can use it without paying for the parts it does not need.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from fpcore.errors import FpcoreError, InvalidInput, ParameterNotInForce, Problem, UnknownName

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2

STDIN = "-"

# the import name of a third-party module -> the extra that installs it
_EXTRAS = {
    "typer": "cli",
    "rich": "cli",
    "click": "cli",
    "polars": "batch",
    "numpy": "batch",
    "pyarrow": "analysis",
    "pandas": "analysis",
    "xlsxwriter": "analysis",
    "matplotlib": "analysis",
    "yaml": "testing",
    "hypothesis": "testing",
    "starlette": "server",
    "uvicorn": "server",
    "openpyxl": "registers",
    "dask": "distributed",
    "distributed": "distributed",
}


def install_hint(module: str | None) -> str | None:
    """The exact install command for a missing third-party module, or None if no extra has it.

    Example:
        >>> install_hint("polars")
        'this needs the batch extra (polars is missing): pip install "fpcore[batch]"'
        >>> install_hint("polars.dataframe"), install_hint("nowhere")
        ('this needs the batch extra (polars is missing): pip install "fpcore[batch]"', None)
    """
    top = (module or "").split(".")[0]
    extra = _EXTRAS.get(top)
    if extra is None:
        return None
    return f'this needs the {extra} extra ({top} is missing): pip install "fpcore[{extra}]"'


def suggest(name: str, known: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the closest known name (any case), or ``""``.

    Example:
        >>> suggest("County", ["county", "national", "shandong"])
        "; did you mean 'county'?"
        >>> suggest("zzz", ["county"])
        ''
    """
    names = list(known)
    by_fold = {n.casefold(): n for n in names}
    if name.casefold() in by_fold:
        return f"; did you mean {by_fold[name.casefold()]!r}?"
    starting = [n for n in names if name and n.casefold().startswith(name.casefold())]
    close = starting[:1] or difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def unknown(kind: str, name: str, known: Sequence[str]) -> typer.BadParameter:
    """A usage error for a name that is not known: the suggestion and the known names."""
    return typer.BadParameter(
        f"unknown {kind} {name!r}{suggest(name, known)} (known: {', '.join(known)})"
    )


def read_input(path: Path | str) -> bytes:
    """The bytes of a file, or of stdin for ``-``, through fpcore's guarded reading: a
    file larger than a document may be, a directory, a device or a FIFO is refused
    before anything is read.

    Raises:
        InvalidInput: the file cannot be read; the message names it and says why.
    """
    from fpcore._json import read_limited

    if str(path) == STDIN:
        return read_limited(sys.stdin.buffer)
    return read_limited(Path(path))


def input_name(path: Path | str) -> str:
    """How messages name an input: the path, or ``<stdin>``."""
    return "<stdin>" if str(path) == STDIN else str(path)


def _kind(error: BaseException) -> str:
    if isinstance(error, InvalidInput):
        return "invalid_input"
    if isinstance(error, UnknownName):
        return "unknown_name"
    if isinstance(error, ParameterNotInForce):
        return "not_in_force"
    return type(error).__name__


def error_document(kind: str, message: str, problems: Iterable[Problem] = ()) -> dict[str, Any]:
    """The JSON form of an error (what ``--json`` prints on stderr).

    Example:
        >>> error_document("invalid_input", "1 problem", [Problem("a.b", "bad")])
        {'error': 'invalid_input', 'message': '1 problem', 'problems': [{'path': 'a.b', 'message': 'bad'}]}
    """  # noqa: E501
    return {
        "error": kind,
        "message": message,
        "problems": [{"path": p.path, "message": p.message} for p in problems],
    }


def emit_error(
    message: str, *, kind: str, problems: Sequence[Problem] = (), as_json: bool = False
) -> None:
    """Write an error to stderr: a JSON document, or ``error: message`` (then the problems)."""
    if as_json:
        print(
            json.dumps(error_document(kind, message, problems), ensure_ascii=False), file=sys.stderr
        )
        return
    if problems and message.endswith(":"):  # InvalidInput's own text lists the problems
        print(f"error: {message}", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    else:
        print(f"error: {message}", file=sys.stderr)


def note(message: str) -> None:
    """A note for the person at the terminal (stderr; never part of the result)."""
    print(f"note: {message}", file=sys.stderr)


def refuse(error: FpcoreError | str, *, as_json: bool = False) -> NoReturn:
    """Report an fpcore error (or a sentence) on stderr and exit 1."""
    if isinstance(error, str):
        emit_error(error, kind="refused", as_json=as_json)
    elif isinstance(error, InvalidInput):
        only = error.problems[0] if len(error.problems) == 1 else None
        head = only.message if only and not only.path else str(error).splitlines()[0]
        emit_error(head, kind="invalid_input", problems=error.problems, as_json=as_json)
    else:
        emit_error(str(error), kind=_kind(error), as_json=as_json)
    raise typer.Exit(EXIT_REFUSED)


def _wants_json(args: Iterable[str]) -> bool:
    return "--json" in args


class FpcoreGroup(TyperGroup):
    """The ``fpcore`` command group: every command runs under the contract.

    fpcore errors become ``error: ...`` on stderr and exit 1; a missing extra becomes
    the exact install command and exit 1; usage errors exit 2 and, with ``--json``,
    are JSON. Nothing else is caught: a bug still shows its traceback.
    """

    def invoke(self, ctx: Any) -> Any:
        as_json = _wants_json([*getattr(ctx, "_protected_args", ()), *ctx.args])
        try:
            return super().invoke(ctx)
        except FpcoreError as error:
            refuse(error, as_json=as_json)
        except ModuleNotFoundError as error:
            hint = install_hint(error.name)
            if hint is None:
                raise
            emit_error(hint, kind="missing_extra", as_json=as_json)
            raise typer.Exit(EXIT_REFUSED) from None
        except Exception as error:
            # usage errors (click's UsageError and BadParameter: exit code 2), duck-typed
            # so that this works with typer's vendored click and with click itself
            if not (getattr(error, "exit_code", None) == EXIT_USAGE and as_json):
                raise
            option = _option_name(error)
            message = error.format_message()  # type: ignore[attr-defined]
            problems = [Problem(option, message)] if option else []
            emit_error(message, kind="usage", problems=problems, as_json=True)
            raise typer.Exit(EXIT_USAGE) from None


def _option_name(error: Exception) -> str:
    param = getattr(error, "param", None)
    opts = getattr(param, "opts", None)
    if opts:
        return str(max(opts, key=len))
    return str(getattr(param, "name", "") or "")
