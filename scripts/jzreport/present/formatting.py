"""Number formatting in the report's own style (no thousands separators, as the report prints)."""

from __future__ import annotations

import math


def fmt_number(value, decimals: int | None = None) -> str:
    """Format a number: integers without decimals, otherwise `decimals` places (or as short as exact)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if decimals is not None:
        return f"{float(value):.{decimals}f}"
    if float(value).is_integer():
        return str(int(value))
    return f"{float(value):.10g}"


def fmt_pct(value, decimals: int = 2) -> str:
    """A percentage number without the sign, rounded half away from zero as reports do."""
    quant = 10**decimals
    rounded = math.floor(abs(float(value)) * quant + 0.5) / quant
    return f"{math.copysign(rounded, float(value)):.{decimals}f}"


def fmt_signed(value, decimals: int = 1) -> str:
    """A change with an explicit sign: +2.1, -0.5."""
    text = fmt_number(value, decimals)
    return text if text.startswith("-") else "+" + text


def share_pct(part, whole, decimals: int = 2) -> str:
    """part / whole as a percentage string."""
    return fmt_pct(100.0 * part / whole, decimals)


_ZH_DIGITS = "零一二三四五六七八九"


def fmt_zh_count(value, *, ordinal: bool = False) -> str:
    """A count from 0 to 99 in Chinese numerals, as the report writes some counts (一项、七大领域、二十余名、第二届).

    Before a measure word 2 is 两 (两组、两位); as an ordinal it is 二 (第二届).
    """
    number = int(value)
    if number != value or not 0 <= number <= 99:
        raise ValueError(f"no Chinese numeral for {value!r} (0 to 99 only)")
    if number == 2 and not ordinal:
        return "两"
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _ZH_DIGITS[ones]
    return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")
