"""Rows of a register to households: every bad cell found, by row and column."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import pendulum

from fpcore.errors import InvalidInput, Problem, shown
from fpcore.model import (
    Certificate,
    CertificateKind,
    Child,
    Confirmation,
    Deposit,
    Disability,
    Household,
    HukouChange,
    Marriage,
    MarriageEnd,
    Person,
    Residence,
    SecondChildQuota,
)
from fpcore.money import Money
from fpcore.registers._cells import (
    CellError,
    cell_text,
    fields_of,
    optional_date,
    parse_date,
    split_entries,
    word,
)
from fpcore.registers._columns import (
    BENEFITS,
    BOOLEANS,
    BY_KEY,
    CHILD,
    COLUMNS,
    ENDS,
    HEAD,
    HUKOUS,
    KINDS,
    LINKS,
    RELATIONS,
    SEXES,
    SPOUSE,
    UNKNOWN,
    Scope,
    column_of,
    letter,
)

T = TypeVar("T")

# a model field (first path segment) -> the column holding it
_PERSON_FIELDS = {
    "name": "name",
    "sex": "sex",
    "birth_date": "birth_date",
    "hukou": "hukou",
    "resident_id": "resident_id",
    "no_id_reason": "no_id_reason",
    "death_date": "death_date",
    "hukou_changes": "hukou_changes",
    "residence": "residence_village",
}
_CHILD_FIELDS = {
    "name": "name",
    "sex": "sex",
    "birth_date": "birth_date",
    "link": "link",
    "adoption_date": "adoption_date",
    "within_policy": "within_policy",
    "resident_id": "resident_id",
    "death_date": "death_date",
    "disabilities": "disabilities",
    "parents": "child_of",
}
_HOUSEHOLD_FIELDS = {
    "household_id": "household_id",
    "village": "village",
    "marriages": "married",
    "second_child_quota": "quota_granted",
    "deposits": "deposits",
    "certificates": "other_certificates",
    "confirmations": "confirmations",
    "parents": "relation",
    "children": "relation",
}
_SEGMENT = re.compile(r"([a-z_]+)(?:\[(\d+)\])?\.?(.*)")


class _Row:
    """One record of the file: its number (the header is row 1), its cells as text by
    column key, and the cells that could not be read as text (with the reason)."""

    def __init__(self, number: int, texts: dict[str, str], errors: dict[str, str]) -> None:
        self.number = number
        self.texts = texts
        self.errors = errors
        self.relation = ""


class _Sheet:
    """The header's columns, and the problems found so far, each by row and column."""

    def __init__(self, header: Sequence[object], *, ignore_unknown_columns: bool) -> None:
        self.problems: list[Problem] = []
        self.index: dict[str, int] = {}
        self.headers: dict[str, str] = {}
        for position, raw in enumerate(header):
            text = cell_text(raw)
            if not text:
                continue
            column = column_of(text)
            if column is None:
                if not ignore_unknown_columns:
                    self.problems.append(
                        Problem(
                            f"row 1, column {letter(position)}",
                            f"{shown(text)} names no column of the register template "
                            "(the columns are listed in docs/registers.md; "
                            "ignore_unknown_columns=True reads past such columns)",
                        )
                    )
                continue
            if column.key in self.index:
                first = letter(self.index[column.key])
                self.problems.append(
                    Problem(
                        f"row 1, column {letter(position)}",
                        f"{shown(text)} names the column {column.header} again "
                        f"(already column {first})",
                    )
                )
                continue
            self.index[column.key] = position
            self.headers[column.key] = text
        for column in COLUMNS:
            if column.required and column.key not in self.index:
                self.problems.append(
                    Problem("row 1", f"the column {column.header} is missing ({column.meaning})")
                )

    def where(self, row: int, key: str) -> str:
        if key in self.index:
            return f"row {row}, column {letter(self.index[key])} ({self.headers[key]})"
        return f"row {row}, column {BY_KEY[key].header} (not in the file)"

    def add(self, row: int, key: str, message: str) -> None:
        self.problems.append(Problem(self.where(row, key), message))

    def record(self, number: int, cells: Sequence[object]) -> _Row | None:
        """A record's cells as text by column key (each read once); None for a blank
        record."""
        texts: dict[str, str] = {}
        errors: dict[str, str] = {}
        count = len(cells)
        for key, position in self.index.items():
            value = cells[position] if position < count else None
            if value is None or value == "":
                texts[key] = ""
                continue
            try:
                texts[key] = cell_text(value, resident_id=key == "resident_id")
            except CellError as error:
                errors[key] = str(error)
                texts[key] = ""
        if errors or any(texts.values()):
            return _Row(number, texts, errors)
        known = set(self.index.values())
        if any(
            not isinstance(v, str) or v.strip()
            for i, v in enumerate(cells)
            if i not in known and v is not None
        ):
            return _Row(number, texts, errors)
        return None


