"""Shared fixtures: the repository layout, the built HTML book and small parsers for it."""
from __future__ import annotations

import re
import socket
from functools import lru_cache
from pathlib import Path

import shutil

import pytest
from bs4 import BeautifulSoup

from jzreport import data, paths, published
from jzreport.published import table_rows  # noqa: F401  (tests import it from here)

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots for people to look at
EVAL_NAME = re.compile(r"\{eval\}`([^`]+)`")  # a computed number in a chapter's prose
HTML_DIR = ROOT / "book" / "_build" / "html"
CHAPTER_DIR = ROOT / "book" / "chapters"
SOURCE_TEXT = ROOT / "source" / "2025-quality-report.txt"
TOOLS = ROOT / "tests" / "tools" / "node_modules"  # the outside judges from npm (tests/tools/package.json)
collect_ignore = ["tools"]


@pytest.fixture(scope="session")
def html_dir() -> Path:
    if not (HTML_DIR / "index.html").exists():
        pytest.fail("the HTML book is not built: run `make html` (`make test` builds it first)")
    return HTML_DIR


@lru_cache(maxsize=None)
def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def all_pages() -> list[Path]:
    return sorted(p for p in HTML_DIR.rglob("*.html") if "_static" not in p.parts)


def chapter_pages() -> list[Path]:
    return sorted((HTML_DIR / "chapters").glob("*.html"))


def find_table(label: str):
    """(page, <table>) of the table whose anchor is `label`, searched over all chapter pages."""
    for page in chapter_pages():
        table = soup_of(page).find("table", id=label)
        if table is not None:
            return page, table
    raise AssertionError(f"no table with id {label!r} in the built HTML")


def plotly_figures(page: Path) -> dict[str, list[dict]]:
    """plot id -> the figure's trace list, read from the data beside its static image."""
    return published.figures(soup_of(page))


def find_figure(label: str) -> list[dict]:
    for page in chapter_pages():
        figures = plotly_figures(page)
        if f"plotly-{label}" in figures:
            return figures[f"plotly-{label}"]
    raise AssertionError(f"no plotly figure {label!r} in the built HTML")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of the data folder that jzreport reads, in this process and in the kernels and
    builds it starts (JZREPORT_DATA_DIR), instead of the real one."""
    copy = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, copy)
    monkeypatch.setattr(paths, "DATA_DIR", copy)
    monkeypatch.setattr(paths, "DESCRIPTOR", copy / "datapackage.json")
    monkeypatch.setenv("JZREPORT_DATA_DIR", str(copy))
    data.clear_caches()
    yield copy
    data.clear_caches()


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (a browser download is not possible here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
