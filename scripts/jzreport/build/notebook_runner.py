"""Executing a chapter notebook, the one way the build, `make audit` and the tests do it: read as the book reads
it (myst-nb's MyST reader), executed by nbclient in a fresh kernel in the chapter's folder, with the kernel told
which chapter it runs (jzreport.datapackage.declared checks every data file it reads against the chapter's declaration).
Also: reading what an executed notebook glued and displayed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from jzreport.datapackage import declared

TIMEOUT_S = 180  # as execute.timeout in _config.yml


def read(path: Path):
    """The chapter as a notebook, as myst-nb reads it for the build."""
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(Path(path).read_text(encoding="utf-8"))


def execute(path: Path, notebook=None, *, timeout: int = TIMEOUT_S, kernel_log=None):
    """Execute the chapter at `path` (or `notebook`, already read from it) in a fresh kernel and return the
    executed notebook. A failing cell raises nbclient's CellExecutionError, which names it. The kernel's own
    messages on stderr go to `kernel_log` (an open file), if given."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    path = Path(path)
    notebook = read(path) if notebook is None else notebook
    kernel = {"env": {**os.environ, declared.NOTEBOOK_ENV: str(path.resolve())}}  # the kernel knows its chapter
    if kernel_log is not None:
        kernel["stderr"] = kernel_log
    # record_timing=False: no timing metadata in the cells, which the execution cache hashes (myst-nb would
    # not recognise the notebook it executes)
    # The kernel talks over unix sockets (IPC) in a folder of its own, not TCP ports: kernels started at the same
    # moment by several builds or tests cannot race for a port (a lost race left a kernel that "didn't respond
    # in 60 seconds"). It keeps no input history (an sqlite database in the home folder, shared by kernels).
    # Once the last cell has run, the kernel is stopped at once: a graceful shutdown sometimes waited 3 s for it.
    sockets = tempfile.mkdtemp(prefix="jzreport-kernel-")
    client = NotebookClient(
        notebook,
        timeout=timeout,
        startup_timeout=timeout,
        kernel_name="python3",
        allow_errors=False,
        record_timing=False,
        shutdown_kernel="immediate",
        extra_arguments=["--HistoryManager.enabled=False"],
        config=Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets, "kernel")}}),
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute(**kernel)
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return notebook


def outputs(notebook) -> list:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def glued(notebook) -> dict[str, str]:
    """name -> text of every value the notebook glued with myst-nb."""
    found = {}
    for output in outputs(notebook):
        record = output.get("metadata", {}).get("scrapbook")
        if record:
            found[record["name"]] = output["data"].get(record["mime_prefix"] + "text/plain", "")
    return found


def markdown_outputs(notebook) -> str:
    """Every Markdown output (tables, captions, notes), joined."""
    return "\n".join(o["data"]["text/markdown"] for o in outputs(notebook) if "text/markdown" in o.get("data", {}))


def _figure_outputs(notebook) -> list[dict]:
    """The book's figure (jzreport.present.figures) of every output that displayed one: label, caption, plotly JSON."""
    from jzreport.present.figures import FIGURE_MIME

    return [o["data"][FIGURE_MIME] for o in outputs(notebook) if FIGURE_MIME in o.get("data", {})]


def figure_specs(notebook) -> list[dict]:
    """The plotly JSON (data and layout) of every figure the notebook displayed."""
    return [figure["figure"] for figure in _figure_outputs(notebook)]


def figures(notebook) -> dict[str, list[dict]]:
    """plot id (as on the web page) -> the traces of every figure the notebook displayed."""
    return {f"plotly-{figure['label']}": figure["figure"]["data"] for figure in _figure_outputs(notebook)}
