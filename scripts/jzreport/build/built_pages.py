"""Reading what a built page shows: its tables, its figures' data and its glued numbers.

Used by `make audit` (re-execution compared with the published book) and by the tests.
"""

from __future__ import annotations

import json


def table_rows(table) -> list[list[str]]:
    """Cell texts of a <table> (BeautifulSoup tag), header row first."""
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]


def tables(soup) -> dict[str, list[list[str]]]:
    """Every labelled table of a page: id -> rows."""
    return {table["id"]: table_rows(table) for table in soup.find_all("table", id=True)}


def figures(soup) -> dict[str, list[dict]]:
    """Every plotly figure of a page: its plot's id -> its traces, read from the data beside its static
    image (jzreport.present.figures.figure_html)."""
    return {
        box["data-figure"]: json.loads(box.select_one("script.lazy-figure-data").string)["data"]
        for box in soup.select("div.lazy-figure")
    }


def glued_numbers(soup) -> list[str]:
    """The glued values in the prose, in reading order."""
    return [span.get_text() for span in soup.select("span.pasted-text")]
