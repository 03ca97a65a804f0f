"""Editions side by side, and the same bytes from two clones: starting the next edition leaves this one
buildable, byte for byte as this repository's build published it.

In a fresh clone of this repository (a git clone: a released edition is a tag), `make new-edition` starts the next
year (jzreport.build.editions): the current edition is tagged, its data and text are copied as the next one's
starting point. The test moves the copied data one year on and rewrites a chapter sentence, as an editor starting
the next report would. Then:
- this edition, built again with `make ... EDITION=<this year>` from its tag, publishes exactly the files this
  repository's own build published: the same SHA256SUMS (HTML, PDF, data zip, source archive) and every byte of
  the HTML and PDF folders (`diff -r`). This is also the reproducibility test: the two builds are of two clones in
  different folders, minutes apart, and share nothing that a build makes or keeps (the clone gets no execution
  cache, no build folder, no static images; its builds run with a home and a temporary folder of their own for
  Jupyter's, IPython's and chromium's files); only the installed tools are common. (In CI this repository's
  build is itself the clean build of a fresh clone.) tests/test_archive_roundtrip.py compares a third build, a
  stranger's from the published source archive;
- the next edition builds from the tree, and every year, title and file name the book writes is the new one's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from jzreport import paths
from tests.helpers import EDITION, HTML_DIR, ROOT, build_copy

NEXT = EDITION.year + 1
PUBLISHED = ("html", "pdf")  # the folders of book/_build/ that a build publishes
BUILD_TIMEOUT_S = 900  # one step (html or pdf) of a clean build takes 1–2 minutes here
YEARLY_TABLES = ("progression.csv", "fitness_tests.csv")  # the tables with a year column


def _run(repo, *args, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JZREPORT_")}
    environment.update(PYTHONPATH=str(repo / "scripts"), **env)
    return subprocess.run([sys.executable, *args], cwd=repo, env=environment, capture_output=True, text=True)


@pytest.fixture(scope="module")
def editions_repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("editions") / "repo"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "config", "user.email", "editor@example.invalid"], check=True)
    subprocess.run(["git", "-C", str(repo), "config", "user.name", "Editor"], check=True)
    started = _run(repo, "-m", "jzreport.build.editions", "new", str(NEXT))
    assert started.returncode == 0, started.stdout + started.stderr
    folder = repo / "data" / str(NEXT)
    for name in YEARLY_TABLES:  # the copied data moved one year on, as next year's report would give them
        table = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        table["year"] = (table["year"].astype(int) + 1).astype(str)
        table.to_csv(folder / name, index=False)
    descriptor = (folder / "datapackage.json").read_text(encoding="utf-8")
    (folder / "datapackage.json").write_text(
        descriptor.replace(f'"published": "{EDITION.published}"', f'"published": "{NEXT} 年 11 月"'), encoding="utf-8"
    )
    recorded = _run(repo, "-m", "jzreport.datapackage.checksums")
    assert recorded.returncode == 0, recorded.stderr
    preface = repo / "book" / "chapters" / "00-preface.md"  # next year's report, rewritten in place
    preface.write_text(preface.read_text(encoding="utf-8").replace("年报制度是", f"{NEXT} 年，年报制度是", 1))
    return repo


def _build(repo, target, **env) -> subprocess.CompletedProcess:
    """A build of the clone with a home of its own and a short temporary folder of its own (chromium, through
    kaleido, makes a socket there, and a socket's path may not exceed 107 bytes)."""
    home = repo.parent / "home"
    home.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jz-") as temporary:
        return build_copy(repo, target, timeout=BUILD_TIMEOUT_S, HOME=str(home), TMPDIR=temporary, **env)


@pytest.fixture(scope="module")
def next_edition(editions_repo):
    result = _build(editions_repo, "html")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return editions_repo / "book" / "_build" / "html"


def test_a_clean_clone_rebuilds_this_edition_from_its_tag_byte_for_byte(editions_repo, html_dir):
    for target in ("html", "pdf"):
        result = _build(editions_repo, target, JZREPORT_EDITION=str(EDITION.year))
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rebuilt = editions_repo / "book" / "_build" / "editions" / str(EDITION.year)
    sums = (HTML_DIR / "SHA256SUMS").read_text(encoding="utf-8")
    assert len(sums.splitlines()) > 100 and EDITION.pdf_name in sums and EDITION.source_archive_name in sums
    assert (rebuilt / "html" / "SHA256SUMS").read_text(encoding="utf-8") == sums, (
        "the released edition, built from its tag in a clean clone, is the book this repository published"
    )
    for folder in PUBLISHED:
        different = subprocess.run(
            ["diff", "-r", str(paths.BUILD_DIR / folder), str(rebuilt / folder)], capture_output=True
        )
        assert different.returncode == 0, different.stdout.decode(errors="replace")[:3000]
    tags = subprocess.run(["git", "-C", str(editions_repo), "tag"], capture_output=True, text=True).stdout.split()
    assert f"edition-{EDITION.year}" in tags


def _page(html, name) -> BeautifulSoup:
    return BeautifulSoup((html / name).read_text(encoding="utf-8"), "html.parser")


def test_the_next_edition_is_the_tree_s(next_edition):
    preface = _page(next_edition, "chapters/00-preface.html").get_text()
    assert f"{NEXT} 年，年报制度是" in preface


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
