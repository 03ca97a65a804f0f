"""Everything a chapter notebook needs, in one import: `from jzreport.chapter import *`.

A chapter reads one edition's data (`book()`: the data package the environment names, jzreport.settings, opened
when the chapter first reads it) and shows its tables and figures as the edition describes them (data/<year>/
displays.yaml): `show_table("majors", frame)`, `show_figure(fig, "students-by-major")`.
"""

from functools import cache

import pandas as pd
from IPython.display import Markdown, display

from jzreport.datapackage.edition import Edition
from jzreport.datapackage.load import DataPackage
from jzreport.present import displays, figures, prose, tables
from jzreport.present.formatting import fmt_number, fmt_signed, fmt_zh_count, share_pct
from jzreport.present.prose import say
from jzreport.present.tables import ReportTable, with_total_row

pd.set_option("display.max_columns", 20)


@cache
def book() -> DataPackage:
    """The edition's data package, as the environment that runs the chapter names it (jzreport.settings)."""
    return DataPackage.from_environment()


def edition() -> Edition:
    return book().edition


def load_table(name: str) -> pd.DataFrame:
    return book().load_table(name)


def rows_of(name: str, column: str | None = None, **equal) -> dict:
    return book().rows_of(name, column, **equal)


def field_titles(name: str) -> dict[str, str]:
    return book().field_titles(name)


def bind_stated_facts() -> dict:
    return prose.bind_stated_facts(book())


def labels(values, source: str | None = None, **options) -> list[str]:
    """A chart's numbers written as the tables print them (jzreport.present.figures.labels)."""
    return figures.labels(values, book(), source, **options)


def show_table(id: str, frame: pd.DataFrame, **options) -> ReportTable:
    """The table `id` of displays.yaml, with the rows of `frame` (options: notes, decimals, markup_columns)."""
    return tables.show_table(book(), displays.display(book(), "tables", id), frame, **options)


def show_figure(fig, id: str, **options) -> figures.ReportFigure:
    """The figure `id` of displays.yaml, drawn by `fig` (option: note)."""
    return figures.show_figure(book(), fig, displays.display(book(), "figures", id), **options)


def book_table(frame: pd.DataFrame, caption: str, label: str, data: list[str], source: str, **options) -> ReportTable:
    """A table of the book's own (the audit's, the scorecard): its caption, anchor, data files and source line."""
    return tables.report_table(book(), frame, caption, label, list(data), source, **options)


__all__ = [
    "Markdown",
    "bind_stated_facts",
    "book",
    "book_table",
    "display",
    "edition",
    "field_titles",
    "fmt_number",
    "fmt_signed",
    "fmt_zh_count",
    "labels",
    "load_table",
    "pd",
    "rows_of",
    "say",
    "share_pct",
    "show_figure",
    "show_table",
    "with_total_row",
]
