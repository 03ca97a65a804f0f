"""Changing a CSV value changes both the prose number and the audit verdict that depend on it."""

from __future__ import annotations

import pandas as pd

from jzreport.build.notebook_runner import execute, glued, markdown_outputs
from jzreport.datapackage import checksums
from jzreport.datapackage.load import DataPackage
from tests.helpers import CHAPTER_DIR, EDITION


def _audit_row(markdown: str, claim: str) -> str:
    """The cells of the audit table row whose claim (second cell) is `claim` (markdown escapes removed)."""
    rows = markdown.replace("\\", "").split("\n* - ")
    (row,) = [row for row in rows if f"\n  - {claim}\n" in row]
    return row


def test_csv_edit_reaches_prose_and_audit(data_copy):
    units = pd.read_csv(data_copy / "internship_units.csv", dtype=str)
    units.loc[units["company"] == "川达集团", "positions"] = "17"
    units.to_csv(data_copy / "internship_units.csv", index=False)
    assert checksums.main() == 0  # record the deliberate edit in the copy's descriptor

    chapter = execute(CHAPTER_DIR / "02-talent-cultivation.md")
    assert glued(chapter)["internship_positions_total"] == "317"

    audit = execute(CHAPTER_DIR / "10-audit.md")
    row = _audit_row(markdown_outputs(audit), "实习岗位总数")
    assert "317" in row and "不一致（差 +1）" in row


def test_unchanged_data_give_consistent_verdict():
    audit = execute(CHAPTER_DIR / "10-audit.md")
    row = _audit_row(markdown_outputs(audit), "实习岗位总数")
    assert "316" in row and "一致" in row and "不一致" not in row


def _rows_by_claim(ledger) -> dict[str, list[dict]]:
    rows = {}
    for check in ledger.checks:
        rows.setdefault(check.claim, []).append(check.row())
    return rows


def test_audit_text_follows_stated_values(data_copy):
    """Every audit row about a stated value follows it: the arithmetic, the verdict and the explanation."""
    from jzreport.audit import build_ledger

    stated = pd.read_csv(data_copy / "reported_facts.csv", dtype=str, keep_default_na=False)
    for key, value in [
        ("weld_cycle_from", "40"),
        ("graduates_placed", "500"),
        ("double_qualified_share_after_case21", "85"),
        ("progression_rate_1_1", "89"),
    ]:
        assert (stated["key"] == key).sum() == 1
        stated.loc[stated["key"] == key, "value"] = value
    stated.to_csv(data_copy / "reported_facts.csv", index=False)
    assert checksums.main() == 0
    rows = _rows_by_claim(build_ledger(DataPackage.from_environment()))

    weld = rows["焊接单元效率提升倍数"][0]
    assert weld["由数据重算"] == "40 ÷ 10 − 1 = 3" and weld["结论"].startswith("不一致")
    assert "40 → 10" in weld["说明"] and "原来的 4 倍" in weld["说明"] and "提升 3 倍" in weld["说明"]
    assert "30" not in weld["说明"]

    employment = rows[f"{EDITION.year} 届毕业生就业率"][0]
    assert (
        "500 ÷ 567 = 88.18%" in employment["由数据重算"]
        and "(500 − 330) ÷ (567 − 330) = 71.73%" in employment["由数据重算"]
    )
    assert employment["结论"] == "不一致（2 种口径均不符）" and "去向落实 500 人" in employment["说明"]

    share = rows["专任教师中“双师型”教师比例"][0]
    assert "提升至 85%" in share["说明"] and "80" not in share["说明"]

    progression = rows[f"{EDITION.year} 届毕业生升学率"][0]
    assert f"报告所列 89% 与表 5 {EDITION.year} 升学率相同" in progression["说明"]


def test_audit_counts_trades_by_the_name_register():
    """表 11 writes 电焊工 and 焊工 (and 数控车工 for 车工); the book's name register makes them one trade."""
    from jzreport.audit import build_ledger

    trades = _rows_by_claim(build_ledger(DataPackage.from_environment()))["认定工种数"][0]
    assert trades["由数据重算"].startswith("5（") and trades["结论"] == "一致（视为同一事项）"
    assert "电焊工、焊工 视为同一认定工种：焊工" in trades["说明"]
