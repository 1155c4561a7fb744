"""The fpcore error tree.

Every error fpcore raises is an :class:`FpcoreError` and also subclasses the builtin
that callers already catch, so ``except ValueError`` keeps working. Errors carry their
data as attributes and say what was wrong and what was expected.

Example:
    >>> from fpcore.errors import InvalidInput, Problem
    >>> err = InvalidInput([Problem("children[1].birth_date", "2019-02-30 is not a date")])
    >>> print(err)
    1 problem in the input:
      children[1].birth_date: 2019-02-30 is not a date
    >>> isinstance(err, ValueError)
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "ConflictingOutcomes",
    "EmptyOutcome",
    "FpcoreError",
    "InvalidInput",
    "InvalidTransition",
    "ParameterNotInForce",
    "Problem",
    "TraceNotKept",
    "UnknownName",
    "described",
    "shown",
]

SHOWN_CHARS = 80
"""Values quoted in error messages are cut to about this many characters."""

_MAX_MESSAGE_CHARS = 400
_MAX_PATH_CHARS = 200

# resident IDs as whole tokens: 6-digit region, birth date, sequence and check character
# (18 characters), or the old 15-digit form with a 2-digit year
_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_RESIDENT_ID = re.compile(
    r"(?<![0-9A-Za-z])([1-9][0-9]{5})"
    rf"((?:18|19|20)[0-9]{{2}}{_DAY}(?=[0-9]{{3}}[0-9Xx])|[0-9]{{2}}{_DAY}(?=[0-9]{{3}}(?![0-9])))"
    r"([0-9]{3}[0-9Xx]|[0-9]{3})(?![0-9A-Za-z])"
)


def _mask_ids(text: str) -> str:
    return _RESIDENT_ID.sub(lambda m: m[1] + "*" * len(m[2]) + m[3], text)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    tail = f"…({len(text)} characters)"
    return text[: max(limit - len(tail), 1)] + tail


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value as error messages quote it: its ``repr``, cut, resident IDs masked.

    Every message fpcore writes about bad input quotes values through this, so an
    error never echoes megabytes of input nor a resident ID in full.

    Example:
        >>> shown("x" * 500, limit=30)
        "'xxxxxxxxxxxx…(502 characters)"
        >>> shown(371121197005011248)
        '371121********1248'
    """
    try:
        text = repr(value)
    except Exception:  # a value whose repr fails is still described
        text = f"<{type(value).__name__}>"
    return _cut(_mask_ids(text), limit)


def described(value: object) -> str:
    """A JSON value as error messages name what was found instead of what was expected:
    ``null``, ``true``, ``text '...'``, ``an object``, ``a list`` or ``the number ...``
    (quoted through :func:`shown`, so a resident ID sent as a number is masked).

    Example:
        >>> described(None), described([1]), described(371121197005011248)
        ('null', 'a list', 'the number 371121********1248')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"text {shown(value, 42)}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"the number {shown(value, 42)}"


class FpcoreError(Exception):
    """Base of every error fpcore raises on purpose."""


class Problem:
    """One thing wrong with an input: where (a JSON-style path) and why.

    ``path`` is empty for a problem with the whole document. Immutable; equal when
    path and message are. (A plain class, not attrs: errors are imported by the
    lightest modules, and this keeps ``import fpcore.money`` free of attrs.)
    """

    __slots__ = ("message", "path")
    path: str
    message: str

    def __init__(self, path: str, message: str) -> None:
        # a net under every message: no resident ID in full, no megabytes of input
        object.__setattr__(self, "path", _cut(_mask_ids(path), _MAX_PATH_CHARS))
        object.__setattr__(self, "message", _cut(_mask_ids(message), _MAX_MESSAGE_CHARS))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Problem is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.path, self.message) == (other.path, other.message)

    def __hash__(self) -> int:
        return hash((self.path, self.message))

    def __repr__(self) -> str:
        return f"Problem(path={self.path!r}, message={self.message!r})"

    def __reduce__(self) -> tuple[type[Problem], tuple[str, str]]:
        return (Problem, (self.path, self.message))

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def under(self, prefix: str) -> Problem:
        """The same problem seen from a containing object whose field is ``prefix``.

        >>> Problem("birth_date", "not a date").under("children[1]").path
        'children[1].birth_date'
        >>> Problem("[0]", "bad").under("parents").path
        'parents[0]'
        """
        if not prefix:
            return self
        if not self.path:
            return Problem(prefix, self.message)
        joiner = "" if self.path.startswith("[") else "."
        return Problem(f"{prefix}{joiner}{self.path}", self.message)


class InvalidInput(FpcoreError, ValueError):
    """The input is not acceptable; ``problems`` lists every bad field, not just the first.

    Raised by constructors of domain objects, by the JSON readers and by parsers of
    periods and money. Nothing half-built is returned when it is raised.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem] | str, *, path: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(path, problems)]
        self.problems = tuple(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1:
            head = "1 problem in the input:"
        else:
            head = f"{len(self.problems)} problems in the input:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])

    def under(self, prefix: str) -> InvalidInput:
        """The same error with every path prefixed by ``prefix``."""
        return InvalidInput([p.under(prefix) for p in self.problems])

    def __reduce__(self) -> tuple[type[InvalidInput], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))


class UnknownName(FpcoreError, KeyError):
    """A name (policy, parameter, rule, setting, township) that is not known.

    Carries ``kind``, ``name`` and the ``known`` names so the message can suggest them.
    """

    def __init__(self, kind: str, name: str, known: Iterable[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(sorted(known))
        hint = f"; known: {', '.join(self.known)}" if self.known else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")

    def __str__(self) -> str:  # KeyError quotes its argument; we want the sentence
        return str(self.args[0])


class TraceNotKept(FpcoreError, LookupError):
    """A question about a decision's condition-by-condition trace, which was not kept.

    Evaluate with ``explain=True`` to keep it; every decision still carries its compact
    reasons (the spans of each benefit, with the failed condition codes).
    """


class ParameterNotInForce(FpcoreError, LookupError):
    """A parameter was looked up on a date on which none of its values is in force."""

    def __init__(self, parameter: str, on: object, detail: str = "") -> None:
        self.parameter = parameter
        self.on = on
        extra = f" ({detail})" if detail else ""
        super().__init__(f"parameter {parameter!r} has no value in force on {on}{extra}")


class ConflictingOutcomes(FpcoreError, RuntimeError):
    """Two exceptions of a rule fired at the same priority with different outcomes."""


class EmptyOutcome(FpcoreError, RuntimeError):
    """A rule that must decide produced no outcome (no default and no exception applied)."""


class InvalidTransition(FpcoreError, ValueError):
    """A workflow step that is not allowed from the current state; nothing was changed."""
