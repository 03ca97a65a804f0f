"""Each chapter declares the data files it reads; reading another one stops it, with the chapter and file named."""

from __future__ import annotations

import pytest
from nbclient.exceptions import CellExecutionError

from jzreport.build import cache, notebook_runner
from jzreport.datapackage import declared
from tests.helpers import PACKAGE, build_copy, copy_repository

CHAPTER = """---
jupytext:
  text_representation: {{extension: .md, format_name: myst}}
jzreport:
  data: [{declared}]
kernelspec: {{display_name: Python 3, language: python, name: python3}}
---

```{{code-cell}} ipython3
from jzreport.chapter import *

majors = load_table("majors")
```
"""


def test_every_chapter_declares_its_data_in_its_front_matter():
    for notebook in cache.notebooks():
        names = declared.declared(notebook)
        assert names == sorted(set(names)), f"{notebook.name}: the declared files, sorted, each once"
        unknown = set(names) - set(PACKAGE.resources())
        assert not unknown, f"{notebook.name} declares files the data package does not have: {sorted(unknown)}"


def test_a_declared_file_is_read(tmp_path):
    chapter = tmp_path / "declared.md"
    chapter.write_text(CHAPTER.format(declared="majors"), encoding="utf-8")
    executed = notebook_runner.execute(chapter)
    assert executed.cells[0].outputs == []


def test_an_undeclared_file_stops_the_chapter(tmp_path):
    chapter = tmp_path / "undeclared.md"
    chapter.write_text(CHAPTER.format(declared="teacher_composition"), encoding="utf-8")
    with pytest.raises(CellExecutionError) as failure:
        notebook_runner.execute(chapter)
    assert "UndeclaredInputError" in str(failure.value) and "undeclared.md" in str(failure.value)
    assert "majors" in str(failure.value)


def test_an_undeclared_file_fails_the_build_naming_chapter_and_file(tmp_path):
    repo = copy_repository(tmp_path / "repo")
    chapter = repo / "book" / "chapters" / "01-school-overview.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(
        text.replace(" majors,", "", 1),
        encoding="utf-8",  # majors.csv no longer declared (its table still read)
    )
    assert "majors" not in declared.declared(chapter)
    result = build_copy(repo, "html")
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "book/chapters/01-school-overview.md" in message and "majors" in message and "未声明" in message, message[
        -3000:
    ]
    assert not (repo / "book" / "_build" / "html").exists(), "nothing published"
