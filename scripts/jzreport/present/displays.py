"""Each table and figure of an edition, described once: data/<year>/displays.yaml, a resource of its data package.

A description gives the caption, the anchor, the report's table or figure number and section, the data files
and (tables) the columns' widths; the source line under a table or figure is derived from it. Chapters show a
table or figure by its id (jzreport.chapter.show_table, show_figure); the tests read the same descriptions to
know what each table shows (`shows`, `computed_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from jzreport.datapackage.load import DataError, DataPackage

RESOURCE = "displays"


@dataclass(frozen=True)
class Display:
    """How the book shows one table or figure."""

    id: str
    caption: str
    label: str
    data: list[str]
    report_number: str  # "表 1", "图 42", "" for a figure of the book's own
    section: str  # "1.1 节"
    drawn_from: str = ""  # a figure's table or text ("表 2")
    widths: list[int] | None = None
    shows: list[str] = field(default_factory=list)
    computed_rows: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        """Where it comes from in the report, as the source line under it says it."""
        if not self.drawn_from:
            return f"原报告{self.report_number}（{self.section}）"
        if self.report_number:
            return f"原报告{self.report_number}（{self.section}），据{_between_words(self.drawn_from)}绘制"
        return f"原报告无此图，据原报告{self.drawn_from}（{self.section}）绘制"


def _between_words(text: str) -> str:
    """`text` set between Chinese words, as the book writes numbers and Latin words: a space on each side where it
    begins or ends with a Latin letter or digit ("据表 2 绘制", "据 7.3 节正文数字绘制")."""
    latin = [part.isascii() and part.isalnum() for part in (text[:1], text[-1:])]
    return (" " if latin[0] else "") + text + (" " if latin[1] else "")


def _display(package: DataPackage, kind: str, id: str, entry: dict) -> Display:
    edition = package.edition
    report = entry.get("report", {})
    try:
        return Display(
            id=id,
            caption=str(entry["caption"]).format(year=edition.year, previous_year=edition.previous_year),
            label=entry["label"],
            data=list(entry["data"]),
            report_number=report.get("table") or report.get("figure") or "",
            section=str(report["section"]),
            drawn_from=report.get("drawn_from", ""),
            widths=entry.get("widths"),
            shows=list(entry.get("shows", [])),
            computed_rows=list(entry.get("computed_rows", [])),
        )
    except KeyError as missing:
        raise DataError(f"{package.path_of(RESOURCE)}: {kind}.{id} 缺少 {missing} (no {missing})") from None


def displays(package: DataPackage) -> dict[str, dict[str, Display]]:
    """{"tables": {id: Display}, "figures": {id: Display}}, in the order described."""
    described = yaml.safe_load(package.read_text(RESOURCE)) or {}
    return {
        kind: {id: _display(package, kind, id, entry) for id, entry in (described.get(kind) or {}).items()}
        for kind in ("tables", "figures")
    }


def display(package: DataPackage, kind: str, id: str) -> Display:
    found = displays(package)[kind]
    if id not in found:
        raise DataError(
            f"{package.path_of(RESOURCE)} 中没有 {kind} 的 {id!r} (no {kind[:-1]} {id!r} described; known: {sorted(found)})"
        )
    return found[id]
