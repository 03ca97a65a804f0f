"""The data files each chapter reads, as the chapter declares them in its front matter:

    jzreport:
      data: [majors, enrolment_by_major, reported_facts]

The declaration is the one list of a chapter's inputs: the build's cache re-executes a chapter when one of
them changes (jzreport.build.cache), and reading a file that is not declared stops the chapter with an error
naming the chapter and the file (`check_declared`, called by every read in jzreport.datapackage.load).

A chapter knows which notebook it is from NOTEBOOK_ENV in its kernel's environment, set by whatever executes
it: the notebook runner (jzreport.build.notebook_runner, used by the build, `make audit` and the tests) and the book's
Sphinx extension (book/_ext/notebook_execution.py) when myst-nb executes one; in JupyterLab, from the server's
JPY_SESSION_NAME.
A kernel that knows no notebook (a plain Python session) reads any file.
"""

from __future__ import annotations

import copy
import os
from functools import cache
from pathlib import Path

import yaml

from jzreport import paths

NOTEBOOK_ENV = "JZREPORT_NOTEBOOK"


class UndeclaredInputError(Exception):
    """A chapter read a data file that its front matter does not declare."""


def book_notebooks() -> list[Path]:
    """The book's MyST notebooks: its Markdown files with a kernelspec in their front matter."""
    return sorted(
        p
        for p in paths.BOOK_DIR.rglob("*.md")
        if not {"_build", ".ipynb_checkpoints"} & set(p.relative_to(paths.BOOK_DIR).parts)
        and "kernelspec" in front_matter(p)
    )


def front_matter(notebook: Path) -> dict:
    text = Path(notebook).read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    return copy.deepcopy(_parsed(text[4:].split("\n---", 1)[0]))


@cache
def _parsed(header: str) -> dict:
    """The front matter's YAML, parsed once per text (the live preview looks at every page on every rebuild)."""
    return yaml.safe_load(header) or {}


@cache
def _declared(notebook: str, modified: float) -> tuple[str, ...]:
    return tuple(front_matter(Path(notebook)).get("jzreport", {}).get("data", []))


def declared(notebook: Path) -> list[str]:
    """The data files (resource names, e.g. 'majors') the notebook declares it reads."""
    notebook = Path(notebook)
    return list(_declared(str(notebook.resolve()), notebook.stat().st_mtime))


def running_notebook() -> Path | None:
    """The chapter this kernel executes, if whoever started it said so (JupyterLab names it from its root, the
    repository: `make lab`)."""
    named = os.environ.get(NOTEBOOK_ENV) or os.environ.get("JPY_SESSION_NAME")
    if not named or not named.endswith(".md"):
        return None
    path = Path(named) if Path(named).is_absolute() else paths.ROOT / named
    return path if path.exists() else None


def of_this_chapter() -> list[str]:
    """The data files the running chapter declares (for its provenance lines)."""
    notebook = running_notebook()
    if notebook is None:
        raise UndeclaredInputError(f"没有正在执行的章节，无从读取其声明 (no chapter is running: set {NOTEBOOK_ENV})")
    return declared(notebook)


def check_declared(name: str) -> None:
    notebook = running_notebook()
    if notebook is None or name in declared(notebook):
        return
    where = notebook.relative_to(paths.ROOT) if notebook.is_relative_to(paths.ROOT) else notebook
    raise UndeclaredInputError(
        f"{where}: 读取了未声明的数据文件 {name}（{name}.csv）。请在本章开头的 jzreport: data: 列表中加入它 "
        f"(the chapter reads the data file {name!r}, which its front matter does not declare under jzreport: data:)"
    )
