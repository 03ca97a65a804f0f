"""What the tests share besides fixtures: the repository layout, the built HTML book and small parsers for it."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Self

from bs4 import BeautifulSoup

from jzreport import paths
from jzreport.build import built_pages
from jzreport.build.built_pages import table_rows
from jzreport.datapackage.load import DataPackage

ROOT = paths.ROOT
ARTIFACTS = ROOT / "tests" / "artifacts"  # screenshots for people to look at
EVAL_NAME = re.compile(r"\{eval\}`([^`]+)`")  # a computed number in a chapter's prose
HTML_DIR = paths.BUILD_DIR / "html"
CHAPTER_DIR = paths.BOOK_DIR / "chapters"
# The edition built, as the build resolves it (jzreport.settings: JZREPORT_EDITION, else the current edition): its
# data package, settings, report text and edition (year, previous year, title and file names). A test that changes
# data works on a copy and opens it with DataPackage.from_environment() (the data_copy fixture points there).
PACKAGE = DataPackage.from_environment()
SETTINGS = PACKAGE.settings
SOURCE_TEXT = SETTINGS.source_text
EDITION = PACKAGE.edition
PDF = paths.BUILD_DIR / "pdf" / EDITION.pdf_name  # the published PDF
TOOLS = ROOT / "tests" / "tools" / "node_modules"  # the outside judges from npm (tests/tools/package.json)

__all__ = [
    "PACKAGE",
    "SETTINGS",
    "ARTIFACTS",
    "CHAPTER_DIR",
    "EVAL_NAME",
    "HTML_DIR",
    "PDF",
    "ROOT",
    "SOURCE_TEXT",
    "TOOLS",
    "all_pages",
    "chapter_pages",
    "find_figure",
    "find_table",
    "free_port",
    "listening_addresses",
    "plotly_figures",
    "soup_of",
    "squeeze",
    "table_rows",
]


@cache
def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def squeeze(text: str) -> str:
    """Text without white space (PDF text and web text compared whatever their line breaks)."""
    return re.sub(r"\s+", "", text)


def all_pages() -> list[Path]:
    return sorted(p for p in HTML_DIR.rglob("*.html") if "_static" not in p.parts)


def chapter_pages() -> list[Path]:
    return sorted((HTML_DIR / "chapters").glob("*.html"))


def find_table(label: str):
    """(page, <table>) of the table whose anchor is `label`, searched over all chapter pages."""
    for page in chapter_pages():
        table = soup_of(page).find("table", id=label)
        if table is not None:
            return page, table
    raise AssertionError(f"no table with id {label!r} in the built HTML")


def plotly_figures(page: Path) -> dict[str, list[dict]]:
    """plot id -> the figure's trace list, read from the data beside its static image."""
    return built_pages.figures(soup_of(page))


def find_figure(label: str) -> list[dict]:
    for page in chapter_pages():
        figures = plotly_figures(page)
        if f"plotly-{label}" in figures:
            return figures[f"plotly-{label}"]
    raise AssertionError(f"no plotly figure {label!r} in the built HTML")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_addresses(session: int) -> set[str]:
    """The local addresses (address:port) that the processes of a session listen on, as `ss` reports them."""
    processes = subprocess.run(["ps", "-e", "-o", "pid=,sid="], capture_output=True, text=True, check=True).stdout
    pids = {pid for pid, sid in (line.split() for line in processes.splitlines()) if sid == str(session)}
    sockets = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    return {line.split()[3] for line in sockets.splitlines() if any(f"pid={pid}," in line for pid in pids)}


def offline(command: list[str]) -> list[str]:
    """`command` in a new network namespace: only loopback (for the Jupyter kernels), no other network (root only)."""
    return ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command]


def can_go_offline() -> bool:
    import os
    import shutil

    return shutil.which("unshare") is not None and shutil.which("ip") is not None and os.geteuid() == 0


def copy_repository(folder: Path, *, with_caches: bool = True) -> Path:
    """The repository's files (git's list, as they are in the working tree) copied into `folder`, with this
    build's execution cache and static images, so that a build of the copy runs only what its changes need."""
    import shutil

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    if with_caches:
        copy_build_caches(folder)
    return folder


