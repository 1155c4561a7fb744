"""Guarded JSON reading, shared by every fpcore reader (households, applications,
decisions, register manifests): the size is checked before reading, then nesting
depth, NaN and Infinity, repeated keys and UTF-8; every refusal is an
:class:`~fpcore.errors.InvalidInput`.

It imports only the standard library and :mod:`fpcore.errors`, so the lowest layers
(the rule engine's decisions) use it as well as the edges.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from fpcore.errors import InvalidInput, shown

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
"""Larger JSON texts are refused before parsing."""

MAX_NESTING = 64
"""Deeper JSON is refused: no fpcore document nests more than a dozen levels."""


def _reject_constant(name: str) -> Any:
    raise InvalidInput(f"{name} is not allowed in fpcore documents (JSON has no such number)")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InvalidInput(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def _nesting_depth(text: str) -> int:
    """Deepest bracket nesting outside strings, found without parsing.

    Strings are cut out and only the brackets visited, both by regular expressions
    (a character loop in Python cost more than the parse itself). An unterminated
    string's brackets are counted: such text is refused either way.
    """
    depth = deepest = 0
    for char in _BRACKET.findall(_JSON_STRING.sub("", text)):
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


def parse_json(text: str | bytes) -> Any:
    """Parse JSON text safely: size and depth limits, no NaN, no repeated keys.

    Numbers with a fraction are read as ``Decimal``, never float.

    Raises:
        InvalidInput: the text is not acceptable JSON; the message says where and why.
    """
    if isinstance(text, bytes):
        if len(text) > MAX_DOCUMENT_BYTES:
            raise InvalidInput(f"the document has {len(text)} bytes (at most {MAX_DOCUMENT_BYTES})")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidInput(f"the document is not UTF-8 text ({error.reason})") from None
    if len(text) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            f"the document has {len(text)} characters (at most {MAX_DOCUMENT_BYTES})"
        )
    if "[" in text or "{" in text:
        depth = _nesting_depth(text)
        if depth > MAX_NESTING:
            raise InvalidInput(f"the document nests {depth} levels deep (at most {MAX_NESTING})")
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_no_duplicate_keys,
        )
    except InvalidInput:
        raise
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except (ValueError, RecursionError) as error:  # e.g. an integer with 5,000 digits
        raise InvalidInput(f"not valid JSON: {error}") from None


def read_limited(source: str | os.PathLike[str] | BinaryIO) -> bytes:
    """The bytes of a regular file (or a binary stream), refusing more than
    :data:`MAX_DOCUMENT_BYTES` before reading them.

    A directory, a device such as ``/dev/zero`` or a FIFO is refused without reading;
    a stream is read to at most one byte past the limit.

    Raises:
        InvalidInput: the file cannot be read, is not a regular file or is too large.

    Example:
        >>> read_limited("/dev/zero")
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          /dev/zero is not a regular file (a directory, device or pipe)
    """
    if not isinstance(source, (str, os.PathLike)):
        data = source.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise InvalidInput(f"the document has more than {MAX_DOCUMENT_BYTES} bytes")
        return data
    path = Path(source)
    name = shown(str(path)).strip("'")
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not hang; checked right after
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise InvalidInput(f"cannot read {name} ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InvalidInput(f"{name} is not a regular file (a directory, device or pipe)")
        if info.st_size > MAX_DOCUMENT_BYTES:
            raise InvalidInput(f"{name} has {info.st_size} bytes (at most {MAX_DOCUMENT_BYTES})")
        if sys.platform != "win32":
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as error:
        raise InvalidInput(f"cannot read {name} ({error.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(f"{name} has more than {MAX_DOCUMENT_BYTES} bytes")
    return data
