"""How myst-nb executes the book's notebooks when the build asks it to.

The build executes changed chapters while Sphinx starts up (jzreport.build.execution): Sphinx waits for
them before it reads any page. myst-nb executes a chapter itself only when that failed, to report the
failing cell. Then:
- the kernel is told which chapter it executes, so that a chapter reading a data file its front matter does
  not declare stops the build, with the chapter and the file named (jzreport.datapackage.declared);
- a notebook without code cells (the preface) is not executed at all: myst-nb would start a kernel for it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from jzreport import paths
from jzreport.build import cache, execution
from jzreport.datapackage import declared

WAIT_LIMIT_S = 3600


def _skip_notebooks_without_code(app, config) -> None:
    with_code = set(cache.notebooks())
    without = [p.relative_to(paths.BOOK_DIR).as_posix() for p in declared.book_notebooks() if p not in with_code]
    config.nb_execution_excludepatterns = [*config.nb_execution_excludepatterns, *without]


def _wait_for_notebooks(app) -> None:
    """The build executes the notebooks while Sphinx starts; read nothing before they are done."""
    ready = os.environ.get(execution.READY_ENV)
    deadline = time.monotonic() + WAIT_LIMIT_S
    while ready and not Path(ready).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def _reading(app, docname: str, source: list[str]) -> None:
    """While Sphinx parses a chapter (when myst-nb may execute it), kernels know which chapter they run."""
    os.environ[declared.NOTEBOOK_ENV] = str(app.env.doc2path(docname))


def _read(app, doctree) -> None:
    """The chapter is parsed: the build's own code (extensions reading data) is no chapter."""
    os.environ.pop(declared.NOTEBOOK_ENV, None)


def setup(app):
    app.connect("config-inited", _skip_notebooks_without_code)
    app.connect("builder-inited", _wait_for_notebooks)
    app.connect("source-read", _reading)
    app.connect("doctree-read", _read)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
