"""Everything a chapter notebook needs, in one import: `from jzreport.chapter import *`."""
from __future__ import annotations

import pandas as pd
from IPython.display import Markdown, display

from . import markup
from .data import fact, facts, field_titles, load_table, rows_of
from .figures import figure_output
from .numbers import fmt_number, fmt_pct, fmt_signed, fmt_zh_count, share_pct
from .prose import glue_facts, say
from .provenance import line as provenance_line
from .tables import report_table, with_total_row

pd.set_option("display.max_columns", 20)


def show(*objects) -> None:
    display(*objects)


def figure(fig, label: str, caption: str, sources: list[str] | str, report_ref: str | None = None, note: str | None = None) -> None:
    """Show a plotly figure with its caption (report's figure number) and provenance line."""
    sources = [sources] if isinstance(sources, str) else sources
    display(figure_output(fig, label, caption))
    text = f"({label})=\n" + markup.note("figure-caption", caption) + "\n"
    if note:
        text += markup.note("table-note", f"编者注：{note}") + "\n"
    text += markup.note("provenance", provenance_line(sources, report_ref=report_ref))
    display(Markdown(text))


__all__ = [
    "Markdown", "display", "fact", "facts", "field_titles", "figure", "fmt_number",
    "fmt_pct", "fmt_signed", "fmt_zh_count", "glue_facts", "load_table", "pd", "provenance_line", "report_table", "rows_of", "say",
    "share_pct", "show", "with_total_row",
]