class _Household:
    """The rows of one household, read cell by cell into model values."""

    def __init__(self, sheet: _Sheet, rows: list[_Row]) -> None:
        self.sheet = sheet
        self.rows = rows
        self.ok = True
        # a model path prefix ("children[1]", "marriages[0]") -> (row, column, entry)
        self.origins: dict[str, tuple[_Row, str | None, int | None]] = {}

    # -- cells ----------------------------------------------------------------------
    def text(self, row: _Row, key: str) -> str:
        return row.texts.get(key, "")

    def bad(self, row: _Row, key: str, message: str) -> None:
        self.sheet.add(row.number, key, message)
        self.ok = False

    def cell(self, row: _Row, key: str, parse: Callable[[str], T], default: T) -> T:
        text = self.text(row, key)
        if not text:
            return default
        try:
            return parse(text)
        except (CellError, InvalidInput) as error:
            self.bad(row, key, _reason(error))
            return default

    def entries(self, row: _Row, key: str, parse: Callable[[list[str]], T]) -> list[T]:
        found: list[T] = []
        for number, entry in enumerate(split_entries(self.text(row, key)), start=1):
            try:
                found.append(parse(entry))
            except (CellError, InvalidInput) as error:
                self.bad(row, key, f"entry {number}: {_reason(error)}")
        return found

    def build(self, make: Callable[[], T], locate: Callable[[Problem], tuple[_Row, str, str]]) -> T:
        try:
            return make()
        except InvalidInput as error:
            for problem in error.problems:
                row, key, message = locate(problem)
                self.bad(row, key, message)
            raise _Skip from None

    # -- the household --------------------------------------------------------------
    def read(self) -> Household | None:
        heads: list[_Row] = []
        spouses: list[_Row] = []
        children: list[_Row] = []
        for row in self.rows:
            for key, message in row.errors.items():
                self.bad(row, key, message)
        for row in self.rows:
            relation = self.cell(row, "relation", lambda t: word(t, RELATIONS, "relation"), "")
            row.relation = relation
            {HEAD: heads, SPOUSE: spouses, CHILD: children}.get(relation, []).append(row)
            self.check_scopes(row)
        household_id = self.text(self.rows[0], "household_id")
        if not heads:
            self.bad(self.rows[0], "relation", f"household {household_id} has no 户主 row")
            return None
        for extra in heads[1:] + spouses[1:]:
            said = f"household {household_id} has another {extra.relation} row"
            self.bad(extra, "relation", said)
        head = heads[0]
        parent_rows = [head, *spouses[:1]]
        self.check_household_cells(head)
        parents = [self.person(row, index) for index, row in enumerate(parent_rows)]
        kids = [self.child(row, index, parent_rows) for index, row in enumerate(children)]
        marriages = self.marriages(head, parent_rows)
        certificates = self.certificates(head)
        quota = self.quota(head)
        deposits = self.entries(head, "deposits", _deposit)
        for index in range(len(deposits)):
            self.origins[f"deposits[{index}]"] = (head, "deposits", index + 1)
        confirmations = self.confirmations(parent_rows)
        village = self.cell(head, "village", str, "")
        township = self.text(head, "township")
        if township and village and township != village[:9]:
            self.bad(head, "township", f"{township} is not the township of village {village}")
        if not self.ok:
            return None
        try:
            return self.build(
                lambda: Household(
                    household_id=household_id,
                    village=village,
                    parents=tuple(p for p in parents if p is not None),
                    marriages=tuple(marriages),
                    children=tuple(c for c in kids if c is not None),
                    certificates=tuple(certificates),
                    second_child_quota=quota,
                    deposits=tuple(deposits),
                    confirmations=tuple(confirmations),
                ),
                lambda p: self.locate(p, head, parent_rows, children),
            )
        except _Skip:
            return None

    def check_scopes(self, row: _Row) -> None:
        for key, text in row.texts.items():
            if not text:
                continue
            column = BY_KEY[key]
            misplaced = (column.scope is Scope.PARENT and row.relation == CHILD) or (
                column.scope is Scope.CHILD and row.relation in (HEAD, SPOUSE)
            )
            if misplaced:
                self.bad(row, key, f"is for {column.scope.value}, not a {row.relation} row")

    def check_household_cells(self, head: _Row) -> None:
        for column in COLUMNS:
            if column.scope is not Scope.HOUSEHOLD or column.key not in head.texts:
                continue
            said = self.text(head, column.key)
            for row in self.rows:
                if row is head:
                    continue
                other = self.text(row, column.key)
                if other and other != said:
                    self.bad(
                        row,
                        column.key,
                        f"{shown(other)} differs from the 户主 row ({shown(said)}): "
                        "a household column is given once, on the 户主 row",
                    )

    def person(self, row: _Row, index: int) -> Person | None:
        start = len(self.sheet.problems)
        name = self.text(row, "name")
        sex = self.cell(row, "sex", lambda t: word(t, SEXES, "sex"), None)
        birth = self.cell(row, "birth_date", parse_date, None)
        death = self.cell(row, "death_date", parse_date, None)
        hukou = self.cell(row, "hukou", lambda t: word(t, HUKOUS, "hukou class"), None)
        if hukou is None and not self.text(row, "hukou"):
            self.bad(row, "hukou", "is empty (expected 农业 or 非农业)")
        changes = self.entries(row, "hukou_changes", _hukou_change)
        own = self.text(row, "residence_village") or self.household_village()
        resident_id = self.text(row, "resident_id") or None
        no_id_reason = self.text(row, "no_id_reason") or None
        if len(self.sheet.problems) > start:
            return None
        self.origins[f"parents[{index}]"] = (row, None, None)

        def make() -> Person:
            return Person(
                name=name,
                sex=sex,  # type: ignore[arg-type]  # checked by the constructor
                birth_date=birth,
                hukou=hukou,  # type: ignore[arg-type]
                residence=Residence(township=own[:9], village=own),
                resident_id=resident_id,
                no_id_reason=no_id_reason,
                death_date=death,
                hukou_changes=tuple(changes),
            )

        try:
            return self.build(make, lambda p: self.field(row, p, _PERSON_FIELDS))
        except _Skip:
            return None

    def household_village(self) -> str:
        for row in self.rows:
            if row.relation == HEAD:
                return self.text(row, "village")
        return ""

    def child(self, row: _Row, index: int, parent_rows: list[_Row]) -> Child | None:
        start = len(self.sheet.problems)
        name = self.text(row, "name")
        sex = self.cell(row, "sex", lambda t: word(t, SEXES, "sex"), None)
        birth = self.cell(row, "birth_date", parse_date, None)
        link = self.cell(row, "link", lambda t: word(t, LINKS, "child link"), LINKS["亲生"])
        adopted = self.cell(row, "adoption_date", parse_date, None)
        within = self.cell(row, "within_policy", lambda t: word(t, BOOLEANS, "yes or no"), True)
        death = self.cell(row, "death_date", parse_date, None)
        disabilities = self.entries(row, "disabilities", _disability)
        of = self.cell(row, "child_of", lambda t: word(t, RELATIONS, "parent"), "")
        linked: tuple[int, ...] | None = None
        if of == HEAD:
            linked = (0,)
        elif of == SPOUSE:
            linked = (1,)
            if len(parent_rows) < 2:
                self.bad(row, "child_of", "names the 配偶, but the household has no 配偶 row")
        elif of:
            self.bad(row, "child_of", f"{shown(of)} is not a parent (expected 户主 or 配偶)")
        resident_id = self.text(row, "resident_id") or None
        if len(self.sheet.problems) > start:
            return None
        self.origins[f"children[{index}]"] = (row, None, None)

        def make() -> Child:
            return Child(
                name=name,
                sex=sex,  # type: ignore[arg-type]  # checked by the constructor
                birth_date=birth,
                link=link,
                adoption_date=adopted,
                within_policy=within,
                resident_id=resident_id,
                death_date=death,
                disabilities=tuple(disabilities),
                parents=linked,
            )

        try:
            return self.build(make, lambda p: self.field(row, p, _CHILD_FIELDS))
        except _Skip:
            return None

    def marriages(self, head: _Row, parent_rows: list[_Row]) -> list[Marriage]:
        found: list[Marriage] = []
        for index, row in enumerate(parent_rows):
            for number, (married, ended, end) in enumerate(
                self.entries(row, "other_marriages", _marriage), start=1
            ):
                self.origins[f"marriages[{len(found)}]"] = (row, "other_marriages", number)
                found.append(Marriage(spouses=(index,), married=married, ended=ended, end=end))
        married = self.cell(head, "married", _unknown_or_date, None)
        divorced_text = self.text(head, "divorced")
        divorced = self.cell(head, "divorced", _unknown_or_date, None)
        if len(parent_rows) == 2:
            self.origins[f"marriages[{len(found)}]"] = (head, "married", None)
            self.origins["marriages"] = (head, "married", None)
            end = MarriageEnd.DIVORCE if divorced_text else None
            try:
                found.append(Marriage(spouses=(0, 1), married=married, ended=divorced, end=end))
            except InvalidInput as error:
                for problem in error.problems:
                    key = "divorced" if problem.path == "ended" else "married"
                    self.bad(head, key, problem.message)
        elif self.text(head, "married") or divorced_text:
            key = "married" if self.text(head, "married") else "divorced"
            self.bad(
                head,
                key,
                "is the couple's marriage, but the household has no 配偶 row "
                "(a single parent's marriage goes in 其他婚姻)",
            )
        return found

    def certificates(self, head: _Row) -> list[Certificate]:
        found = self.entries(head, "other_certificates", _certificate)
        for index in range(len(found)):
            self.origins[f"certificates[{index}]"] = (head, "other_certificates", index + 1)
        number = self.text(head, "honour_certificate_number")
        issued = self.cell(head, "honour_certificate_issued", parse_date, None)
        returned = self.cell(head, "honour_certificate_returned", parse_date, None)
        if not (number or issued or returned):
            return found
        if not number:
            self.bad(head, "honour_certificate_number", "is empty, but the certificate is dated")
        if issued is None and not self.text(head, "honour_certificate_issued"):
            self.bad(head, "honour_certificate_issued", "is empty (the issue date is required)")
        if number and issued is not None:
            self.origins[f"certificates[{len(found)}]"] = (head, "honour_certificate_issued", None)
            try:
                found.append(
                    Certificate(
                        kind=CertificateKind.HONOUR_CERTIFICATE,
                        number=number,
                        issued=issued,
                        returned=returned,
                    )
                )
            except InvalidInput as error:
                for problem in error.problems:
                    self.bad(head, f"honour_certificate_{problem.path}", problem.message)
        return found

    def quota(self, head: _Row) -> SecondChildQuota | None:
        granted = self.cell(head, "quota_granted", parse_date, None)
        waived = self.cell(head, "quota_waived", parse_date, None)
        if granted is None:
            if waived is not None:
                self.bad(head, "quota_granted", "is empty, but the quota is waived")
            return None
        try:
            return SecondChildQuota(granted=granted, waived=waived)
        except InvalidInput as error:
            for problem in error.problems:
                self.bad(head, f"quota_{problem.path}", problem.message)
            return None

    def confirmations(self, parent_rows: list[_Row]) -> list[Confirmation]:
        found: list[Confirmation] = []
        for index, row in enumerate(parent_rows):
            for number, entry in enumerate(split_entries(self.text(row, "confirmations")), 1):
                try:
                    fields = fields_of(entry, ("benefit", "confirmed", "reference"), 2)
                    benefit = BENEFITS.get(fields[0], fields[0])
                    item = Confirmation(
                        benefit=benefit,
                        parent=index,
                        confirmed=parse_date(fields[1]),
                        reference=fields[2] or None,
                    )
                except (CellError, InvalidInput) as error:
                    self.bad(row, "confirmations", f"entry {number}: {_reason(error)}")
                    continue
                self.origins[f"confirmations[{len(found)}]"] = (row, "confirmations", number)
                found.append(item)
        return found

    # -- where a model problem lies ---------------------------------------------------
    def field(self, row: _Row, problem: Problem, fields: dict[str, str]) -> tuple[_Row, str, str]:
        match = _SEGMENT.fullmatch(problem.path)
        name = match[1] if match else ""
        key = fields.get(name, "name")
        if key == "residence_village" and "residence_village" not in self.sheet.index:
            key = "village"
        message = problem.message
        if match and match[2] is not None:
            message = f"entry {int(match[2]) + 1}: {match[3] + ': ' if match[3] else ''}{message}"
        elif key == "name" and name != "name":
            message = f"{problem.path}: {message}" if problem.path else message
        return row, key, message

    def locate(
        self, problem: Problem, head: _Row, parent_rows: list[_Row], children: list[_Row]
    ) -> tuple[_Row, str, str]:
        match = _SEGMENT.fullmatch(problem.path)
        if match is None:
            return head, "household_id", problem.message
        name, index, rest = match[1], match[2], match[3]
        if index is not None and f"{name}[{index}]" in self.origins:
            row, key, entry = self.origins[f"{name}[{index}]"]
            if key is None:  # a person's or child's row: the field names the column
                inner = Problem(rest, problem.message)
                fields = _PERSON_FIELDS if name == "parents" else _CHILD_FIELDS
                return self.field(row, inner, fields)
            prefix = f"entry {entry}: " if entry is not None else ""
            detail = f"{rest}: " if rest else ""
            return row, key, f"{prefix}{detail}{problem.message}"
        if name == "parents" and len(parent_rows) == 2:
            return parent_rows[1], "relation", problem.message
        return head, _HOUSEHOLD_FIELDS.get(name, "household_id"), problem.message


