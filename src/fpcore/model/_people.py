"""Persons and children: who they are, as the household register records them."""

from __future__ import annotations

import attrs
import pendulum

from fpcore.errors import shown
from fpcore.model._checks import Collector, to_date, to_optional_date, to_tuple
from fpcore.model._enums import ChildLink, Hukou, Sex
from fpcore.model._limits import MAX_DISABILITIES, MAX_HUKOU_CHANGES
from fpcore.model._resident_id import (
    encoded_birth_date,
    encoded_sex,
    mask_name,
    mask_resident_id,
    resident_id_problems,
)
from fpcore.periods import age_on

_VILLAGE_CODE_DIGITS = 12
_TOWNSHIP_CODE_DIGITS = 9


def _check_identity(
    check: Collector,
    resident_id: object,
    birth_date: object,
    sex: object,
    *,
    no_id_reason: object = None,
    id_required: bool = True,
) -> None:
    if resident_id is None:
        if id_required and not (isinstance(no_id_reason, str) and no_id_reason.strip()):
            check.add("resident_id", "is missing; give it, or a no_id_reason saying why not")
        return
    if no_id_reason is not None:
        check.add("no_id_reason", "must be empty when a resident_id is given")
    if not isinstance(resident_id, str):
        check.add("resident_id", "is not text")
        return
    problems = resident_id_problems(resident_id)
    for problem in problems:
        check.add("resident_id", f"{mask_resident_id(resident_id)} {problem}")
    if problems:
        return
    encoded = encoded_birth_date(resident_id)
    if isinstance(birth_date, pendulum.Date) and encoded != birth_date:
        check.add(
            "birth_date", f"{birth_date} disagrees with the resident ID, which says {encoded}"
        )
    if isinstance(sex, Sex) and encoded_sex(resident_id) is not sex:
        said = encoded_sex(resident_id).value
        check.add("sex", f"{sex.value} disagrees with the resident ID, which says {said}")


@attrs.frozen(kw_only=True)
class Residence:
    """Where a person lives: township (乡镇) and village (行政村) codes.

    Codes follow the statistical division codes: 9 digits for a township, 12 for a
    village, and a village's code starts with its township's.

    Example:
        >>> Residence(township="371121100", village="371121100201").village
        '371121100201'
    """

    township: str
    village: str

    def __attrs_post_init__(self) -> None:
        check = Collector()
        township_ok = check.text("township", self.township)
        village_ok = check.text("village", self.village)
        if township_ok and not (
            self.township.isascii()
            and self.township.isdigit()
            and len(self.township) == _TOWNSHIP_CODE_DIGITS
        ):
            check.add("township", f"{shown(self.township)} is not a 9-digit township code")
        elif village_ok and not (
            self.village.isascii()
            and self.village.isdigit()
            and len(self.village) == _VILLAGE_CODE_DIGITS
            and self.village.startswith(self.township)
        ):
            check.add(
                "village",
                f"{shown(self.village)} is not a 12-digit village code in township {self.township}",
            )
        check.raise_if_any()


@attrs.frozen(kw_only=True)
class HukouChange:
    """A dated change of a person's hukou class (户口性质变更), e.g. 农转非.

    Example:
        >>> HukouChange(on=pendulum.Date(2010, 6, 1), hukou=Hukou.URBAN, reason="农转非").hukou
        <Hukou.URBAN: 'urban'>
    """

    on: pendulum.Date = attrs.field(converter=to_date)
    hukou: Hukou
    reason: str | None = None

    def __attrs_post_init__(self) -> None:
        check = Collector()
        check.date("on", self.on)
        check.choice("hukou", self.hukou, Hukou)
        check.text("reason", self.reason, optional=True)
        check.raise_if_any()


