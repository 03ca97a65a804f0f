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
            return f"{self.status}（差 {self.difference:+.10g}）"
        return self.status


def compare(published: str, recomputed: float | None, qualifier: str = "exact", about_share: float = 0.1) -> Verdict:
    """Verdict for a published number (as printed) against the recomputed value.

    qualifier: 'exact' (within rounding of the printed precision), 'at_least' (recomputed must be
    >= published), 'about' (within `about_share` of the published value).
    """
    if recomputed is None:
        return Verdict(NOT_DERIVABLE)
    value = float(published)
    difference = round(float(recomputed) - value, 10)
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

    def row(self) -> dict[str, str]:
        return {
            "核查内容": self.claim,
            "出处": self.where,
            "报告所列": self.published,
            "由数据重算": self.recomputed,
            "结论": str(self.verdict),
            "说明": self.basis,
        }
