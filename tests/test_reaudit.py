"""`make audit`: a fresh execution is compared with the published book, and a doctored page fails."""

from __future__ import annotations

import shutil

from jzreport.build import replay
from tests.helpers import CHAPTER_DIR, HTML_DIR, PACKAGE

CHAPTER = CHAPTER_DIR / "02-talent-cultivation.md"


def test_fresh_execution_matches_published_chapter(html_dir, tmp_path):
    assert replay.compare_chapter(PACKAGE, CHAPTER, audit_dir=tmp_path / "audit") == []
    assert (tmp_path / "audit" / "02-talent-cultivation.ipynb").exists()


def test_doctored_page_fails(html_dir, tmp_path):
    doctored = tmp_path / "html"
    shutil.copytree(HTML_DIR / "chapters", doctored / "chapters")
    page = doctored / "chapters" / "02-talent-cultivation.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("<td><p>16</p></td>", "<td><p>61</p></td>", 1), encoding="utf-8")
    problems = replay.compare_chapter(PACKAGE, CHAPTER, html_dir=doctored, audit_dir=tmp_path / "audit")
    assert any("tbl-internship-units" in p for p in problems), problems
