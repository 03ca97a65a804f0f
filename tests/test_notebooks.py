"""Every chapter runs on its own in a fresh kernel, shows in JupyterLab the numbers the book shows, and
saves back unchanged: loaded, run and saved through the contents manager JupyterLab uses (jupytext's)."""

from __future__ import annotations

import asyncio
import json

import jupytext
import nbformat
import pytest
from jupytext.config import load_jupytext_configuration_file

from jzreport.build import notebook_runner
from jzreport.editing.lab import ChapterContentsManager
from tests.helpers import CHAPTER_DIR, EVAL_NAME, PACKAGE, ROOT

CHAPTERS = sorted(CHAPTER_DIR.glob("*.md"))
NOTEBOOKS = [*CHAPTERS, ROOT / "book" / "index.md"]


def test_every_chapter_is_in_the_table_of_contents():
    """The chapters on disk are the table of contents' (_toc.yml), in its order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    listed = [entry["file"] for entry in toc["chapters"] if entry["file"].startswith("chapters/")]
    assert listed == [f"chapters/{p.stem}" for p in CHAPTERS]


def _evaluate_in_kernel(names: list[str]) -> str:
    """A code cell that prints what the kernel gives for each {eval} name, as JupyterLab's MyST renderer asks."""
    return f"import json as _json\nprint(_json.dumps({{_n: str(eval(_n)) for _n in {names!r}}}, ensure_ascii=False))"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_shows_the_books_numbers_and_saves_unchanged(path):
    manager = ChapterContentsManager(root_dir=str(ROOT))
    name = path.relative_to(ROOT).as_posix()
    before = path.read_bytes()
    model = asyncio.run(manager.get(name, content=True, type="notebook"))
    notebook = nbformat.from_dict(model["content"])
    assert notebook.metadata["kernelspec"]["name"] == "python3"

    names = sorted(
        {n for cell in notebook.cells if cell.cell_type == "markdown" for n in EVAL_NAME.findall(cell.source)}
    )
    probe = nbformat.v4.new_code_cell(_evaluate_in_kernel(names))
    notebook.cells.append(probe)
    notebook_runner.execute(path, notebook)  # a fresh kernel in the chapter's folder, as the build runs it
    notebook.cells.remove(probe)

    # The value JupyterLab shows for {eval}`x` is the one the book pastes for it: what the chapter glued, or
    # for a number the report states, its text in reported_facts.csv.
    in_kernel = json.loads(probe.outputs[0]["text"])
    book = {**{key: fact.text for key, fact in PACKAGE.stated_facts().items()}, **notebook_runner.glued(notebook)}
    assert {n: in_kernel[n] for n in names} == {n: book.get(n, "<not glued>") for n in names}

    # Save as JupyterLab does after Run All (outputs, and the {eval} results jupyterlab-myst keeps in the
    # Markdown cells' metadata); the chapter file must not change.
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and EVAL_NAME.search(cell.source):
            cell.metadata["user_expressions"] = [
                {"expression": n, "result": {"status": "ok", "data": {"text/plain": in_kernel[n]}}}
                for n in EVAL_NAME.findall(cell.source)
            ]
    try:
        asyncio.run(manager.save({"type": "notebook", "format": "json", "content": notebook}, name))
        assert path.read_bytes() == before, f"saving {name} from JupyterLab would rewrite it"
    finally:
        path.write_bytes(before)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_text_form_is_stable(path):
    """jupytext, with the repository's settings (jupytext.toml, as JupyterLab uses them), reads and writes each
    chapter as the same text: front matter with its declared data files included."""
    config = load_jupytext_configuration_file(str(ROOT / "jupytext.toml"))
    text = path.read_text(encoding="utf-8")
    assert jupytext.writes(jupytext.reads(text, fmt="md:myst"), fmt="md:myst", config=config) == text
    assert "jzreport" in jupytext.reads(text, fmt="md:myst").metadata
