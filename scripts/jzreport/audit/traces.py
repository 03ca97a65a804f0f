"""The verdict shown beside a number of the book, derived from the audit's record (jzreport.audit.ledger).

For a stated number (a fact, a table cell): each check that verifies it ("核查 A1-06：一致"), then each check that
reads it as an input ("用于 A2-01（不一致：90.81% 与 434 ÷ 567 = 76.54%）"), each linked to the check's own anchor;
仅陈述 when no check touches it (and then the audit's table of stated-only numbers lists it).
"""

from __future__ import annotations

from jzreport.audit.ledger import VERIFIES, Ledger
from jzreport.audit.values import Ref
from jzreport.audit.verdicts import STATED_ONLY

STATED_ONLY_SECTION = "sec-audit-stated"  # the audit's table of numbers no check touches


def verdict_parts(ledger: Ledger, ref: Ref) -> list[tuple[str, str]]:
    """(text, anchor of the check) for every check that verifies or reads `ref`; empty: stated only."""
    parts = []
    for relation, check in ledger.relations(ref):
        if relation == VERIFIES:
            parts.append((f"核查 {check.id}：{check.verdict}", check.anchor))
        else:
            parts.append((f"用于 {check.id}（{check.verdict.status}：{check.summary}）", check.anchor))
    return parts


def verdict_myst(ledger: Ledger, ref: Ref) -> str:
    """The verdicts on `ref` as MyST, each a link to its check."""
    parts = verdict_parts(ledger, ref)
    if not parts:
        return f"{{ref}}`{STATED_ONLY} <{STATED_ONLY_SECTION}>`"
    return "；".join(f"{{ref}}`{_role_text(text)} <{anchor}>`" for text, anchor in parts)


def verdict_table(ledger: Ledger) -> dict[str, list[list[str]]]:
    """Every stated number any check touches -> its verdicts [text, anchor], by the number's id (Ref.id): what the
    page 数字出处 needs to show the verdict beside a number the book computed (book/_ext/computed_numbers.py)."""
    refs = {ref for check in ledger.checks for ref in check.verifies | check.reads}
    return {ref.id: [list(part) for part in verdict_parts(ledger, ref)] for ref in sorted(refs)}


def _role_text(text: str) -> str:
    """Text for a role's title: no backtick or angle bracket can end it early."""
    return text.replace("`", "'").replace("<", "＜").replace(">", "＞")
