"""Sphinx extension of this book: every table as an Excel workbook, and the data package as one download.

Readers take the report's tables into Excel. The versioned CSV files (UTF-8, English column names) stay as
they are; beside each table the HTML book offers an ``.xlsx`` of the table *as the reader sees it*: the
Chinese headings, numbers as numbers (a percentage as a percentage), one sheet named by the table's
number, and the table's source line under it. The workbook is made from the page's own table when the
page is written, so it always matches the page, and linked from the table's source line.

The whole data package (``datapackage.json`` and every CSV) is published as one zip, linked from the
front page and the colophon. Both kinds of file carry the build's time (SOURCE_DATE_EPOCH), not the
clock, so two builds of one commit give identical bytes.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path

from docutils import nodes
from edition import package

FOLDER = "_tables"
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?%?$")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _build_time() -> tuple[int, int, int, int, int, int]:
    """The build's time (jzreport.build.run.build_moment) as a zip entry's date, which cannot be before 1980."""
    from jzreport.build.run import build_moment

    moment = build_moment()
    return max(
        (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second), (1980, 1, 1, 0, 0, 0)
    )


def reproducible_zip(members: list[tuple[str, bytes]]) -> bytes:
    """A zip of the members in the given order, every entry dated at the build time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=_build_time())
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def _cell_value(text: str):
    text = text.strip()
    if not _NUMBER.match(text):
        return text, None
    if text.endswith("%"):
        value = float(text[:-1]) / 100
        decimals = len(text[:-1].partition(".")[2])
        pattern = "0" + ("." + "0" * decimals if decimals else "") + "%"
        return value, f"+{pattern};-{pattern};{pattern}" if text[0] in "+-" else pattern  # a printed sign stays
    value = float(text)
    return (int(value) if value.is_integer() and "." not in text else value), None


def _rows(table: nodes.table) -> list[list[str]]:
    return [
        [entry.astext().replace("\n", " ") for entry in row.findall(nodes.entry)] for row in table.findall(nodes.row)
    ]


def _sheet_name(caption: str) -> str:
    match = re.match(r"^(表\s*[\d\-–]+|图\s*\d+)", caption)
    name = match.group(1) if match else caption
    return _SHEET_FORBIDDEN.sub(" ", name)[:31] or "表"


def _append(sheet, values: list) -> None:
    """A row of the sheet; every text stays text: openpyxl would store a text starting with "=" as a formula,
    which Excel and WPS then evaluate (a data cell could run a formula on the reader's machine)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def workbook(caption: str, rows: list[list[str]], source: str, creator: str) -> bytes:
    """The table as an .xlsx: caption, header, rows (numbers as numbers), then the source line."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = _sheet_name(caption)
    _append(sheet, [caption])
    sheet["A1"].font = Font(bold=True)
    for index, row in enumerate(rows):
        values = [_cell_value(text) if index else (text, None) for text in row]
        _append(sheet, [value for value, _ in values])
        for column, (_, number_format) in enumerate(values, start=1):
            if number_format:
                sheet.cell(row=sheet.max_row, column=column).number_format = number_format
        if index == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    sheet.append([])
    _append(sheet, [source])
    book.properties.creator = creator
    saved = io.BytesIO()
    book.save(saved)
    return dated(saved.getvalue())


def dated(xlsx: bytes) -> bytes:
    """The workbook `xlsx` dated at the build's time: its "created" and "modified" properties and its zip
    entries (openpyxl dates them by the clock)."""
    stamp = datetime.datetime(*_build_time()).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    members = []
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename == "docProps/core.xml":
                content = _DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            members.append((info.filename, content))
    return reproducible_zip(members)


def _add_workbooks(app, doctree, docname: str) -> None:
    if app.builder.format != "html":
        return
    folder = Path(app.outdir) / FOLDER
    for table in list(doctree.findall(nodes.table)):
        if not table["ids"] or "report-table" not in table.get("classes", []):
            continue
        label = table["ids"][0]
        title = next(iter(table.findall(nodes.title)), None)
        caption = title.astext() if title is not None else label
        parent = table.parent
        following = parent.children[parent.index(table) + 1 :]
        source = next((n for n in following if isinstance(n, nodes.paragraph) and "provenance" in n["classes"]), None)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{label}.xlsx").write_bytes(
            workbook(caption, _rows(table), source.astext() if source is not None else "", package(app).edition.title)
        )
        if source is not None:
            href = "../" * docname.count("/") + f"{FOLDER}/{label}.xlsx"
            source += nodes.Text("｜Excel：")
            source += nodes.reference("", f"{label}.xlsx", refuri=href, classes=["xlsx-download"])


def _publish_data_package(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    folder = package(app).folder
    members = [(f"data/{path.name}", path.read_bytes()) for path in sorted(folder.iterdir()) if path.is_file()]
    (Path(app.outdir) / package(app).edition.data_zip_name).write_bytes(reproducible_zip(members))


def setup(app):
    app.connect("doctree-resolved", _add_workbooks)
    app.connect("build-finished", _publish_data_package)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
