"""Editors: JupyterLab opens each chapter .md as a notebook (jupytext) with MyST rendering."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import CHAPTER_DIR, ROOT

VENV_BIN = ROOT / ".venv" / "bin"


def test_lab_settings_open_markdown_as_notebooks():
    overrides = json.loads((ROOT / "scripts" / "jupyterlab-overrides.json").read_text(encoding="utf-8"))
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}


def test_lab_extensions_for_jupytext_and_myst_are_enabled():
    listing = subprocess.run([str(VENV_BIN / "jupyter"), "labextension", "list"], capture_output=True, text=True)
    text = listing.stdout + listing.stderr
    for extension in ["jupyterlab-jupytext", "jupyterlab-myst"]:
        line = next(line for line in text.splitlines() if extension in line)
        assert "enabled" in line and "OK" in line, line


def test_server_serves_a_chapter_as_a_notebook(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         "--IdentityProvider.token=t", "--allow-root", f"--ServerApp.root_dir={CHAPTER_DIR}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={"HOME": str(tmp_path), "PATH": str(VENV_BIN)})
    try:
        url = f"http://127.0.0.1:{port}/api/contents/02-talent-cultivation.md?type=notebook&content=1&token=t"
        for _ in range(60):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    model = json.load(response)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("jupyter server did not answer")
        assert model["type"] == "notebook"
        cells = model["content"]["cells"]
        assert any(c["cell_type"] == "code" and "load_table" in c["source"] for c in cells)
        assert any(c["cell_type"] == "markdown" and "2.2.2 升学逐梦" in c["source"] for c in cells)
    finally:
        server.terminate()
        server.wait(timeout=10)
