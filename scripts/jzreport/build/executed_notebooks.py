"""A chapter's executed notebook as readers download it (book/_ext/notebook_downloads.py): the chapter read as the
build reads it, with the outputs the book shows, as a standard .ipynb that JupyterLab opens and that runs again.

The outputs are those of the chapter's execution in the build's cache, merged into the chapter the way myst-nb
merges them when it renders the page (myst-nb's own copy in jupyter_execute/ has no outputs when the execution
came from the cache). What would differ between two builds of the same source is left out or made fixed: the
random cell ids the reader gives every cell (ids made from the cells' order), myst-nb's source map, and jupytext's
pairing with the Markdown file (which would have JupyterLab save the download as Markdown).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from jzreport.build import notebook_runner
from jzreport.datapackage.load import DataPackage

KEPT_METADATA = ("kernelspec", "language_info", "jzreport")  # jzreport: the data files the chapter declares
EVAL_NAME = re.compile(r"\{eval\}`([^`]+)`")  # a number in the prose (book/_ext/notebook_syntax.py)


def executed(cache_dir: Path, chapter: Path):
    """The chapter with the outputs of its execution in the cache at `cache_dir`; None when the cache holds no
    execution of its current code."""
    from jupyter_cache import get_cache

    source = notebook_runner.read(chapter)
    try:
        _, merged = get_cache(str(cache_dir)).merge_match_into_notebook(source)
    except KeyError:
        return None
    return merged


def with_prose_numbers(package: DataPackage, notebook) -> None:
    """Keep in each Markdown cell the values the book pastes for its {eval}`name` numbers (a number the report
    states, as printed in reported_facts.csv, else the value the chapter glued), where jupyterlab-myst keeps what
    it evaluated after Run All (`user_expressions`): the download shows the book's numbers before it runs again."""
    values = {**notebook_runner.glued(notebook), **{key: fact.text for key, fact in package.stated_facts().items()}}
    for cell in notebook.cells:
        names = EVAL_NAME.findall(cell.source) if cell.cell_type == "markdown" else []
        if names:
            cell.metadata["user_expressions"] = [
                {"expression": name, "result": {"status": "ok", "data": {"text/plain": values[name]}}}
                for name in names
                if name in values
            ]


def publishable(package: DataPackage, notebook):
    """A copy of `notebook` that is the same for every build of the same source, validated."""
    notebook = copy.deepcopy(notebook)
    notebook.metadata = {key: notebook.metadata[key] for key in KEPT_METADATA if key in notebook.metadata}
    for index, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{index:03d}"
    with_prose_numbers(package, notebook)
    nbformat.validate(notebook)
    return notebook


def as_bytes(notebook) -> bytes:
    return (nbformat.writes(notebook) + "\n").encode("utf-8")


def for_download(package: DataPackage, cache_dir: Path, chapter: Path, has_code: bool) -> bytes | None:
    """The downloadable .ipynb of `chapter`: executed if it has code (None when the cache has no execution of it),
    else the chapter as it is (nothing to execute)."""
    notebook = executed(cache_dir, chapter) if has_code else notebook_runner.read(chapter)
    return None if notebook is None else as_bytes(publishable(package, notebook))
