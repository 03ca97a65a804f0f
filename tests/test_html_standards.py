"""The HTML book judged by outside tools and by what readers do with it: the Nu Html Checker (vnu-jar),
pages ready to share (meta description, Open Graph, distinct titles, robots.txt), every table as an Excel
workbook, and the whole data package as one download. axe-core runs in the browser tests."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest

from tests.helpers import EDITION, PACKAGE, SETTINGS, TOOLS, all_pages, soup_of, table_rows


def test_nu_html_checker_reports_no_errors(html_dir):
    jar = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
    assert jar.exists(), "run `make test` (it installs tests/tools with npm)"
    result = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "gnu", *map(str, all_pages())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0 and not result.stderr.strip() and not result.stdout.strip(), result.stderr[:3000]


def test_folded_code_toggle_is_named_by_its_visible_label(html_dir):
    toggles = soup_of(html_dir / "chapters" / "02-talent-cultivation.html").select("details.hide > summary")
    assert toggles
    for summary in toggles:
        assert not summary.has_attr("aria-label") and summary.find("p") is None
        assert summary.select_one("span.collapsed").get_text() == "显示计算代码"


def test_every_page_is_ready_to_share(html_dir):
    titles = []
    for page in all_pages():
        soup = soup_of(page)
        description = soup.find("meta", attrs={"name": "description"})
        assert description and len(description["content"]) > 20, page.name
        if page.name in ("search.html", "genindex.html"):
            continue  # no paragraph of their own to share
        for name in ("og:title", "og:description", "og:type", "og:site_name"):
            assert soup.find("meta", property=name), (page.name, name)
        titles.append(soup.title.get_text())
    assert len(set(titles)) == len(titles), "two pages share a <title>"
    book = EDITION.title
    assert soup_of(html_dir / "index.html").title.get_text().count(book) == 1
    assert (html_dir / "robots.txt").read_text(encoding="utf-8").startswith("User-agent: *")


def test_every_table_opens_in_excel_as_the_reader_sees_it(html_dir):
    from openpyxl import load_workbook

    checked = 0
    for page in all_pages():
        for table in soup_of(page).select("table.report-table[id]"):
            label = table["id"]
            links = [
                a
                for a in soup_of(page).select("a.xlsx-download")
                if a["href"].endswith(f"/{label}.xlsx") or a["href"] == f"_tables/{label}.xlsx"
            ]
            assert links, f"{page.name}: no .xlsx link for {label}"
            sheet = load_workbook(html_dir / "_tables" / f"{label}.xlsx").active
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            caption = table.find("caption").get_text(" ", strip=True)
            assert rows[0][0] == caption.split("¶")[0].strip() or caption.startswith(rows[0][0]), (label, rows[0][0])
            shown = table_rows(table)
            assert [str(v) for v in rows[1] if v is not None] == shown[0], label  # the Chinese headings
            assert rows[-1][0].startswith("来源："), label
            if caption.startswith("表"):
                assert sheet.title == caption.split()[0] + " " + caption.split()[1], (label, sheet.title)
            checked += 1
    assert checked >= 25
    sheet = load_workbook(html_dir / "_tables" / "tbl-certificates.xlsx").active
    graduates, rate = sheet.cell(row=3, column=2), sheet.cell(row=3, column=5)
    assert graduates.value == 120 and rate.value == pytest.approx(0.983) and rate.number_format == "0.0%"


def test_the_data_package_is_one_download(html_dir):
    archive = zipfile.ZipFile(io.BytesIO((html_dir / EDITION.data_zip_name).read_bytes()))
    names = set(archive.namelist())
    expected = {f"data/{p.name}" for p in SETTINGS.data_dir.iterdir() if p.is_file()}
    assert "data/datapackage.json" in names and names == expected
    for name in PACKAGE.resources():
        path = PACKAGE.path_of(name)
        assert archive.read(f"data/{path.name}") == path.read_bytes()
    assert f'href="{EDITION.data_zip_name}"' in (html_dir / "colophon.html").read_text(encoding="utf-8")
