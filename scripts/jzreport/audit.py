"""Verdicts of the audit: a published value against the value recomputed from the data.

The audit appendix builds one `Check` per claim; the verdict is always computed here, never typed:
- CONSISTENT   the recomputed value equals the published one within the published precision
               (a value printed with d decimals may differ by half a unit of its last place);
- INCONSISTENT the values differ (the difference is reported);
- NOT_DERIVABLE nothing the report publishes lets the value be recomputed.
A published value qualified as "at least" (余、超过、以上) or "about" (约、近、左右) is checked as such.
A stated rate that none of the interpretations the report allows reproduces is INCONSISTENT, and its
verdict says so. Every recomputed value is shown with its inputs and arithmetic (a `Calc`), at the
precision the report prints; every note is written from the data, never typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .numbers import fmt_number, fmt_pct

CONSISTENT = "一致"
INCONSISTENT = "不一致"
NOT_DERIVABLE = "无法推导"
ASSUMED_SAME = "视为同一事项"  # the note of a consistent verdict that rests on identifying two mentions


def decimals_of(text: str) -> int:
    """Decimal places as printed: '80.93' -> 2, '89' -> 0."""
    exponent = Decimal(str(text).strip()).as_tuple().exponent
    return max(0, -exponent)


def tolerance_of(text: str) -> float:
    """Half a unit of the last printed place: '89' -> 0.5, '98.3' -> 0.05."""
    return 0.5 * 10 ** (-decimals_of(text))


@dataclass(frozen=True)
class Verdict:
    status: str
    difference: float | None = None
    note: str = ""  # e.g. "两种口径均不符": said in the verdict itself

    def __str__(self) -> str:
        if self.note:
            return f"{self.status}（{self.note}）"
        if self.status == INCONSISTENT and self.difference is not None:
            return f"{self.status}（差 {self.difference:+g}）"
        return self.status


@dataclass(frozen=True)
class Calc:
    """A recomputed number and the arithmetic that gave it ("434 ÷ 567"), rendered with its result at
    the precision of the published value it is compared with ("434 ÷ 567 = 76.54%")."""

    value: float
    expression: str
    unit: str = ""
    detail: str = ""  # what was counted, for a count: "电工、钳工、焊工"

    def shown(self, published: str | None = None) -> str:
        places = decimals_of(published) if published is not None else 2
        result = fmt_pct(self.value, places) + self.unit
        if self.expression:
            return f"{self.expression} = {result}"
        return f"{result}（{self.detail}）" if self.detail else result


def total(values, unit: str = "") -> Calc:
    """The sum of `values`, written out: "150 + 150 + 16"."""
    values = [float(v) for v in values]
    return Calc(sum(values), " + ".join(fmt_number(v) for v in values), unit)


def ratio(
    numerator, denominator, unit: str = "%", numerator_text: str | None = None, denominator_text: str | None = None
) -> Calc:
    """numerator ÷ denominator (× 100 when the unit is %), written out: "434 ÷ 567"."""
    scale = 100 if unit == "%" else 1
    top = numerator_text or fmt_number(numerator)
    bottom = denominator_text or fmt_number(denominator)
    return Calc(scale * float(numerator) / float(denominator), f"{top} ÷ {bottom}", unit)


def count(items, unit: str = "") -> Calc:
    """How many `items` there are, shown as the number alone."""
    return Calc(len(list(items)), "", unit)


def compare(published: str, recomputed: float | None, qualifier: str = "exact", about_share: float = 0.1) -> Verdict:
    """Verdict for a published number (as printed) against the recomputed value.

    qualifier: 'exact' (within rounding of the printed precision), 'at_least' (recomputed must be
    >= published), 'about' (within `about_share` of the published value).
    """
    if recomputed is None:
        return Verdict(NOT_DERIVABLE)
    value = float(published)
    difference = round(float(recomputed) - value, decimals_of(published))  # at the printed precision
    if qualifier == "at_least":
        ok = recomputed >= value - tolerance_of(published)
    elif qualifier == "about":
        ok = abs(difference) <= max(about_share * abs(value), tolerance_of(published))
    else:
        ok = abs(difference) <= tolerance_of(published) + 1e-9
    return Verdict(CONSISTENT if ok else INCONSISTENT, None if ok else difference)


def same_values(values: list[str]) -> Verdict:
    """Verdict for one fact stated several times (numbers or names): consistent when all are equal."""
    distinct = sorted(set(values))
    return Verdict(CONSISTENT if len(distinct) <= 1 else INCONSISTENT)


@dataclass(frozen=True)
class Check:
    """One audited claim, as shown in the audit table."""

    claim: str
    where: str
    published: str
    recomputed: str
    verdict: Verdict
    basis: str = ""
    key: str = ""
    assumptions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def explanation(self) -> str:
        return self.basis + "".join(f"假定：{a}。" for a in self.assumptions)

    def row(self) -> dict[str, str]:
        return {
            "核查内容": self.claim,
            "出处": self.where,
            "报告所列": self.published,
            "由数据重算": self.recomputed,
            "结论": str(self.verdict),
            "说明": self.explanation,
        }


def fmt_recomputed(value: Calc | float | None, published: str) -> str:
    """A recomputed value with its arithmetic, at the precision the report prints the published value."""
    if value is None:
        return "—"
    if not isinstance(value, Calc):
        value = Calc(float(value), "")
    return value.shown(published)


def _number(value: Calc | float | None) -> float | None:
    return value.value if isinstance(value, Calc) else value


_QUALIFIER_MARK = {"at_least": "余/以上", "about": "约", "exact": ""}


def _verdict_counts(checks) -> dict[str, int]:
    """Checks per verdict; consistent verdicts that rest on an identification are also counted apart."""
    counts = {CONSISTENT: 0, INCONSISTENT: 0, NOT_DERIVABLE: 0, ASSUMED_SAME: 0}
    for check in checks:
        counts[check.verdict.status] += 1
        counts[ASSUMED_SAME] += check.verdict.note == ASSUMED_SAME
    return counts


class AuditLedger:
    """Collects the audit's checks, grouped, and remembers which stated facts were checked."""

    def __init__(self, facts: dict):
        self.facts = facts
        self.checks: list[tuple[str, Check]] = []  # (group, check)
        self.used: set[str] = set()
        self.group_files: dict[str, list[str]] = {}  # group -> the data files its checks read

    def _add(self, group: str, check: Check) -> None:
        self.checks.append((group, check))

    def _published(self, key: str) -> str:
        fact = self.facts[key]
        mark = _QUALIFIER_MARK[fact.qualifier]
        return f"{fact.text} {fact.unit}" + (f"（{mark}）" if mark else "")

    @staticmethod
    def _assuming(verdict: Verdict, assumptions) -> Verdict:
        """A consistent verdict that rests on identifying two mentions says so."""
        if assumptions and verdict.status == CONSISTENT:
            return Verdict(CONSISTENT, note=ASSUMED_SAME)
        return verdict

    def fact(
        self,
        group: str,
        key: str,
        recomputed: Calc | float | None,
        claim: str,
        basis: str = "",
        assumptions: list[str] = (),
    ) -> None:
        """A number the report states (a row of reported_facts.csv) against its recomputation. `assumptions`:
        the identifications the recomputation rests on (shown, and named in a consistent verdict)."""
        fact = self.facts[key]
        self.used.add(key)
        verdict = self._assuming(compare(fact.text, _number(recomputed), fact.qualifier), assumptions)
        self._add(
            group,
            Check(
                claim,
                fact.section,
                self._published(key),
                fmt_recomputed(recomputed, fact.text),
                verdict,
                basis,
                key,
                tuple(assumptions),
            ),
        )

    def interpretations(
        self, group: str, key: str, readings: list[tuple[str, Calc]], claim: str, basis: str = ""
    ) -> None:
        """A stated rate against each way of computing it that the report's own numbers allow: consistent
        when one reading reproduces it (named in the verdict), inconsistent when none does."""
        fact = self.facts[key]
        self.used.add(key)
        shown = "；".join(f"{name}：{calc.shown(fact.text)}" for name, calc in readings)
        verdicts = [(name, compare(fact.text, calc.value, fact.qualifier)) for name, calc in readings]
        matching = [name for name, verdict in verdicts if verdict.status == CONSISTENT]
        if matching:
            verdict = Verdict(CONSISTENT, note=f"按{matching[0]}")
        else:
            verdict = Verdict(INCONSISTENT, note=f"{len(readings)} 种口径均不符" if len(readings) > 1 else "")
        self._add(group, Check(claim, fact.section, self._published(key), shown, verdict, basis, key))

    def value(
        self,
        group: str,
        claim: str,
        where: str,
        published: float | str,
        recomputed: Calc | float | None,
        basis: str = "",
        qualifier: str = "exact",
        key: str = "",
        assumptions: list[str] = (),
    ) -> None:
        """A number printed in a table (or derived from other stated numbers) against its recomputation."""
        text = published if isinstance(published, str) else f"{published:.10g}"
        verdict = self._assuming(compare(text, _number(recomputed), qualifier), assumptions)
        self._add(
            group, Check(claim, where, text, fmt_recomputed(recomputed, text), verdict, basis, key, tuple(assumptions))
        )

    def same(self, group: str, claim: str, statements: list[tuple[str, str]], basis: str = "", key: str = "") -> None:
        """One fact stated in several places: (where, value as printed) pairs."""
        wheres = "；".join(where for where, _ in statements)
        values = "；".join(f"{value}（{where}）" for where, value in statements)
        distinct = "、".join(sorted({value for _, value in statements}))
        self._add(
            group,
            Check(
                claim,
                wheres,
                values,
                f"{len(set(v for _, v in statements))} 种写法：{distinct}",
                same_values([value for _, value in statements]),
                basis,
                key,
            ),
        )

    def same_facts(self, group: str, claim: str, keys: list[str], basis: str = "", key: str = "") -> None:
        self.used.update(keys)
        self.same(group, claim, [(self.facts[k].section, self.facts[k].text) for k in keys], basis, key)

    def verdict(self, key: str) -> Verdict:
        """The verdict of the check(s) with this key (a fact key, or the key given to a check): inconsistent
        if any is, else not derivable if any is, else consistent."""
        found = [check.verdict for _, check in self.checks if check.key == key]
        if not found:
            raise KeyError(f"no audit check with key {key!r}")
        for status in (INCONSISTENT, NOT_DERIVABLE):
            if any(v.status == status for v in found):
                return Verdict(status)
        return Verdict(CONSISTENT)

    def rows(self, group: str | None = None) -> list[dict[str, str]]:
        return [check.row() for g, check in self.checks if group is None or g == group]

    def group_summary(self, group: str) -> dict[str, object]:
        """One row of the overview: the group, then its checks per verdict (consistent by identification apart)."""
        counts = _verdict_counts(check for g, check in self.checks if g == group)
        return {
            "类别": group,
            CONSISTENT: counts[CONSISTENT],
            f"其中{ASSUMED_SAME}": counts[ASSUMED_SAME],
            INCONSISTENT: counts[INCONSISTENT],
            NOT_DERIVABLE: counts[NOT_DERIVABLE],
        }

    def numbered(self) -> list[tuple[str, str, Check]]:
        """(id, group, check) for every check; the id names the group and the place in it: "A2-07"."""
        groups = list(self.group_files) or list(dict.fromkeys(g for g, _ in self.checks))
        found, numbered = {}, []
        for group, check in self.checks:
            found[group] = found.get(group, 0) + 1
            numbered.append((f"A{groups.index(group) + 1}-{found[group]:02d}", group, check))
        return numbered

    def records(self, data_file) -> list[dict]:
        """The audit as data, one record per check (published as CSV and JSON): an id, where the claim is,
        the claim, the stated and recomputed values, the verdict, its explanation, and the data files read
        by the check's group (`data_file(name)`: {"file": its path in the data package, "sha256": ...})."""
        return [
            {
                "id": number,
                "group": group,
                "section": check.where,
                "claim": check.claim,
                "stated": check.published,
                "recomputed": check.recomputed,
                "verdict": str(check.verdict),
                "status": check.verdict.status,
                "explanation": check.explanation,
                "key": check.key,
                "data_files": [data_file(name) for name in self.group_files.get(group, [])],
            }
            for number, group, check in self.numbered()
        ]

    def unchecked_facts(self) -> list:
        return [fact for key, fact in self.facts.items() if key not in self.used]

    def summary(self) -> dict[str, int]:
        """Checks per verdict; consistent verdicts that rest on an identification are also counted apart."""
        return _verdict_counts(check for _, check in self.checks)
