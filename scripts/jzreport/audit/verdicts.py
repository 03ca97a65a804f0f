"""Verdicts of the audit: a published value against the value recomputed from the data.

The verdict is always computed here, never typed:
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
STATED_ONLY = "仅陈述"  # a stated number that no check verifies or reads
ASSUMED_SAME = "视为同一事项"  # the note of a consistent verdict that rests on identifying two mentions
QUALIFIER_MARK = {"at_least": "余/以上", "about": "约", "exact": ""}


def decimals_of(text: str) -> int:
    """Decimal places as printed: '80.93' -> 2, '89' -> 0."""
    exponent = Decimal(str(text).strip()).as_tuple().exponent
    return max(0, -int(exponent))


def tolerance_of(text: str) -> float:
    """Half a unit of the last printed place: '89' -> 0.5, '98.3' -> 0.05."""
    return 0.5 * 10 ** (-decimals_of(text))


@dataclass(frozen=True)
class Verdict:
    status: str
    difference: float | None = None
    note: str = ""  # e.g. "2 种口径均不符": said in the verdict itself

    def __str__(self) -> str:
        if self.note:
            return f"{self.status}（{self.note}）"
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
    return Verdict(CONSISTENT if len(set(values)) <= 1 else INCONSISTENT)


def worst(verdicts: list[Verdict]) -> str:
    """The status of several verdicts taken together: inconsistent if any is, else not derivable if any is."""
    for status in (INCONSISTENT, NOT_DERIVABLE):
        if any(v.status == status for v in verdicts):
            return status
    return CONSISTENT
