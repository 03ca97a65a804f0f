"""Where each number of the prose comes from: the page 数字出处 and the links to it.

Every number the report states is a row of reported_facts.csv. The page lists each with its value and unit as
printed, its place in the report and the report's own words around it (原文, verbatim) or, for a number printed
only in a table, the book's description of that place; the data file and row (with the file's sha256); and the
audit's verdicts on it, derived from what each check verified and read (jzreport.audit.traces). `{eval}` in the
prose links each such number to its entry (book/_ext/notebook_syntax.py), so a reader follows any stated number
to its row and verdict with one tap.
"""

from __future__ import annotations

import json

from myst_nb import glue

from jzreport.audit import Ledger, traces
from jzreport.audit.values import Ref
from jzreport.audit.verdicts import QUALIFIER_MARK
from jzreport.datapackage.load import DataPackage, Fact
from jzreport.present import markup
from jzreport.present.prose import PlainText

VERDICTS_KEY = "audit_verdicts"  # read by book/_ext/computed_numbers.py


def label(key: str) -> str:
    """The anchor of a stated number's entry on the page."""
    return "fact-" + key.replace("_", "-")


def _words(fact: Fact) -> str:
    if fact.quote:
        return f"原文：“{markup.escape(fact.quote)}”"
    return f"表中位置（本书的描述）：{markup.escape(fact.place)}"


def entries(package: DataPackage, ledger: Ledger) -> str:
    """MyST for every stated number, in the order of reported_facts.csv (the order of the report)."""
    sha = package.recorded_sha256("reported_facts")[:12]
    blocks = []
    for row, fact in enumerate(package.stated_facts().values(), start=2):  # row 1 is the header
        mark = QUALIFIER_MARK[fact.qualifier]
        unit = fact.unit if fact.unit in ("", "%") else " " + fact.unit
        value = f"**{markup.escape(fact.text + unit)}**"
        blocks.append(
            f"({label(fact.key)})=\n"
            + markup.note(
                "fact-source",
                f"{value}{f'（{mark}）' if mark else ''}　{markup.escape(fact.section)}　{_words(fact)}\n\n"
                f"数据：`reported_facts.csv` 第 {row} 行，键 `{fact.key}`（文件 sha256 {sha}）　"
                f"核查：{traces.verdict_myst(ledger, Ref.fact(fact.key))}",
            )
        )
    return "\n".join(blocks)


def glue_verdicts(ledger: Ledger) -> None:
    """Glue the verdicts on every stated number a check touches, by the number's id, for the entries of computed
    numbers (book/_ext/computed_numbers.py)."""
    glue(VERDICTS_KEY, PlainText(json.dumps(traces.verdict_table(ledger), ensure_ascii=False)), display=False)
