"""JSON for workflow documents: fpcore's converter plus the rule engine's decisions."""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
from collections.abc import Iterable
from typing import Any

import cattrs

from fpcore.errors import InvalidInput, Problem
from fpcore.rules import Decision, Policy
from fpcore.serialization import from_document, make_converter, parse_json, to_document
from fpcore.workflows._application import Application


def _structure_decision(value: object, _type: type) -> Decision:
    if not isinstance(value, dict):
        raise InvalidInput("expected a decision document (an object)")
    return Decision.from_dict(value)


def workflow_converter() -> cattrs.Converter:
    """A converter for workflow documents: :func:`fpcore.serialization.make_converter`
    with hooks for :class:`~fpcore.rules.Decision` (its own ``to_dict``/``from_dict``).

    Example:
        >>> import pendulum
        >>> from fpcore.workflows import Application, sample_applicant
        >>> app = Application.submit(application_id="TF-1", household=sample_applicant(),
        ...                          benefit="special_assistance", on=pendulum.Date(2008, 3, 3))
        >>> conv = workflow_converter()
        >>> data = conv.unstructure(app)
        >>> data["events"][0]["action"], data["events"][0]["eligibility"]["stamp"]["period"]
        ('submit', '2008-03')
        >>> conv.structure(data, Application) == app
        True
    """
    converter = make_converter()
    # StrEnum members are str, which cattrs passes through untouched; JSON text would
    # be right anyway, but unstructured data should hold plain values.
    converter.register_unstructure_hook(enum.StrEnum, lambda member: member.value)
    converter.register_structure_hook(Decision, _structure_decision)
    converter.register_unstructure_hook(Decision, lambda decision: decision.to_dict())
    return converter


_CONVERTER = workflow_converter()


SIGNATURE_ALGORITHM = "hmac-sha256"
"""How :func:`application_to_json` signs with a key: HMAC-SHA256 (Python's ``hmac``)."""

_MIN_KEY_BYTES = 16


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) < _MIN_KEY_BYTES:
        raise ValueError(f"a signing key is at least {_MIN_KEY_BYTES} random bytes")


