"""Verdicts of the audit: a published value against the value recomputed from the data.

The audit appendix builds one `Check` per claim; the verdict is always computed here, never typed:
- CONSISTENT   the recomputed value equals the published one within the published precision
               (a value printed with d decimals may differ by half a unit of its last place);
- INCONSISTENT the values differ (the difference is reported);
- NOT_DERIVABLE nothing the report publishes lets the value be recomputed.
A published value qualified as "at least" (余、超过、以上) or "about" (约、近、左右) is checked as such.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

CONSISTENT = "一致"
INCONSISTENT = "不一致"
NOT_DERIVABLE = "无法推导"


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

    def __str__(self) -> str:
        if self.status == INCONSISTENT and self.difference is not None:
            return f"{self.status}（差 {self.difference:+g}）"
        return self.status


def compare(published: str, recomputed: float | None, qualifier: str = "exact", about_share: float = 0.1) -> Verdict:
    """Verdict for a published number (as printed) against the recomputed value.

    qualifier: 'exact' (within rounding of the printed precision), 'at_least' (recomputed must be
    >= published), 'about' (within `about_share` of the published value).
    """
    if recomputed is None:
        return Verdict(NOT_DERIVABLE)
    value = float(published)
    difference = round(float(recomputed) - value, decimals_of(published) + 2)
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

    def row(self) -> dict[str, str]:
        return {
            "核查内容": self.claim,
            "出处": self.where,
            "报告所列": self.published,
            "由数据重算": self.recomputed,
            "结论": str(self.verdict),
            "说明": self.basis,
        }


def fmt_recomputed(value: float | None, published: str) -> str:
    """A recomputed value shown with two more decimals than printed (so rounding is visible)."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    places = decimals_of(published) + 2
    return f"{float(value):.{places}f}".rstrip("0").rstrip(".")


_QUALIFIER_MARK = {"at_least": "余/以上", "about": "约", "exact": ""}


class AuditLedger:
    """Collects the audit's checks, grouped, and remembers which stated facts were checked."""

    def __init__(self, facts: dict):
        self.facts = facts
        self.checks: list[tuple[str, Check]] = []  # (group, check)
        self.used: set[str] = set()

    def _add(self, group: str, check: Check) -> None:
        self.checks.append((group, check))

    def fact(self, group: str, key: str, recomputed: float | None, claim: str, basis: str = "") -> None:
        """A number the report states (a row of reported_facts.csv) against its recomputation."""
        fact = self.facts[key]
        self.used.add(key)
        mark = _QUALIFIER_MARK[fact.qualifier]
        published = f"{fact.text} {fact.unit}" + (f"（{mark}）" if mark else "")
        self._add(group, Check(claim, fact.section, published, fmt_recomputed(recomputed, fact.text),
                               compare(fact.text, recomputed, fact.qualifier), basis, key))

    def value(self, group: str, claim: str, where: str, published: float | str, recomputed: float | None,
              basis: str = "", qualifier: str = "exact", key: str = "") -> None:
        """A number printed in a table (or derived from other stated numbers) against its recomputation."""
        text = published if isinstance(published, str) else f"{published:.10g}"
        self._add(group, Check(claim, where, text, fmt_recomputed(recomputed, text),
                               compare(text, recomputed, qualifier), basis, key))

    def same(self, group: str, claim: str, statements: list[tuple[str, str]], basis: str = "", key: str = "") -> None:
        """One fact stated in several places: (where, value as printed) pairs."""
        wheres = "；".join(where for where, _ in statements)
        values = "；".join(f"{value}（{where}）" for where, value in statements)
        distinct = "、".join(sorted({value for _, value in statements}))
        self._add(group, Check(claim, wheres, values, f"{len(set(v for _, v in statements))} 种写法：{distinct}",
                               same_values([value for _, value in statements]), basis, key))

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

    def unchecked_facts(self) -> list:
        return [fact for key, fact in self.facts.items() if key not in self.used]

    def summary(self) -> dict[str, int]:
        counts = {CONSISTENT: 0, INCONSISTENT: 0, NOT_DERIVABLE: 0}
        for _, check in self.checks:
            counts[check.verdict.status] += 1
        return counts
