"""Checks of the report's own text: names written differently, and numbering and cross-references.

`name_checks` reads the book's name register (name_mentions.csv); `numbering_checks` reads the report's text
(source/<edition>-quality-report.txt) itself.
"""

from __future__ import annotations

import re

import pandas as pd

from jzreport.audit.verdicts import CONSISTENT, INCONSISTENT, same_values
from jzreport.datapackage.load import DataPackage


def name_checks(package: DataPackage) -> pd.DataFrame:
    """Each entity of name_mentions.csv with all the ways the report writes it; more than one is inconsistent."""
    mentions = package.load_table("name_mentions")
    rows = []
    for entity, group in mentions.groupby("entity", sort=False):
        rows.append(
            {
                "所指": entity,
                "各处写法": "；".join(f"{n}（{s}）" for n, s in zip(group["name"], group["section"])),
                "结论": str(same_values(list(group["name"]))),
            }
        )
    return pd.DataFrame(rows)


def _row(claim: str, quoted: str, consistent: bool, note: str = "") -> dict[str, str]:
    return {"核查内容": claim, "原报告": quoted, "结论": CONSISTENT if consistent else INCONSISTENT, "说明": note}


def numbering_checks(package: DataPackage) -> pd.DataFrame:
    """Numbering and cross-references, read from the report's own text: references to tables and figures that do
    not exist, section numbers used twice, body sections missing from the table of contents, and the part numbers
    of the closing case (the edition names its title: `closing_case` in its data package) used twice."""
    source = package.settings.source_text.read_text(encoding="utf-8")
    front, body = source.split("\n前言\n", 1)
    table_numbers = set(re.findall(r"^表 (\d+)\t", front, re.M))
    figure_numbers = set(re.findall(r"^图 (\d+)[\t ]", front, re.M))
    toc_sections = re.findall(r"^(\d+(?:\.\d+)*)\.? ?\S.*\t\d+$", front, re.M)
    body_sections = re.findall(r"^(\d+\.\d+(?:\.\d+)?) \S", body, re.M)
    rows = []
    for reference in re.finditer(r"见((?:分析)?(表|图)\s*([\d-]+))", body):
        quoted, kind, number = reference.groups()
        exists = number in (table_numbers if kind == "表" else figure_numbers)
        note = "" if exists else f"报告的{kind}目录中没有此编号（{kind}按 1、2、3… 连续编号）"
        rows.append(_row(f"正文“见{quoted}”所指编号存在", quoted, exists, note))
    for number in sorted({n for n in body_sections if body_sections.count(n) > 1}):
        rows.append(
            _row("正文章节编号不重复", number, False, f"编号 {number} 在正文中出现 {body_sections.count(number)} 次")
        )
    for number in [n for n in dict.fromkeys(body_sections) if n not in toc_sections]:
        rows.append(_row("正文章节列入目录", number, False, f"正文有 {number} 节，目录中没有"))
    closing = package.edition.closing_case
    if closing and closing in body:
        parts = re.findall(r"^([一二三四五六七八九十])、", body.split(closing, 1)[1], re.M)
        for numeral in sorted({p for p in parts if parts.count(p) > 1}):
            rows.append(
                _row("结尾案例的分节编号不重复", f"{numeral}、", False, f"“{numeral}、”出现 {parts.count(numeral)} 次")
            )
    return pd.DataFrame(rows)