def copy_build_caches(folder: Path) -> None:
    """This build's execution cache with its records of what it holds, and the figures' static images, into
    the repository copy at `folder`: its build then runs only what differs from this one."""
    import shutil

    work = Path("book") / "_build" / "work" / "_build"
    for part in (work / ".jupyter_cache", Path("book") / "_build" / "figure-images"):
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, folder / part, ignore=shutil.ignore_patterns("renderer.pid"))
    for state in (work / ".notebook-inputs.json", work / ".notebooks-cached.json"):
        if (ROOT / state).exists():
            shutil.copy2(ROOT / state, folder / state)


def _build_command(folder: Path, target: str, without_network: bool, env: dict) -> tuple[list[str], dict[str, str]]:
    import os
    import sys

    # the copy's own data and build state; the edition stays the one the tests read (JZREPORT_EDITION)
    skipped = {"JZREPORT_DATA_DIR", "JZREPORT_NOTEBOOK", "JZREPORT_NOTEBOOKS_READY", "SOURCE_DATE_EPOCH"}
    environment = {k: v for k, v in os.environ.items() if k not in skipped}
    environment.update(PYTHONPATH=str(folder / "scripts"), **env)
    command = [sys.executable, "-m", "jzreport.build", target]
    return (offline(command) if without_network else command), environment


def build_copy(
    folder: Path, target: str = "html", *, timeout: float | None = None, without_network: bool = False, **env
) -> subprocess.CompletedProcess:
    """Build a copy of the repository (its own jzreport, data and book) as `make` does (within `timeout` seconds;
    `without_network`: in a network namespace with loopback only)."""
    command, environment = _build_command(folder, target, without_network, env)
    return subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True, timeout=timeout)


def start_build_copy(folder: Path, target: str = "html", **env) -> subprocess.Popen:
    """`build_copy` started, not waited for: its output (stdout and stderr together) is read from `.stdout`."""
    command, environment = _build_command(folder, target, False, env)
    return subprocess.Popen(
        command, cwd=folder, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


class Watched:
    """A started process whose output (one pipe, text) is collected line by line while it runs."""

    def __init__(self, process: subprocess.Popen):
        import threading
        import time

        self.process = process
        self.started = time.monotonic()
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @classmethod
    def start(cls, command: list[str], cwd: Path, env: dict[str, str], **options) -> Self:
        """`command` started in a process group of its own (as a terminal runs it; os.killpg stops it and all it
        started), its output and errors read together."""
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            **options,
        )
        return cls(process)

    @classmethod
    def preview(cls, repo: Path, env: dict[str, str], port: int) -> Self:
        """`make serve`'s process (the live preview) in the copy `repo`, on `port`."""
        return cls.start([sys.executable, "-m", "jzreport.editing.preview", "--port", str(port)], repo, env)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def wait_for(self, condition, what: str, timeout: float = 600, interval: float = 0.002) -> None:
        """Poll `condition()` while the process runs (every 2 ms: some moments last a fraction of a second)."""
        import time

        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process.poll() is None, f"the process ended before {what}:\n{self.output}"
            assert time.monotonic() < deadline, f"no {what} within {timeout} s:\n{self.output}"
            time.sleep(interval)

    def finish(self, timeout: float | None = None) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code


# A chapter the editing tests change in a copy of the repository, and a sentence of it to insert before.
EDITED_CHAPTER = Path("book") / "chapters" / "08-challenges.md"
EDIT_ANCHOR = "总结成绩的同时，我们也清醒地认识到"


@contextmanager
def edited_chapter(repo: Path, insert: str):
    """The copy's EDITED_CHAPTER with `insert` put before EDIT_ANCHOR, restored afterwards; yields the 1-based
    line where the insert starts."""
    chapter = repo / EDITED_CHAPTER
    original = chapter.read_bytes()
    text = original.decode("utf-8")
    assert EDIT_ANCHOR in text
    chapter.write_text(text.replace(EDIT_ANCHOR, insert + EDIT_ANCHOR, 1), encoding="utf-8")
    try:
        yield text[: text.index(EDIT_ANCHOR)].count("\n") + 1
    finally:
        chapter.write_bytes(original)
