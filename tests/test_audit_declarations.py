"""The audit's checks as an edition declares them (checks.yaml): what a check reads is what it computed, and a
declaration that cannot run is named by file and line."""

from __future__ import annotations

import csv

import pytest

from jzreport.audit import build_ledger
from jzreport.audit.declarations import DeclarationError
from jzreport.audit.values import Ref
from jzreport.datapackage import checksums
from jzreport.datapackage.load import DataPackage


def _declare(folder, checks: str) -> None:
    (folder / "checks.yaml").write_text("audit:\n  - group: 测试\n    checks:\n" + checks, encoding="utf-8")
    assert checksums.main() == 0


def test_a_check_reads_exactly_what_it_computed_from(data_copy):
    _declare(
        data_copy,
        "      - claim: 实习岗位总数\n"
        '        subject: fact("internship_positions")\n'
        "        let:\n"
        '          unused_here: fact("graduates")\n'
        '        recompute: total(column("internship_units", "positions"))\n',
    )
    (check,) = build_ledger(DataPackage.from_environment()).checks
    with open(data_copy / "internship_units.csv", encoding="utf-8") as handle:
        lines = range(2, 2 + sum(1 for _ in csv.DictReader(handle)))
    cells = {Ref("internship_units.csv", line=n, column="positions") for n in lines}
    assert check.verifies == {Ref.fact("internship_positions")}
    # a name bound by `let` is evaluated, so it counts as read: the record says what was evaluated, not guessed
    assert check.reads == cells | {Ref.fact("graduates")}
    assert check.record(DataPackage.from_environment())["verifies"] == ["reported_facts.csv#internship_positions"]


def test_a_stated_number_no_check_touches_is_stated_only(data_copy):
    _declare(
        data_copy,
        '      - claim: 实习单位数\n        subject: fact("internship_units_count")\n'
        '        recompute: count(rows("internship_units"))\n',
    )
    ledger = build_ledger(DataPackage.from_environment())
    stated_only = {fact.key for fact in ledger.stated_only()}
    assert "internship_units_count" not in stated_only and "internship_positions" in stated_only


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        ('      - claim: x\n        subject: fact("no_such_fact")\n        recompute: null\n', "no_such_fact"),
        ('      - claim: x\n        subject: fact("graduates")\n        recompute: total(\n', "cannot parse"),
        ('      - claim: x\n        subject: fact("graduates")\n        recompute: __import__("os")\n', "not part"),
        (
            '      - claim: x\n        subject: cell("progression", "admitted", year=1999)\n        recompute: null\n',
            "0 rows",
        ),
        ('      - claim: x\n        subject: fact("graduates")\n', "recompute、readings、same"),
    ],
)
def test_a_broken_declaration_names_its_file_and_line(data_copy, checks, expected):
    _declare(data_copy, checks)
    with pytest.raises(DeclarationError) as raised:
        build_ledger(DataPackage.from_environment())
    message = str(raised.value)
    assert "checks.yaml:4" in message and expected in message, message