def _signature(document: dict[str, Any], key: bytes) -> str:
    """HMAC-SHA256 over the canonical JSON of a document (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def _signed(document: dict[str, Any], key: bytes | None) -> dict[str, Any]:
    if key is None:
        return document
    _check_key(key)
    return {
        **document,
        "signature": {"algorithm": SIGNATURE_ALGORITHM, "value": _signature(document, key)},
    }


def _unsigned(data: Any, key: bytes | None) -> Any:
    """The document without its signature, checked against ``key`` when one is given."""
    if not isinstance(data, dict):
        return data
    body = {k: v for k, v in data.items() if k != "signature"}
    if key is None:
        return body
    _check_key(key)
    signature = data.get("signature")
    expected = {"algorithm": SIGNATURE_ALGORITHM, "value": _signature(body, key)}
    if not isinstance(signature, dict) or set(signature) != {"algorithm", "value"}:
        raise InvalidInput(
            "is missing or malformed (the key requires a signed document)", path="signature"
        )
    value = signature.get("value")
    if signature.get("algorithm") != SIGNATURE_ALGORITHM or not isinstance(value, str):
        raise InvalidInput(f"expected an {SIGNATURE_ALGORITHM} signature", path="signature")
    if not hmac.compare_digest(value.encode("ascii", "replace"), expected["value"].encode()):
        raise InvalidInput(
            "does not match: the document was changed after it was signed, or signed "
            "with another key",
            path="signature",
        )
    return body


def application_to_json(
    application: Application, *, indent: int | None = 2, key: bytes | None = None
) -> str:
    """An application as a JSON document (Chinese kept readable).

    Example:
        >>> import json, pendulum
        >>> from fpcore.workflows import sample_applicant
        >>> app = Application.submit(application_id="TF-1", household=sample_applicant(),
        ...                          benefit="special_assistance", on=pendulum.Date(2008, 3, 3))
        >>> data = json.loads(application_to_json(app))
        >>> data["schema_version"], data["events"][0]["on"], data["household"]["household_id"]
        (2, '2008-03-03', 'HN-0107')
        >>> application_from_json(application_to_json(app)) == app
        True

    With a ``key`` (bytes shared by the offices that exchange applications), the
    document carries an HMAC-SHA256 ``signature``; a reader given the same key refuses
    any change made after signing, even one that is itself a valid trail:

        >>> key = b"county-office-key-0123456789abcdef"
        >>> signed = application_to_json(app, key=key)
        >>> application_from_json(signed, key=key) == app
        True
        >>> application_from_json(signed.replace("TF-1", "TF-2"), key=key)
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          signature: does not match: the document was changed after it was signed, ...
    """
    document = _signed(to_document(application, converter=_CONVERTER), key)
    return json.dumps(document, ensure_ascii=False, indent=indent)


def _application(data: Any, policies: Iterable[Policy], key: bytes | None) -> Application:
    application = from_document(_unsigned(data, key), Application, converter=_CONVERTER)
    application.verify(policies)
    return application


def application_from_json(
    text: str | bytes, *, policies: Iterable[Policy] = (), key: bytes | None = None
) -> Application:
    """Read an application written by :func:`application_to_json`.

    The trail is replayed through the procedure and every attached check is re-derived
    (:meth:`Application.verify`); ``policies`` adds policies beyond the catalogue that
    checks may have been made under. With ``key``, the document must carry a matching
    signature.

    Raises:
        InvalidInput: malformed JSON, a bad field, a trail that breaks the procedure, a
            check that is not what the rules give, or a signature that does not match.
    """
    return _application(parse_json(text), tuple(policies), key)


def dumps_applications(
    applications: Iterable[Application], *, indent: int | None = 2, key: bytes | None = None
) -> str:
    """Several applications as a JSON list of application documents (each signed with
    ``key`` when one is given).

    Example:
        >>> dumps_applications([])
        '[]'
    """
    documents = [_signed(to_document(a, converter=_CONVERTER), key) for a in applications]
    return json.dumps(documents, ensure_ascii=False, indent=indent)


def _is_household(item: object) -> bool:
    """A household document where an application was expected (a common mix-up)."""
    return (
        isinstance(item, dict)
        and "household_id" in item
        and "application_id" not in item
        and "events" not in item
    )


def loads_applications(
    text: str | bytes, *, policies: Iterable[Policy] = (), key: bytes | None = None
) -> list[Application]:
    """Read a JSON list of application documents (or one application document), each
    checked as :func:`application_from_json` does.

    Raises:
        InvalidInput: every problem, with paths such as ``[2].events[3]``.

    Example:
        >>> loads_applications('[{"schema_version": 1, "benefit": "special_assistance"}]')
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 5 problems in the input:
          [0].application_id: is required
          ...
        >>> loads_applications('{"schema_version": 1, "household_id": "HN-0001"}')
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          this is a household, not a list of applications (...)
    """
    data = parse_json(text)
    items = data if isinstance(data, list) else [data]
    if items and all(_is_household(item) for item in items):
        what = "a household" if isinstance(data, dict) else "a list of households"
        raise InvalidInput(
            f"this is {what}, not a list of applications (expected a JSON list of "
            "application documents, each with application_id, benefit and events)"
        )
    chosen = tuple(policies)
    if isinstance(data, dict):
        return [_application(data, chosen, key)]
    if not isinstance(data, list):
        raise InvalidInput("expected a list of application documents")
    found: list[Application] = []
    problems: list[Problem] = []
    for index, item in enumerate(data):
        try:
            found.append(_application(item, chosen, key))
        except InvalidInput as error:
            problems.extend(p.under(f"[{index}]") for p in error.problems)
    if problems:
        raise InvalidInput(problems)
    return found
