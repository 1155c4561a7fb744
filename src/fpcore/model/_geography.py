"""The county's geography: county -> townships (乡镇) -> administrative villages (行政村)."""

from __future__ import annotations

import attrs

from fpcore.errors import UnknownName, shown
from fpcore.model._checks import Collector, to_tuple


def _check_code(check: Collector, path: str, code: object, digits: int, parent: str) -> None:
    if not check.text(path, code):
        return
    assert isinstance(code, str)
    if not (code.isascii() and code.isdigit() and len(code) == digits):
        check.add(path, f"{shown(code)} is not a {digits}-digit code")
    elif not code.startswith(parent):
        check.add(path, f"{shown(code)} does not start with its parent's code {parent}")


@attrs.frozen(kw_only=True)
class Village:
    """An administrative village (行政村) with its 12-digit code."""

    code: str
    name: str


@attrs.frozen(kw_only=True)
class Township:
    """A township or town (乡镇) with its 9-digit code and its villages."""

    code: str
    name: str
    villages: tuple[Village, ...] = attrs.field(default=(), converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        check = Collector()
        _check_code(check, "code", self.code, 9, "")
        check.text("name", self.name)
        if check.items("villages", self.villages, Village):
            seen: set[str] = set()
            for index, village in enumerate(self.villages):
                _check_code(check, f"villages[{index}].code", village.code, 12, str(self.code))
                check.text(f"villages[{index}].name", village.name)
                if village.code in seen:
                    check.add(f"villages[{index}].code", f"{village.code} is listed twice")
                seen.add(village.code)
        check.raise_if_any()


@attrs.frozen(kw_only=True)
class County:
    """A county (县) with its 6-digit code, its townships and their villages.

    Example:
        >>> from fpcore.model import sample_county
        >>> county = sample_county()
        >>> county.township_of("371121100201").name
        '洪凝镇'
    """

    code: str
    name: str
    townships: tuple[Township, ...] = attrs.field(default=(), converter=to_tuple)
    _village_index: dict[str, tuple[Township, Village]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        check = Collector()
        _check_code(check, "code", self.code, 6, "")
        check.text("name", self.name)
        index: dict[str, tuple[Township, Village]] = {}
        if check.items("townships", self.townships, Township):
            seen: set[str] = set()
            for t_index, township in enumerate(self.townships):
                if not township.code.startswith(str(self.code)):
                    check.add(
                        f"townships[{t_index}].code",
                        f"{township.code!r} does not start with the county code {self.code}",
                    )
                if township.code in seen:
                    check.add(f"townships[{t_index}].code", f"{township.code} is listed twice")
                seen.add(township.code)
                for village in township.villages:
                    index[village.code] = (township, village)
        check.raise_if_any()
        object.__setattr__(self, "_village_index", index)

    @property
    def village_count(self) -> int:
        """How many administrative villages the county has."""
        return len(self._village_index)

    def village(self, code: str) -> Village:
        """The village with this code.

        Raises:
            UnknownName: no village of the county has this code.
        """
        return self._locate(code)[1]

    def township_of(self, village_code: str) -> Township:
        """The township a village belongs to.

        Raises:
            UnknownName: no village of the county has this code.
        """
        return self._locate(village_code)[0]

    def _locate(self, code: str) -> tuple[Township, Village]:
        try:
            return self._village_index[code]
        except KeyError:
            raise UnknownName("village", code) from None