class _Skip(Exception):
    """A part could not be built; its problems are already recorded."""


def _reason(error: Exception) -> str:
    if isinstance(error, InvalidInput):
        return "; ".join(str(p) for p in error.problems)
    return str(error)


def _unknown_or_date(text: str) -> pendulum.Date | None:
    return None if text.casefold() in UNKNOWN else parse_date(text)


def _hukou_change(entry: list[str]) -> HukouChange:
    on, hukou, reason = fields_of(entry, ("date", "class", "reason"), 2)
    return HukouChange(
        on=parse_date(on), hukou=word(hukou, HUKOUS, "hukou class"), reason=reason or None
    )


def _disability(entry: list[str]) -> Disability:
    grade, issued, cancelled, number = fields_of(
        entry, ("grade", "issued", "cancelled", "number"), 2
    )
    if not (grade.isascii() and grade.isdigit()):
        raise CellError(f"grade {shown(grade)} is not a disability grade (expected 1, 2, 3 or 4)")
    return Disability(
        grade=int(grade),
        issued=parse_date(issued),
        cancelled=optional_date(cancelled),
        certificate_number=number or None,
    )


def _marriage(
    entry: list[str],
) -> tuple[pendulum.Date | None, pendulum.Date | None, MarriageEnd | None]:
    married, ended, end = fields_of(entry, ("married", "ended", "how"), 0)
    how = word(end, ENDS, "way a marriage ends") if end else None
    if ended and how is None:
        raise CellError("an ended marriage says how it ended: 离婚 or 丧偶")
    return _unknown_or_date(married) if married else None, optional_date(ended), how


