"""Number formatting in the report's style."""

from __future__ import annotations

from jzreport.present.formatting import fmt_number, fmt_pct, fmt_signed, fmt_zh_count


def test_chinese_counts_as_the_report_writes_them():
    assert [fmt_zh_count(n) for n in (1, 2, 7, 10, 20, 23)] == ["一", "两", "七", "十", "二十", "二十三"]
    assert fmt_zh_count(2, ordinal=True) == "二"


def test_numbers_print_as_the_report_prints_them():
    assert fmt_number(1060.0) == "1060" and fmt_number(96.0, 1) == "96.0" and fmt_number(7.8) == "7.8"
    assert fmt_pct(89.0804) == "89.08" and fmt_pct(80.925) == "80.93"
    assert fmt_signed(2.1) == "+2.1" and fmt_signed(-0.5) == "-0.5"


def test_a_computed_number_without_its_trace_is_refused():
    import pytest

    from jzreport.present.prose import say

    with pytest.raises(TypeError, match="how=… or fact="):
        say("untraced_number", "10")
