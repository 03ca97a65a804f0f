"""Every chapter notebook executes on its own, top to bottom, in a fresh kernel (as an editor runs it)."""
from __future__ import annotations

import jupytext
import pytest

from conftest import CHAPTER_DIR
from notebook_runner import execute, outputs

CHAPTERS = sorted(CHAPTER_DIR.glob("*.md"))


def test_chapters_exist():
    assert [p.stem[:2] for p in CHAPTERS] == [f"{n:02d}" for n in range(11)], "preface, chapters 1-8, the closing case and the audit"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_executes_in_fresh_kernel(path):
    assert jupytext.read(path).metadata["kernelspec"]["name"] == "python3"
    notebook = execute(path)
    assert [o for o in outputs(notebook) if o.get("output_type") == "error"] == []
