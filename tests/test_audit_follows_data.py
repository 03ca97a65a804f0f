"""Changing a CSV value changes both the prose number and the audit verdict that depend on it."""
from __future__ import annotations


import pandas as pd

from conftest import CHAPTER_DIR
from jzreport import data, record
from notebook_runner import execute, glued, markdown_outputs


def _audit_row(markdown: str, claim: str) -> str:
    """The cells of the audit table row whose first cell is `claim` (markdown escapes removed)."""
    after = markdown.replace("\\", "").split(f"* - {claim}\n", 1)[1]
    return after.split("\n* - ", 1)[0]


def test_csv_edit_reaches_prose_and_audit(data_copy):
    units = pd.read_csv(data_copy / "internship_units.csv", dtype=str)
    units.loc[units["company"] == "川达集团", "positions"] = "17"
    units.to_csv(data_copy / "internship_units.csv", index=False)
    assert record.main() == 0  # record the deliberate edit in the copy's descriptor
    data.clear_caches()

    chapter = execute(CHAPTER_DIR / "02-talent-cultivation.md")
    assert glued(chapter)["internship_positions_total"] == "317"

    audit = execute(CHAPTER_DIR / "10-audit.md")
    row = _audit_row(markdown_outputs(audit), "实习岗位总数")
    assert "317" in row and "不一致（差 +1）" in row


def test_unchanged_data_give_consistent_verdict():
    audit = execute(CHAPTER_DIR / "10-audit.md")
    row = _audit_row(markdown_outputs(audit), "实习岗位总数")
    assert "316" in row and "一致" in row and "不一致" not in row
