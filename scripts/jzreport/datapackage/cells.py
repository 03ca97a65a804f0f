"""Numbers as people type them into a CSV cell, read one way by `make check-data` and by every chapter.

A cell of an `integer` or `number` column holds ASCII digits, optionally a sign and (for a number) a decimal
point; ASCII spaces around it are ignored, an empty cell is no value. Spreadsheets and Chinese input methods
also produce full-width digits (１５０), no-break or ideographic spaces, thousands separators (1,234), units
typed after the number (150人, 98.3%), Chinese numerals (一五〇): each of these is refused with a message that
says what was found and what to type instead, by the same function that reads the accepted cells, so the check
and the book can never disagree about a cell.
"""

from __future__ import annotations

import re
import unicodedata

_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)", re.ASCII)
_ZH_NUMERALS = set("零〇一二三四五六七八九十百千万两")


class CellError(ValueError):
    """A cell that a person reads as a number but the book does not accept, with what to type instead."""


def _hint(text: str, integer: bool) -> str:
    kind = "整数 (an integer)" if integer else "数字 (a number)"
    return f"{_what(text, integer, kind)}；此列应是{kind}"


def _what(text: str, integer: bool, kind: str) -> str:
    normal = unicodedata.normalize("NFKC", text).strip()
    if normal != text.strip(" ") and (_INTEGER if integer else _NUMBER).fullmatch(normal):
        return (
            f"值 {text!r} 含全角字符或不可见的空格（输入法或表格软件常见），请改为半角 {normal} "
            f"(full-width digits or a no-break/ideographic space; type {normal})"
        )
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", normal):
        plain = normal.replace(",", "")
        return f"值 {text!r} 含千位分隔符，请写作 {plain} (thousands separators: type {plain})"
    if with_unit := re.fullmatch(r"([+-]?\d+(?:\.\d+)?)\s*[^\d.\s]\S*", normal):
        number = with_unit.group(1)
        return f"值 {text!r} 带有单位或符号，请只写数字 {number}，单位在表头 (only the number, {number})"
    if set(normal) & _ZH_NUMERALS:
        return f"值 {text!r} 是汉字数字，请用阿拉伯数字 (Chinese numerals: type Arabic digits)"
    if integer and _NUMBER.fullmatch(normal):
        return f"值 {text!r} 不是整数，此列只能写整数 (this column holds integers only)"
    return f"值 {text!r} 不是{kind}"


def parse_number(text: str, *, integer: bool) -> int | float | None:
    """The value of a numeric cell (None when empty), or CellError saying what to type instead."""
    stripped = text.strip(" ")
    if stripped == "":
        return None
    if (_INTEGER if integer else _NUMBER).fullmatch(stripped):
        return int(stripped) if integer else float(stripped)
    raise CellError(_hint(text, integer))
