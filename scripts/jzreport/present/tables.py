"""Report tables as real (MyST list-table) tables with the report's number in the caption.

A `ReportTable` displays as `text/markdown`; myst-nb parses it as MyST (`nb_render_markdown_format:
myst`), so the HTML gets a real <table> with an anchor and the LaTeX builder a real tabular. Every cell
is escaped text; numbers are formatted by the schema's `decimals` where the report prints fixed places.
A table of the report (described in displays.yaml) also carries its cells as data, under the book's own
mimetype (TABLE_MIME), which no renderer shows: the ledger of the book's numbers reads every cell shown from
it (jzreport.releases.ledger).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from jzreport.datapackage.load import DataPackage, is_table
from jzreport.present import formatting, markup, provenance
from jzreport.present.displays import Display

TABLE_MIME = "application/vnd.jzreport.table+json"  # a report table's cells, as shown (read by jzreport.releases)


def format_cell(value, decimals: int | None = None) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return formatting.fmt_number(value, decimals)
    return str(value)


@dataclass
class ReportTable:
    """A table of the report: `frame` holds the rows exactly as they will be shown."""

    package: DataPackage = field(repr=False, compare=False)
    frame: pd.DataFrame
    caption: str
    label: str
    sources: list[str]
    source: str  # where it comes from in the report, as its source line says it
    decimals: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    widths: list[int] | None = None
    markup_columns: set[str] = field(default_factory=set)  # cells written by code as MyST (links), not data
    display_id: str = ""  # its id in displays.yaml (a table of the report's; empty for a table of the book's own)

    def cells(self) -> list[list[str]]:
        """Header row followed by body rows, as displayed text."""
        rows = [[str(c) for c in self.frame.columns]]
        for record in self.frame.itertuples(index=False):
            rows.append([format_cell(v, self.decimals.get(c)) for c, v in zip(self.frame.columns, record)])
        return rows

    def to_myst(self) -> str:
        lines = [
            f"```{{list-table}} {markup.escape(self.caption)}",
            ":header-rows: 1",
            f":name: {self.label}",
            ":class: report-table",
            ":enumerated: false",  # the report's number is in the caption (no "Table 1:" in JupyterLab)
        ]
        if self.widths:
            lines.append(":widths: " + " ".join(str(w) for w in self.widths))
        lines.append("")
        escaped = [column not in self.markup_columns for column in self.frame.columns]
        for number, row in enumerate(self.cells()):
            cells = [markup.escape(cell) if number == 0 or escape else cell for cell, escape in zip(row, escaped)]
            lines.append(f"* - {cells[0] or ' '}")
            lines.extend(f"  - {cell or ' '}" for cell in cells[1:])
        lines.append("```")
        lines.append("")
        lines.extend(markup.note("table-note", f"编者注：{note}") for note in self.notes)
        lines.append(markup.note("provenance", provenance.line(self.package, self.sources, self.source)))
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.to_myst()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle: dict[str, object] = {"text/markdown": self.to_myst()}
        if self.display_id:
            bundle[TABLE_MIME] = {"id": self.display_id, "label": self.label, "cells": self.cells()}
        return bundle


def schema_decimals(package: DataPackage, resource: str) -> dict[str, int]:
    """Fixed decimal places the schema gives (`decimals`), by column name and by its Chinese title."""
    if not is_table(package.resource(resource)):
        return {}
    titles = package.field_titles(resource)
    places = package.field_decimals(resource)
    return {**places, **{titles[name]: d for name, d in places.items()}}


def report_table(
    package: DataPackage, frame: pd.DataFrame, caption: str, label: str, data: list[str], source: str, **options
) -> ReportTable:
    """A table from an already-shaped DataFrame (columns named as the report prints them), its data files and its
    place in the report (`source`). Numbers are printed with the decimal places their schema fixes (e.g. 96.0),
    unless `decimals` is given."""
    if "decimals" not in options:
        options["decimals"] = {k: v for name in data for k, v in schema_decimals(package, name).items()}
    return ReportTable(package, frame.reset_index(drop=True), caption, label, list(data), source, **options)


def show_table(package: DataPackage, display: Display, frame: pd.DataFrame, **options) -> ReportTable:
    """A table of the report as its description says (jzreport.present.displays): caption, anchor, data, widths."""
    options.setdefault("widths", display.widths)
    options.setdefault("display_id", display.id)
    return report_table(package, frame, display.caption, display.label, display.data, display.source, **options)


def with_total_row(
    frame: pd.DataFrame, label_column: str, label: str, sum_columns: list[str], fill: str = "-"
) -> pd.DataFrame:
    """Append a total row: the sum of `sum_columns`, `label` in `label_column`, `fill` elsewhere."""
    total: dict[str, object] = {c: fill for c in frame.columns}
    total[label_column] = label
    for column in sum_columns:
        total[column] = frame[column].sum()
    return pd.concat([frame.astype(object), pd.DataFrame([total], dtype=object)], ignore_index=True)
