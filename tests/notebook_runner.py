"""Run a chapter notebook in a fresh kernel and read what it glued and displayed."""
from __future__ import annotations

import jupytext
from nbclient import NotebookClient

from conftest import CHAPTER_DIR


def execute(path):
    notebook = jupytext.read(path)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(CHAPTER_DIR)}}).execute()
    return notebook


def outputs(notebook):
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
    return "\n".join(o["data"]["text/markdown"] for o in outputs(notebook) if "text/markdown" in o.get("data", {}))
