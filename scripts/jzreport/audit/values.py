"""What an audit check reads and computes: numbers that remember where they came from.

A `Ref` names one stated number of the edition: a row of reported_facts.csv (by its key) or one cell of a data
file (by line and column; a whole row when no column is given). A `Number` is a value with the text the report
prints for it (a read) or the arithmetic that gave it ("434 ÷ 567"), and the set of `Ref`s it was computed
from. Arithmetic on Numbers unites their reads, so what a check read is known from what it computed: nothing
links a number to a verdict but the computation itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from jzreport.audit.verdicts import decimals_of
from jzreport.present.formatting import fmt_number, fmt_pct

FACTS_FILE = "reported_facts.csv"


@dataclass(frozen=True, order=True)
class Ref:
    """A stated number: a row of reported_facts.csv (`key`), or a cell of a data file (`line`, `column`)."""

    file: str  # the file's path in the data package
    key: str = ""  # a stated fact's key (file is reported_facts.csv)
    line: int = 0  # a cell's line in its file (line 1 is the header)
    column: str = ""  # a cell's column (field name); empty for a whole row

    @classmethod
    def fact(cls, key: str) -> Ref:
        return cls(FACTS_FILE, key=key)

    @property
    def id(self) -> str:
        """One string per stated number, as the published audit data write it: "reported_facts.csv#graduates",
        "progression.csv:3:progression_rate_pct" (a cell), "majors.csv:3" (a row)."""
        if self.key:
            return f"{self.file}#{self.key}"
        return f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")

    @classmethod
    def parse(cls, text: str) -> Ref:
        if "#" in text:
            file, key = text.split("#", 1)
            return cls(file, key=key)
        file, line, *column = text.split(":")
        return cls(file, line=int(line), column=column[0] if column else "")


# Binding strength of the arithmetic that made a number: an operand that binds less is shown in parentheses.
ATOM, PRODUCT, SUM = 3, 2, 1


@dataclass(frozen=True)
class Number:
    """A value with its text and the stated numbers it was computed from."""

    value: float
    text: str  # as printed (a number read), or the arithmetic that gave it (a number computed)
    reads: frozenset[Ref] = frozenset()
    place: str = ""  # where a number read stands in the report ("1.1", "表 5 2025 年“升学率”")
    unit: str = ""  # "%" for a percentage the check computed
    detail: str = ""  # what a count counted ("电工、钳工、焊工")
    computed: bool = False
    binding: int = ATOM
    qualifier: str = "exact"  # a stated fact's qualifier (余 → at_least, 约 → about)
    assumptions: tuple[str, ...] = field(default_factory=tuple)  # identifications the value rests on

    def operand(self, binding: int) -> str:
        return f"({self.text})" if self.binding < binding else self.text

    def shown(self, published: str | None = None) -> str:
        """A read number as printed; a computed one with its arithmetic and result, at the precision of the
        published value it is compared with ("434 ÷ 567 = 76.54%")."""
        if not self.computed:
            return self.text + self.unit
        places = decimals_of(published) if published is not None else (0 if float(self.value).is_integer() else 2)
        result = fmt_pct(self.value, places) + self.unit
        if self.text:
            return f"{self.text} = {result}"
        return f"{result}（{self.detail}）" if self.detail else result

    def __add__(self, other: Number) -> Number:
        return combine(self.value + other.value, f"{self.operand(SUM)} + {other.operand(SUM + 1)}", SUM, self, other)

    def __sub__(self, other: Number) -> Number:
        return combine(self.value - other.value, f"{self.operand(SUM)} − {other.operand(SUM + 1)}", SUM, self, other)

    def __mul__(self, other: Number) -> Number:
        text = f"{self.operand(PRODUCT)} × {other.operand(PRODUCT + 1)}"
        return combine(self.value * other.value, text, PRODUCT, self, other)

    def __truediv__(self, other: Number) -> Number:
        text = f"{self.operand(PRODUCT)} ÷ {other.operand(PRODUCT + 1)}"
        return combine(self.value / other.value, text, PRODUCT, self, other)

    def __neg__(self) -> Number:
        return combine(-self.value, f"−{self.operand(ATOM)}", ATOM, self)


def constant(value: float) -> Number:
    """A number written in a check's declaration (not read from the report)."""
    return Number(float(value), fmt_number(value))


def combine(value: float, text: str, binding: int, *parts: Number, **more) -> Number:
    """A number computed from `parts`: it read what they read and rests on what they rest on."""
    reads = frozenset().union(*(p.reads for p in parts))
    assumptions = tuple(dict.fromkeys(a for p in parts for a in p.assumptions))
    return Number(value, text, reads, computed=True, binding=binding, assumptions=assumptions, **more)


def total(numbers: list[Number]) -> Number:
    """The sum of `numbers`, written out: "150 + 150 + 16"."""
    numbers = list(numbers)
    return combine(sum(n.value for n in numbers), " + ".join(n.operand(SUM + 1) for n in numbers), SUM, *numbers)


def ratio(numerator: Number, denominator: Number) -> Number:
    """numerator ÷ denominator as a percentage, written out: "434 ÷ 567"."""
    text = f"{numerator.operand(PRODUCT)} ÷ {denominator.operand(PRODUCT + 1)}"
    return combine(100 * numerator.value / denominator.value, text, PRODUCT, numerator, denominator, unit="%")


def count(items: list[Number], detail: str = "") -> Number:
    """How many `items` there are: shown as the number alone (with what was counted, if given)."""
    items = list(items)
    return combine(float(len(items)), "", ATOM, *items, detail=detail)


def with_assumptions(number: Number, assumptions: list[str]) -> Number:
    return replace(number, assumptions=number.assumptions + tuple(assumptions))
