"""The audit's verdict logic: consistent, inconsistent and rounding-tolerance cases."""

from __future__ import annotations

from jzreport.audit.verdicts import CONSISTENT, INCONSISTENT, NOT_DERIVABLE, compare, same_values, tolerance_of


def test_consistent_case():
    assert compare("316", 150 + 150 + 16).status == CONSISTENT


def test_inconsistent_case_reports_difference():
    verdict = compare("90.81", 100 * 434 / 567)
    assert verdict.status == INCONSISTENT
    assert round(verdict.difference, 2) == -14.27
    assert "差" in str(verdict)


def test_rounding_tolerance_follows_printed_precision():
    assert tolerance_of("89") == 0.5 and tolerance_of("98.3") == 0.05
    assert compare("89", 100 * 155 / 174).status == CONSISTENT  # 89.08 printed as 89
    assert compare("96.5", 100 * 82 / 85).status == CONSISTENT  # 96.47 printed as 96.5
    assert compare("96.4", 100 * 82 / 85).status == INCONSISTENT  # 96.47 is not 96.4 at one decimal
    assert compare("60", 100 * 74 / 124).status == CONSISTENT  # 59.68 printed as 60


def test_qualified_values():
    assert compare("1700", 393, "at_least").status == INCONSISTENT
    assert compare("100", 111, "at_least").status == CONSISTENT
    assert compare("2", 30 / 10 - 1, "about").status == CONSISTENT


def test_not_derivable_and_repeated_facts():
    assert compare("80", None).status == NOT_DERIVABLE
    assert same_values(["71.6", "71.6"]).status == CONSISTENT
    assert same_values(["71.6", "80"]).status == INCONSISTENT
