"""Shared fixtures: the built HTML book, a private copy of the data, a browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import HTML_DIR, SETTINGS

collect_ignore = ["tools"]


@pytest.fixture(scope="session")
def html_dir() -> Path:
    if not (HTML_DIR / "index.html").exists():
        pytest.fail("the HTML book is not built: run `make html` (`make test` builds it first)")
    return HTML_DIR


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of the data folder, named in the environment (JZREPORT_DATA_DIR) for whatever reads the
    data next: DataPackage.from_environment() in this process, the kernels and builds it starts."""
    copy = tmp_path / "data"
    shutil.copytree(SETTINGS.data_dir, copy)
    monkeypatch.setenv("JZREPORT_DATA_DIR", str(copy))
    return copy


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (a browser download is not possible here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
