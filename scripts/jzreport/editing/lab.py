"""JupyterLab for editors: the contents manager that opens each chapter as a notebook.

jupytext's contents manager reads a chapter's MyST Markdown as a notebook and writes it back as the same
Markdown. On opening, JupyterLab records the kernel's `language_info` in the notebook's metadata, which a
chapter file does not carry (jupytext leaves it out on save: it names the Python version of one machine),
so every chapter would show as modified the moment it opened. This manager hands JupyterLab the notebook
with the `language_info` of this environment's IPython kernel already in place: opening changes nothing,
and saving still writes the chapter without it.

`python -m jzreport.editing.lab [jupyter lab options]` (`make lab`) starts JupyterLab with it and the book's settings.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from ipykernel.ipkernel import IPythonKernel
from jupytext import AsyncTextFileContentsManager

from jzreport import paths


class ChapterContentsManager(AsyncTextFileContentsManager):
    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if content and model.get("type") == "notebook":
            model["content"]["metadata"].setdefault("language_info", dict(IPythonKernel.language_info))
        return model


SETTINGS = Path(__file__).with_name("jupyterlab-settings.json")


def lab_command(*extra: str) -> list[str]:
    """The `jupyter lab` command of `make lab`: the whole repository in the file browser, opened at the
    chapters; chapters open as notebooks (settings: double-click opens a .md with jupytext's notebook
    viewer, Chinese interface, every cell rendered so the browser's find sees the whole chapter)."""
    command = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--ServerApp.ip=127.0.0.1",  # this machine only: the server can run code and edit the repository
        f"--ServerApp.root_dir={paths.ROOT}",
        "--LabApp.default_url=/lab/tree/book/chapters",
        "--ServerApp.contents_manager_class=jzreport.editing.lab.ChapterContentsManager",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    return command + list(extra)


def install_settings() -> Path:
    """Install the book's JupyterLab settings as this environment's defaults (overrides.json)."""
    target = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SETTINGS, target)
    return target


def main(argv: list[str] | None = None) -> int:
    install_settings()
    command = lab_command(*(sys.argv[1:] if argv is None else argv))
    print("==> JupyterLab：双击章节文件即以笔记本打开 (double-click a chapter to open it as a notebook)", flush=True)
    os.execv(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
