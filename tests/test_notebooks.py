"""Every chapter notebook executes on its own, top to bottom, in a fresh kernel (as an editor runs it)."""
from __future__ import annotations

import jupytext
import pytest
from nbclient import NotebookClient

from conftest import CHAPTER_DIR

CHAPTERS = sorted(CHAPTER_DIR.glob("*.md"))


def test_chapters_exist():
    assert [p.stem[:2] for p in CHAPTERS] == [f"{n:02d}" for n in range(10)], "preface, chapters 1-8 and the closing case"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_executes_in_fresh_kernel(path):
    notebook = jupytext.read(path)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    NotebookClient(notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(CHAPTER_DIR)}}).execute()
    errors = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
