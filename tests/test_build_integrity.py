"""Bad data never publishes; data text is escaped; builds are offline and reproducible."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from jzreport import paths
from jzreport.build import built_pages
from jzreport.datapackage import checksums
from tests.helpers import HTML_DIR, ROOT, chapter_pages, plotly_figures, soup_of, table_rows
from tests.test_data_package import BAD_INPUTS

BOOK = ROOT / "book"


def tree_digest(folder) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def offline(command: list[str]) -> list[str]:
    """Run `command` in a new network namespace: only loopback (for the Jupyter kernel), no other network."""
    return ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command]


def run_build(env_data_dir, *args):
    env = {**os.environ, "JZREPORT_DATA_DIR": str(env_data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "jzreport.build", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("case", BAD_INPUTS, ids=str)
def test_invalid_data_leaves_published_book_untouched(data_copy, html_dir, case):
    """Every case of the bad-input matrix stops the build with its message; the published book is unchanged."""
    breaker, expected = BAD_INPUTS[case]
    before = tree_digest(HTML_DIR)
    breaker(data_copy)
    result = run_build(data_copy, "html")
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert all(part in message for part in expected), message
    assert "已发布的书未改动" in message
    assert tree_digest(HTML_DIR) == before


def _build_pages(tmp_path, data_dir, chapters, without_network=False):
    """Build the given chapters (plus the front page) into tmp_path with the book's own configuration."""
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        "format: jb-book\nroot: index\nchapters:\n" + "".join(f"  - file: chapters/{c}\n" for c in chapters),
        encoding="utf-8",
    )
    env = {**os.environ, "JZREPORT_DATA_DIR": str(data_dir), "SOURCE_DATE_EPOCH": "1764547200"}
    command = [
        str(ROOT / ".venv" / "bin" / "jupyter-book"),
        "build",
        str(BOOK),
        "--config",
        str(paths.CONFIG),
        "--path-output",
        str(tmp_path / "out"),
    ]
    if set(chapters) == {p.stem for p in chapter_pages()}:
        # the whole book, with its own table of contents and appendices
        command += ["--toc", str(paths.TOC), "-W", "-n", "--keep-going"]
    else:
        command += ["--toc", str(toc)]  # a partial book has links to pages it leaves out: no -W
    if without_network:
        command = offline(command)
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return tmp_path / "out" / "_build" / "html"


@pytest.mark.skipif(
    shutil.which("unshare") is None or shutil.which("ip") is None or os.geteuid() != 0,
    reason="needs root (a network namespace made with unshare and ip, to build without network); CI runs as root",
)
def test_script_in_data_is_text_on_the_built_page_built_offline(data_copy, tmp_path):
    units = pd.read_csv(data_copy / "internship_units.csv", dtype=str)
    units.loc[2, "company"] = "<script>alert('x')</script>川达集团"
    units.to_csv(data_copy / "internship_units.csv", index=False)
    assert checksums.main() == 0
    html = _build_pages(tmp_path, data_copy, ["01-school-overview", "02-talent-cultivation"], without_network=True)
    page = BeautifulSoup((html / "chapters" / "02-talent-cultivation.html").read_text(encoding="utf-8"), "html.parser")
    assert not any("alert(" in (s.string or "") for s in page.find_all("script"))
    cells = [cell for row in table_rows(page.find("table", id="tbl-internship-units")) for cell in row]
    assert "<script>alert('x')</script>川达集团" in cells


def _page_facts(page_soup) -> dict:
    """What a reader is told on a page: tables, figure data and glued numbers."""
    return {"tables": built_pages.tables(page_soup), "glued": built_pages.glued_numbers(page_soup)}


def test_two_clean_builds_give_identical_tables_figures_and_numbers(tmp_path, html_dir):
    chapters = [p.stem for p in chapter_pages()]
    rebuilt = _build_pages(tmp_path, paths.DATA_DIR, chapters)
    for page in chapter_pages():
        again = rebuilt / "chapters" / page.name
        assert _page_facts(soup_of(page)) == _page_facts(
            BeautifulSoup(again.read_text(encoding="utf-8"), "html.parser")
        ), page.name
        assert plotly_figures(page) == plotly_figures(again), page.name
