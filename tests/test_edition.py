"""One setting picks the edition: a copy of this edition's data under the next year builds that year's book.

The copy is the 2025 data moved one year on (data/<year+1>/: the edition block and the year columns shifted,
the report text copied); built with JZREPORT_EDITION=<year+1> (`make html EDITION=<year+1>`), every year,
title and file name the book itself writes must be the new edition's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from tests.helpers import EDITION, build_copy, copy_repository

NEXT = EDITION.year + 1
YEARLY_TABLES = ("progression.csv", "fitness_tests.csv")  # the tables with a year column


def _next_edition_data(repo) -> None:
    folder = repo / "data" / str(NEXT)
    shutil.copytree(repo / "data" / str(EDITION.year), folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["edition"].update(year=NEXT, previous_year=NEXT - 1, published=f"{NEXT} 年 11 月")
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    for name in YEARLY_TABLES:
        table = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        table["year"] = (table["year"].astype(int) + 1).astype(str)
        table.to_csv(folder / name, index=False)
    shutil.copy2(repo / "source" / f"{EDITION.year}-quality-report.txt", repo / "source" / f"{NEXT}-quality-report.txt")
    subprocess.run(
        [sys.executable, "-m", "jzreport.datapackage.checksums"],
        cwd=repo,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(repo / "scripts"), "JZREPORT_EDITION": str(NEXT)},
    )


@pytest.fixture(scope="module")
def next_edition(tmp_path_factory):
    repo = copy_repository(tmp_path_factory.mktemp("next-edition") / "repo")
    _next_edition_data(repo)
    result = build_copy(repo, "html", JZREPORT_EDITION=str(NEXT))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return repo / "book" / "_build" / "html"


def _page(html, name) -> BeautifulSoup:
    return BeautifulSoup((html / name).read_text(encoding="utf-8"), "html.parser")


def test_front_page_names_the_new_edition(next_edition):
    front = _page(next_edition, "index.html")
    title = f"（{NEXT} 年度）"
    assert title in front.find("h1").get_text() and title in front.title.get_text()
    assert f"{NEXT} 年 11 月" in front.get_text()
    assert front.find("a", href=f"jzjdgc-quality-report-{NEXT}.pdf") is not None
    assert front.find("a", href=f"jzjdgc-data-{NEXT}.zip") is not None
    assert (next_edition / f"jzjdgc-data-{NEXT}.zip").exists()
    assert f"（{EDITION.year} 年度）" not in front.get_text()


def test_scorecard_compares_the_new_year_with_the_one_before(next_edition):
    scorecard = _page(next_edition, "index.html").find("table", id="tbl-scorecard")
    header = [cell.get_text(strip=True) for cell in scorecard.find("tr").find_all(["th", "td"])]
    assert f"{NEXT} 年度" in header
    progression = pd.read_csv(next_edition.parents[2] / "data" / str(NEXT) / "progression.csv").set_index("year")
    rate = progression.loc[NEXT, "progression_rate_pct"]
    assert f"{rate:g}%" in scorecard.get_text()


def test_audit_and_figures_use_the_new_years(next_edition):
    audit = _page(next_edition, "chapters/10-audit.html").get_text()
    assert f"{NEXT} 届毕业生就业率" in audit and f"{EDITION.year} 届毕业生就业率" not in audit
    assert (
        f"{NEXT - 1} 与 {NEXT} 年度学生体测结果对比"
        in _page(next_edition, "chapters/02-talent-cultivation.html").get_text()
    )
    certificates = _page(next_edition, "chapters/06-industry-education.html")
    assert f"{NEXT} 届各专业证书获取率" in certificates.get_text()
    assert f'"name":"{NEXT} 届"' in str(certificates.select_one("script.lazy-figure-data"))


def test_colophon_names_the_new_data_folder(next_edition):
    assert f"data/{NEXT}" in _page(next_edition, "colophon.html").get_text()