@attrs.frozen(kw_only=True, repr=False)
class Person:
    """A parent of a family-planning household (计划生育家庭的父母).

    The resident ID must be well formed and agree with the birth date and sex; a person
    without an ID must say why (``no_id_reason``). ``repr`` and ``str`` mask the name and
    ID; the full values stay available as fields.

    ``hukou`` is the class the record starts with; ``hukou_changes`` are the later dated
    changes, in order (:meth:`hukou_on` reads the class in force on a day).

    Example:
        >>> p = Person(
        ...     resident_id="371121197005011248", name="张秀娟", sex=Sex.FEMALE,
        ...     birth_date=pendulum.Date(1970, 5, 1), hukou=Hukou.RURAL,
        ...     residence=Residence(township="371121100", village="371121100201"),
        ... )
        >>> p
        Person(name='张*娟', resident_id='371121********1248', sex='female', born=1970-05-01)
        >>> p.age_on(pendulum.Date(2019, 5, 1))
        49
    """

    name: str
    sex: Sex
    birth_date: pendulum.Date = attrs.field(converter=to_date)
    hukou: Hukou
    residence: Residence
    resident_id: str | None = None
    no_id_reason: str | None = None
    death_date: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)
    hukou_changes: tuple[HukouChange, ...] = attrs.field(default=(), converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        check = Collector()
        check.text("name", self.name)
        check.choice("sex", self.sex, Sex)
        birth_ok = check.date("birth_date", self.birth_date)
        check.choice("hukou", self.hukou, Hukou)
        if (
            check.items("hukou_changes", self.hukou_changes, HukouChange, at_most=MAX_HUKOU_CHANGES)
            and birth_ok
        ):
            self._check_hukou_changes(check)
        if not isinstance(self.residence, Residence):
            check.add("residence", f"expected a Residence, got {type(self.residence).__name__}")
        if check.date("death_date", self.death_date, optional=True) and birth_ok:
            assert self.death_date is not None
            if self.death_date < self.birth_date:
                check.add("death_date", f"{self.death_date} is before the birth date")
        check.text("no_id_reason", self.no_id_reason, optional=True)
        _check_identity(
            check, self.resident_id, self.birth_date, self.sex, no_id_reason=self.no_id_reason
        )
        check.raise_if_any()

    def _check_hukou_changes(self, check: Collector) -> None:
        previous: pendulum.Date | None = None
        for index, change in enumerate(self.hukou_changes):
            path = f"hukou_changes[{index}].on"
            if change.on < self.birth_date:
                check.add(path, f"{change.on} is before the person's birth ({self.birth_date})")
            elif isinstance(self.death_date, pendulum.Date) and change.on > self.death_date:
                check.add(path, f"{change.on} is after the person's death ({self.death_date})")
            elif previous is not None and change.on < previous:
                check.add(path, f"{change.on} is before the change listed above it ({previous})")
            previous = change.on

    def hukou_on(self, day: pendulum.Date) -> Hukou:
        """The hukou class in force on ``day`` (a change counts from its own day).

        Example:
            >>> from fpcore.model import sample_household
            >>> p = sample_household().parents[0]
            >>> p.hukou_on(pendulum.Date(2008, 1, 1))
            <Hukou.RURAL: 'rural'>
        """
        hukou = self.hukou
        for change in self.hukou_changes:
            if change.on > day:
                break
            hukou = change.hukou
        return hukou

    @property
    def is_female(self) -> bool:
        """Whether the person is a woman."""
        return self.sex is Sex.FEMALE

    def alive_on(self, day: pendulum.Date) -> bool:
        """Whether the person is born and not dead on ``day`` (the death day is not alive)."""
        return self.birth_date <= day and (self.death_date is None or day < self.death_date)

    def age_on(self, day: pendulum.Date) -> int:
        """Age in completed years (周岁) on ``day``."""
        return age_on(self.birth_date, day)

    def __repr__(self) -> str:
        shown_id = mask_resident_id(self.resident_id) if self.resident_id else None
        return (
            f"Person(name={mask_name(self.name)!r}, resident_id={shown_id!r}, "
            f"sex={self.sex.value!r}, born={self.birth_date})"
        )

    __str__ = __repr__


@attrs.frozen(kw_only=True)
class Disability:
    """A disability certificate (中华人民共和国残疾人证) with its grade.

    Grade 1 is the most severe; special assistance needs grade 1-3. ``cancelled`` is
    the date the certificate stopped being in force: the child recovered (康复), or the
    certificate was replaced by a reissued one, possibly of another grade.

    Example:
        >>> Disability(grade=5, issued=pendulum.Date(2005, 1, 1))
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          grade: 5 is not a disability grade (expected 1, 2, 3 or 4)
    """

    grade: int
    issued: pendulum.Date = attrs.field(converter=to_date)
    cancelled: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)
    certificate_number: str | None = None

    def __attrs_post_init__(self) -> None:
        check = Collector()
        if isinstance(self.grade, bool) or not isinstance(self.grade, int):
            check.add("grade", f"{shown(self.grade)} is not a whole number")
        elif not 1 <= self.grade <= 4:
            check.add("grade", f"{self.grade} is not a disability grade (expected 1, 2, 3 or 4)")
        issued_ok = check.date("issued", self.issued)
        if check.date("cancelled", self.cancelled, optional=True) and issued_ok:
            assert self.cancelled is not None
            if self.cancelled < self.issued:
                check.add("cancelled", f"{self.cancelled} is before the certificate was issued")
        check.text("certificate_number", self.certificate_number, optional=True)
        check.raise_if_any()

    def in_force_on(self, day: pendulum.Date) -> bool:
        """Whether the certificate is valid on ``day`` (issued, not yet cancelled)."""
        return self.issued <= day and (self.cancelled is None or day < self.cancelled)


