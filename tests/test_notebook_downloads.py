"""Each chapter page offers its executed notebook in the download menu: a valid .ipynb in the site, holding the
outputs and the prose's numbers the page shows, that runs again and glues the same values."""

from __future__ import annotations

import re
import shutil
from urllib.parse import urljoin

import nbformat
import pytest

from jzreport.build import built_pages, notebook_runner, replay
from tests.helpers import HTML_DIR, chapter_pages, soup_of

PAGES = [HTML_DIR / "index.html", *chapter_pages()]


def _notebook_of(page):
    """The file the page's download menu offers as .ipynb."""
    link = soup_of(page).select_one(".dropdown-download-buttons a.btn-download-notebook-button")
    assert link is not None and link.get_text(strip=True) == ".ipynb", f"{page.name}: no .ipynb in the download menu"
    relative = urljoin(page.relative_to(HTML_DIR).as_posix(), link["href"])
    return HTML_DIR / relative, relative


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|\{ref\}`([^<`]*)<[^>]*>`")  # MyST links as the page shows them


def _shown(rows):
    """Cell texts as the page shows them: MyST links by their text, without spaces."""
    return [["".join(_LINK.sub(lambda m: m.group(1) or m.group(2), cell).split()) for cell in row] for row in rows]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_download_menu_offers_the_executed_notebook(html_dir, page):
    path, relative = _notebook_of(page)
    assert path.is_file(), relative
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert relative in (html_dir / "SHA256SUMS").read_text(encoding="utf-8")
    assert "jupytext" not in notebook.metadata, "the download would be saved back as Markdown by JupyterLab"
    soup = soup_of(page)
    shown_tables, shown_figures = built_pages.tables(soup), built_pages.figures(soup)
    if shown_tables or shown_figures:
        assert notebook_runner.outputs(notebook), f"{relative} holds no outputs"
    tables, figures, _ = replay.executed_outputs(notebook)  # the outputs as the notebook holds them
    assert {label: _shown(rows) for label, rows in tables.items()} == {
        label: _shown(rows) for label, rows in shown_tables.items()
    }
    assert figures == shown_figures
    # the prose's numbers, kept where jupyterlab-myst shows them without running the cells
    kept = [
        expression["result"]["data"]["text/plain"]
        for cell in notebook.cells
        for expression in cell.metadata.get("user_expressions", [])
    ]
    assert ["".join(v.split()) for v in kept] == ["".join(v.split()) for v in built_pages.glued_numbers(soup)]


def test_a_downloaded_notebook_runs_again_and_glues_the_same_values(html_dir, tmp_path):
    downloaded, _ = _notebook_of(HTML_DIR / "chapters" / "02-talent-cultivation.html")
    copy = tmp_path / downloaded.name  # anywhere, as a reader saves it
    shutil.copyfile(downloaded, copy)
    notebook = nbformat.read(copy, as_version=4)
    shown = notebook_runner.glued(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    rerun = notebook_runner.execute(copy, notebook)
    assert len(shown) > 20 and notebook_runner.glued(rerun) == shown
