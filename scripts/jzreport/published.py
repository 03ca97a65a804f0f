"""Reading what a built page shows: its tables, its figures' data and its glued numbers.

Used by `make audit` (re-execution compared with the published book) and by the tests.
"""
from __future__ import annotations

import json
import re

_NEW_PLOT = re.compile(r'Plotly\.newPlot\(\s*"(?P<id>[^"]+)",\s*(?P<rest>.*)', re.S)


def table_rows(table) -> list[list[str]]:
    """Cell texts of a <table> (BeautifulSoup tag), header row first."""
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]


def tables(soup) -> dict[str, list[list[str]]]:
    """Every labelled table of a page: id -> rows."""
    return {table["id"]: table_rows(table) for table in soup.find_all("table", id=True)}


def figures(soup) -> dict[str, list[dict]]:
    """Every plotly figure of a page: div id -> its traces, parsed from the inline Plotly.newPlot call."""
    found = {}
    decoder = json.JSONDecoder()
    for script in soup.find_all("script"):
        match = _NEW_PLOT.search(script.string or "")
        if match:
            traces, _ = decoder.raw_decode(match.group("rest"))
            found[match.group("id")] = traces
    return found


def glued_numbers(soup) -> list[str]:
    """The glued values in the prose, in reading order."""
    return [span.get_text() for span in soup.select("span.pasted-text")]