@attrs.frozen(kw_only=True, repr=False)
class Child:
    """A child of the household, by birth or by lawful adoption.

    ``within_policy`` records whether the birth met the family-planning rules in force
    when it happened (政策内生育). ``adoption_date`` is required for an adopted child and
    must not precede the birth. ``parents`` links the child to its parents in the
    household (indexes into ``Household.parents``): ``None`` means every parent of the
    household (a common child); ``(0,)`` a child of parent 0 only, e.g. from an earlier
    marriage. ``disabilities`` are the child's disability certificates in order of issue;
    each is cancelled before (or when) the next is issued. An adopted child may bring a
    certificate issued before the adoption, but not one already cancelled by then.

    Example:
        >>> c = Child(name="王小明", sex=Sex.MALE, birth_date=pendulum.Date(1999, 5, 31))
        >>> c
        Child(name='王*明', sex='male', born=1999-05-31, link='birth')
        >>> c.adopted_on  # a child by birth joins the household on its birth
        Date(1999, 5, 31)
    """

    name: str
    sex: Sex
    birth_date: pendulum.Date = attrs.field(converter=to_date)
    link: ChildLink = ChildLink.BIRTH
    adoption_date: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)
    within_policy: bool = True
    resident_id: str | None = None
    death_date: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)
    disabilities: tuple[Disability, ...] = attrs.field(default=(), converter=to_tuple)
    parents: tuple[int, ...] | None = attrs.field(default=None, converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        check = Collector()
        check.text("name", self.name)
        check.choice("sex", self.sex, Sex)
        birth_ok = check.date("birth_date", self.birth_date)
        check.choice("link", self.link, ChildLink)
        if not isinstance(self.within_policy, bool):
            check.add("within_policy", f"{shown(self.within_policy)} is not true or false")
        if check.date("adoption_date", self.adoption_date, optional=True):
            assert self.adoption_date is not None
            if self.link is ChildLink.BIRTH:
                check.add("adoption_date", "is only for an adopted child (link is 'birth')")
            elif birth_ok and self.adoption_date < self.birth_date:
                check.add("adoption_date", f"{self.adoption_date} is before the child's birth")
        elif self.link is ChildLink.ADOPTION and self.adoption_date is None:
            check.add("adoption_date", "is required for an adopted child")
        if check.date("death_date", self.death_date, optional=True) and birth_ok:
            assert self.death_date is not None
            if self.death_date < self.birth_date:
                check.add("death_date", f"{self.death_date} is before the birth date")
            elif isinstance(self.adoption_date, pendulum.Date) and (
                self.death_date < self.adoption_date
            ):
                check.add("death_date", f"{self.death_date} is before the adoption")
        if (
            check.items("disabilities", self.disabilities, Disability, at_most=MAX_DISABILITIES)
            and birth_ok
        ):
            self._check_disabilities(check)
        if self.parents is not None and check.items("parents", self.parents, int):
            if not self.parents:
                check.add("parents", "is empty (give null for every parent of the household)")
            elif len(set(self.parents)) != len(self.parents):
                check.add("parents", f"{list(self.parents)} names a parent twice")
        _check_identity(check, self.resident_id, self.birth_date, self.sex, id_required=False)
        check.raise_if_any()

    def _check_disabilities(self, check: Collector) -> None:
        previous: Disability | None = None
        for index, disability in enumerate(self.disabilities):
            path = f"disabilities[{index}]"
            if disability.issued < self.birth_date:
                check.add(f"{path}.issued", "is before the child's birth")
            elif isinstance(self.death_date, pendulum.Date) and disability.issued > self.death_date:
                check.add(f"{path}.issued", f"is after the child's death ({self.death_date})")
            joined = self.adoption_date
            cancelled = disability.cancelled
            if isinstance(joined, pendulum.Date) and cancelled is not None and cancelled < joined:
                check.add(
                    f"{path}.cancelled",
                    f"{cancelled} is before the adoption ({joined}): the household never held it",
                )
            if previous is not None:
                if previous.cancelled is None:
                    check.add(
                        f"disabilities[{index - 1}].cancelled",
                        "is required: a later certificate was issued "
                        f"({disability.issued}); a child holds one certificate at a time",
                    )
                elif disability.issued < previous.cancelled:
                    check.add(
                        f"{path}.issued",
                        f"{disability.issued} is before the previous certificate was "
                        f"cancelled ({previous.cancelled})",
                    )
            previous = disability

    def disability_on(self, day: pendulum.Date) -> Disability | None:
        """The disability certificate in force on ``day``, if any."""
        return next((d for d in self.disabilities if d.in_force_on(day)), None)

    @property
    def adopted_on(self) -> pendulum.Date:
        """The day the child joined the household: adoption date, or birth date."""
        if self.link is ChildLink.ADOPTION and self.adoption_date is not None:
            return self.adoption_date
        return self.birth_date

    def alive_on(self, day: pendulum.Date) -> bool:
        """Whether the child is born and not dead on ``day``."""
        return self.birth_date <= day and (self.death_date is None or day < self.death_date)

    def in_household_on(self, day: pendulum.Date) -> bool:
        """Whether the child is alive and already the household's child on ``day``."""
        return self.adopted_on <= day and self.alive_on(day)

    def __repr__(self) -> str:
        return (
            f"Child(name={mask_name(self.name)!r}, sex={self.sex.value!r}, "
            f"born={self.birth_date}, link={self.link.value!r})"
        )

    __str__ = __repr__
