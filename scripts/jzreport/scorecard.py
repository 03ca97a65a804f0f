"""The front page's scorecard (关键指标一览): each cell a number with a link to where it comes from.

A number the report states links to its entry on 数字出处 (`stated`); a number the book computes is glued with
its trace (jzreport.prose.say) and links to its entry there (`computed`, `change`); `section` and `verdict` link
to the report's place and to the audit's verdict.
"""

from __future__ import annotations

import pandas as pd

from . import data, edition
from .numbers import fmt_signed
from .prose import say


def number_link(text: str, name: str) -> str:
    """MyST link from a number to its entry on the page 数字出处."""
    return f"[{text}](#number-{name})"


def stated(fact: data.Fact) -> str:
    """A number the report states, as printed with its unit and qualifier (余), linked to its entry."""
    more = "余" if fact.qualifier == "at_least" else ""
    text = f"{fact.text}{more}%" if fact.unit == "%" else f"{fact.text} {more}{fact.unit}"
    return number_link(text, fact.key)


def computed(name: str, text: str, **trace) -> str:
    """A number the book computes, glued with its trace (how, source rows, fact, check), linked to its entry."""
    say(name, text, **trace)
    return number_link(text, name)


def change(name: str, rows: pd.DataFrame, resource: str, column: str, unit: str) -> str:
    """This edition's value less the previous year's, from a yearly table indexed by year."""
    current = edition.current()
    now, before = rows.loc[current.year, column], rows.loc[current.previous_year, column]
    text = f"{fmt_signed(now - before, 2).rstrip('0').rstrip('.')}{unit}"
    return computed(
        name, text, how=f"{current.year} 年减 {current.previous_year} 年", source=data.rows_of(resource, column)
    )


def section(text: str, label: str) -> str:
    """MyST cross-reference to a place in the book (a section, table or figure label)."""
    return f"{{ref}}`{text} <{label}>`"


def verdict(ledger, key: str) -> str:
    """The audit's verdict on check `key`, linked to the audit's table of numbers."""
    return section(str(ledger.verdict(key)), "sec-audit-numbers")