def _certificate(entry: list[str]) -> Certificate:
    kind, number, issued, returned = fields_of(entry, ("kind", "number", "issued", "returned"), 3)
    return Certificate(
        kind=word(kind, KINDS, "certificate kind"),
        number=number,
        issued=parse_date(issued),
        returned=optional_date(returned),
    )


def _deposit(entry: list[str]) -> Deposit:
    amount, paid, refunded, receipt = fields_of(entry, ("amount", "paid", "refunded", "receipt"), 2)
    return Deposit(
        amount=Money(amount),
        paid=parse_date(paid),
        refunded=optional_date(refunded),
        receipt=receipt or None,
    )


def households_from_rows(
    header: Sequence[object],
    records: Iterable[Sequence[object]],
    *,
    ignore_unknown_columns: bool = False,
) -> list[Household]:
    """Households from a register's header and records (one person a record), all or
    none: every bad cell is reported by row and column in one
    :class:`~fpcore.errors.InvalidInput`.

    Rows are numbered as a spreadsheet numbers them (the header is row 1). Rows of a
    household need not be next to each other; households come out in the order of
    their first row, parents and children in the order of their rows.

    Args:
        header: the header cells (Chinese or English column names, or both).
        records: the cells of each row after the header (text, numbers or dates).
        ignore_unknown_columns: read past columns the template does not have
            (default: report them, so a misspelt header does not pass silently).

    Raises:
        InvalidInput: every problem, with paths such as ``row 7, column E (出生日期)``.

    Example:
        >>> header = ["户编号", "与户主关系", "姓名", "性别", "出生日期", "户口性质", "村代码",
        ...           "公民身份号码"]
        >>> rows = [["H1", "户主", "张秀娟", "女", "1970-05-01", "农业", "371121100201",
        ...          "371121197005011248"],
        ...         ["H1", "子女", "王小明", "男", "1999-02-30", "", "", ""]]
        >>> households_from_rows(header, rows)
        Traceback (most recent call last):
        ...
        fpcore.errors.InvalidInput: 1 problem in the input:
          row 3, column E (出生日期): '1999-02-30' is not a date (no such day)
    """
    sheet = _Sheet(header, ignore_unknown_columns=ignore_unknown_columns)
    if sheet.problems and "household_id" not in sheet.index:
        raise InvalidInput(sheet.problems)
    groups: dict[str, list[_Row]] = {}
    for number, cells in enumerate(records, start=2):
        row = sheet.record(number, cells)
        if row is None:
            continue
        key = row.texts.get("household_id", "")
        if "household_id" in row.errors:
            sheet.add(number, "household_id", row.errors["household_id"])
            continue
        if not key:
            sheet.add(number, "household_id", "is empty (every row names its household)")
            continue
        groups.setdefault(key, []).append(row)
    found: list[Household] = []
    for rows in groups.values():
        household = _Household(sheet, rows).read()
        if household is not None:
            found.append(household)
    if sheet.problems:
        raise InvalidInput(sheet.problems)
    return found
