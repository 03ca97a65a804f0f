"""Hostile text in a data cell stays inert in every output: HTML pages, the figures' images and text
alternatives, the interactive figure, the search page, the Excel files and the PDF.

A copy of the repository gets majors named with HTML, script, LaTeX commands, spreadsheet formulas and MyST
markup (table 2 and figure 2 show them), records the edit as an editor does and builds the HTML and the PDF, with
no network when the tests run as root (CI does): nothing of the build may need the internet.
The real clients judge: chromium runs the pages (no dialog may open, no element may be injected), openpyxl reads
the workbook, pdftotext reads the PDF.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from tests.helpers import EDITION, build_copy, can_go_offline, copy_repository

HOSTILE = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    r"\input{/etc/passwd}",
    r"\immediate\write18{touch /tmp/jz-pwned}",
    '=HYPERLINK("http://example.invalid","点我")',
    "{eval}`graduates` [链接](javascript:alert(3)) **粗**",
]


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    repo = copy_repository(tmp_path_factory.mktemp("hostile") / "repo")
    csv = repo / "data" / str(EDITION.year) / "enrolment_by_major.csv"
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    frame.loc[: len(HOSTILE) - 1, "major"] = HOSTILE
    frame.to_csv(csv, index=False, lineterminator="\n")
    env = {**os.environ, "PYTHONPATH": str(repo / "scripts")}
    env.pop("JZREPORT_DATA_DIR", None)
    recorded = subprocess.run(
        [sys.executable, "-m", "jzreport.datapackage.checksums"], cwd=repo, capture_output=True, text=True, env=env
    )
    assert recorded.returncode == 0, recorded.stderr
    for target in ("html", "pdf"):
        result = build_copy(repo, target, without_network=can_go_offline())
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return repo / "book" / "_build" / "html"


def test_tables_and_text_alternatives_show_the_text(hostile_build):
    page = BeautifulSoup((hostile_build / "chapters" / "01-school-overview.html").read_text("utf-8"), "html.parser")
    cells = [cell.get_text("", strip=True) for cell in page.select("table#tbl-enrolment td")]
    for text in HOSTILE:
        assert text in cells, text
    for script in page.find_all("script"):
        if script.get("type") != "application/json":
            assert "alert" not in script.get_text(), script
    assert not page.select("[onerror]") and not page.select('a[href^="javascript:"]')
    alt = page.select_one("img.lazy-figure-image")["alt"]
    assert all(text in alt for text in HOSTILE)


def test_the_figure_image_holds_text_not_markup(hostile_build):
    page = BeautifulSoup((hostile_build / "chapters" / "01-school-overview.html").read_text("utf-8"), "html.parser")
    source = page.select_one("img.lazy-figure-image")["src"]
    svg = urllib.parse.unquote(source.split(",", 1)[1])
    root = ElementTree.fromstring(svg)  # well-formed: nothing broke out of the markup
    assert not [e for e in root.iter() if e.tag.endswith(("script", "foreignObject", "image"))]
    texts = "".join(root.itertext())
    assert any(text in texts for text in HOSTILE)  # the tick labels that fit are drawn as text


def test_nothing_runs_in_the_browser(hostile_build, browser):
    """The chapter, its interactive figure and the search for the hostile text: no dialog opens, no element is
    injected."""
    dialogs = []
    page = browser.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((hostile_build / "chapters" / "01-school-overview.html").as_uri())
    page.locator("button.lazy-figure-start").first.click()
    page.wait_for_selector(".lazy-figure-plot .main-svg", timeout=20_000)
    page.wait_for_timeout(500)
    assert page.locator("img[onerror], script:has-text('alert')").count() == 0
    for query in ["onerror", "script", "HYPERLINK"]:
        page.goto((hostile_build / "search.html").as_uri() + "?q=" + urllib.parse.quote(query))
        page.wait_for_selector("#book-search-status")
        results = page.locator("#book-search-results")
        assert results.locator("img, script, a[href^='javascript']").count() == 0
        assert query.lower() in results.inner_text().lower()
    page.close()
    assert dialogs == []


def test_a_formula_in_the_data_stays_text_in_excel(hostile_build):
    from openpyxl import load_workbook

    (path,) = hostile_build.rglob("tbl-enrolment.xlsx")
    book = load_workbook(io.BytesIO(path.read_bytes()))
    kinds = {cell.value: cell.data_type for row in book.active.iter_rows() for cell in row if cell.value in HOSTILE}
    assert set(kinds) == set(HOSTILE) and set(kinds.values()) == {"s"}, kinds


def test_latex_commands_print_literally(hostile_build):
    pdf = hostile_build / EDITION.pdf_name
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert r"\input{/etc/passwd}" in flat and r"\immediate\write18{touch/tmp/jz-pwned}" in flat
    assert "root:x:0:0" not in text  # nothing was read from the file system
    assert not Path("/tmp/jz-pwned").exists()
    assert zipfile.is_zipfile(hostile_build / EDITION.data_zip_name)
