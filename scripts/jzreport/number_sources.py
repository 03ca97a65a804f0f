"""Where each number of the prose comes from: the page 数字出处 and the links to it.

Every number the report states in prose is a row of reported_facts.csv. The page lists each with its value
and unit, the report's section and original sentence, the data file and row (with the file's sha256) and
the audit's verdicts on it; `{eval}` in the prose links each such number to its entry (book/_ext/
notebook_syntax.py), so a reader follows any stated number to its row and verdict with one tap.
"""

from __future__ import annotations

import json

from myst_nb import glue

from . import data, markup
from .audit import AuditLedger
from .prose import PlainText

VERDICTS_KEY = "audit_verdicts"  # read by book/_ext/computed_numbers.py


def label(key: str) -> str:
    """The anchor of a stated number's entry on the page."""
    return "fact-" + key.replace("_", "-")


def _verdicts(numbered: list, key: str) -> str:
    found = [(number, check) for number, _, check in numbered if check.key == key]
    if not found:
        return "仅陈述（报告未公布可重算它的数据，见{ref}`审计附录第五节 <sec-audit-stated>`）"
    return "；".join(
        f"{{ref}}`{number} {check.verdict} <sec-audit-numbers>`（{markup.escape(check.claim)}）"
        for number, check in found
    )


def entries(ledger: AuditLedger) -> str:
    """MyST for every stated number, in the order of reported_facts.csv (the order of the report)."""
    sha = data.recorded_sha256("reported_facts")[:12]
    numbered = ledger.numbered()
    blocks = []
    for row, fact in enumerate(data.stated_facts().values(), start=2):  # row 1 is the header
        more = {"at_least": "（余/以上）", "about": "（约）"}.get(fact.qualifier, "")
        blocks.append(
            f"({label(fact.key)})=\n"
            + markup.note(
                "fact-source",
                f"**{markup.escape(fact.text)} {markup.escape(fact.unit)}**{more}　{markup.escape(fact.section)}　"
                f"原文：“{markup.escape(fact.statement)}”\n\n"
                f"数据：`reported_facts.csv` 第 {row} 行，键 `{fact.key}`（文件 sha256 {sha}）　核查：{_verdicts(numbered, fact.key)}",
            )
        )
    return "\n".join(blocks)


def glue_verdicts(ledger: AuditLedger) -> None:
    """Glue every check's id and verdict by its key, for the entries of computed numbers (book/_ext/computed_numbers.py)."""
    verdicts: dict[str, list[str]] = {}
    for number, _, check in ledger.numbered():
        if check.key:
            verdicts.setdefault(check.key, []).append(f"{number} {check.verdict}（{check.claim}）")
    glue(VERDICTS_KEY, PlainText(json.dumps(verdicts, ensure_ascii=False)), display=False)
