"""Numbers in the prose: computed by the chapter, shown by ``{eval}`name``` in the Markdown.

`say("name", text, how=…, source=…)` makes one value available to the prose in both places where a chapter is read:
- the book (Sphinx, myst-nb): the text is glued under `name`, and the book's `{eval}` role pastes it
  from the cached execution (book/_ext/notebook_syntax.py);
- JupyterLab (jupyterlab-myst): `name` is bound in the kernel, where `{eval}` evaluates it.
With it goes the number's trace, glued under `name + TRACE_SUFFIX`: what was computed (`how`), from which
data rows (`source`, made by `DataPackage.rows_of`) and the stated number it restates (`fact`). The book links
the number to its trace on the page 数字出处 (book/_ext/computed_numbers.py), which shows the audit's verdicts
on the stated number it restates (the fact, or the one table cell it was read from), never on anything else.
A number the report states in prose (a row of reported_facts.csv, whose trace is that row) is not glued: the
book pastes it from the CSV, and `bind_stated_facts()` binds it in the kernel for JupyterLab.
"""

from __future__ import annotations

import json

from IPython import get_ipython
from myst_nb import glue

from jzreport.datapackage.load import DataPackage, Fact

TRACE_SUFFIX = "__trace"


class PlainText(str):
    """A string whose text/plain representation is itself (no quotes), for `{eval}` in both renderers."""

    def __repr__(self) -> str:
        return str(self)


def _bind(name: str, value: PlainText) -> None:
    glue(name, value, display=False)
    shell = get_ipython()
    if shell is not None:
        shell.user_ns[name] = value


def say(name: str, text, *, how: str = "", source: dict | list[dict] | None = None, fact: str = "") -> None:
    """Make `text` (already formatted) the value of {eval}`name` in the prose, with its trace.

    how: what the chapter computed, in Chinese ("表 1 所列专业的个数"); source: the data rows it read
    (`rows_of(...)`, or a list of them); fact: the key of the stated number it restates, where the prose
    stands for that number of the report. A number needs `how` or `fact`.
    """
    if not (how or fact):
        raise TypeError(f"say({name!r}, …): tell where the number comes from (how=… or fact=…)")
    sources = [source] if isinstance(source, dict) else list(source or [])
    trace = {"how": how, "rows": sources, "fact": fact}
    _bind(name, PlainText(text))
    glue(name + TRACE_SUFFIX, PlainText(json.dumps(trace, ensure_ascii=False)), display=False)


def bind_stated_facts(package: DataPackage) -> dict[str, Fact]:
    """Every number the report states in prose (reported_facts.csv), by key. Each key is also bound in the
    kernel, where JupyterLab's {eval}`key` finds it as printed; the book pastes these numbers from
    reported_facts.csv itself (book/_ext/notebook_syntax.py), so a chapter's notebook carries no copy of them."""
    facts = package.stated_facts()
    shell = get_ipython()
    if shell is not None:
        shell.user_ns.update({key: PlainText(fact.text) for key, fact in facts.items()})
    return facts
