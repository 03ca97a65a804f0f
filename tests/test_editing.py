"""An editor's mistakes never publish, and a saved edit shows in the live preview.

- A broken cross-reference and an unknown {eval} name fail `make html` (python -m jzreport.build html)
  with the chapter file and line, in Chinese and English, every time (not only once: the page is re-read);
  a failing code cell names the chapter file and the line of the failing statement. The published book
  stays as it was.
- `make serve` (python -m jzreport.editing.preview): a saved prose edit appears in the open page by itself; invalid
  data, a MyST error and a failing cell are each reported on one line naming the file (and line), the last good
  page stays served and the server goes on.
Each test works on its own copy of the repository (with the published book and the caches of this build), so
that its edits and builds never meet the other tests' files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import (
    ARTIFACTS,
    EDIT_ANCHOR,
    HTML_DIR,
    SETTINGS,
    Watched,
    build_copy,
    copy_repository,
    edited_chapter,
    free_port,
    listening_addresses,
)


@pytest.fixture
def repo(tmp_path, html_dir) -> Path:
    """A copy of the repository with this build's published book and caches."""
    copy = copy_repository(tmp_path / "repo")
    shutil.copytree(HTML_DIR, copy / "book" / "_build" / "html")
    return copy


def _published_digest(repo: Path) -> str:
    published = repo / "book" / "_build" / "html"
    digest = hashlib.sha256()
    for path in sorted(published.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(published).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def test_broken_reference_and_unknown_number_fail_every_build(repo):
    published = _published_digest(repo)
    with edited_chapter(repo, "编辑测试 {eval}`no_such_number` 元，见 {ref}`sec-no-such-section`。\n\n") as line:
        for attempt in (1, 2):
            result = build_copy(repo)
            assert result.returncode != 0, f"build {attempt} must fail"
            where = f"book/chapters/08-challenges.md:{line}: "
            messages = [m for m in result.stderr.splitlines() if where in m]
            assert any(
                "交叉引用的目标 “sec-no-such-section” 不存在" in m and "undefined label" in m for m in messages
            ), result.stderr
            assert any("{eval}`no_such_number` 没有数值" in m and "No key 'no_such_number'" in m for m in messages), (
                result.stderr
            )
            assert "已发布的书未改动" in result.stderr and "book/_build/logs/html.log" in result.stderr
            assert len(result.stderr.splitlines()) < 10, "the problems, not the log"
    assert _published_digest(repo) == published


def test_failing_code_cell_names_the_chapter_line(repo):
    published = _published_digest(repo)
    cell = "```{code-cell} ipython3\nrate = 1\nshare = rate / no_such_variable\n```\n\n"
    with edited_chapter(repo, cell) as line:
        result = build_copy(repo)
    assert result.returncode != 0
    assert f"book/chapters/08-challenges.md:{line + 2}: 本章代码运行出错" in result.stderr, result.stderr
    assert "NameError: name 'no_such_variable' is not defined" in result.stderr
    assert len(result.stderr.splitlines()) < 8
    assert _published_digest(repo) == published


_SKIPPED = ("JZREPORT_DATA_DIR", "JZREPORT_NOTEBOOK", "JZREPORT_NOTEBOOKS_READY")  # this process's, not the copy's


def _start_preview(repo: Path) -> tuple[Watched, str]:
    """`make serve` in the copy (its output collected), and the address of the edited chapter's page."""
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if k not in _SKIPPED}, "PYTHONPATH": str(repo / "scripts")}
    server = Watched.preview(repo, env, port)
    return server, f"http://127.0.0.1:{port}/chapters/08-challenges.html"


def _stop(server: Watched) -> None:
    os.killpg(server.process.pid, signal.SIGTERM)
    server.finish(timeout=30)


def test_live_preview_shows_a_saved_edit(repo, browser):
    published = _published_digest(repo)
    server, url = _start_preview(repo)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        server.wait_for(lambda: server.said("预览已更新"), "the first build", 600, 0.2)
        assert page.goto(url).ok and EDIT_ANCHOR in page.content()
        page.wait_for_timeout(1500)  # the page's reload script connects
        addresses = listening_addresses(server.process.pid)  # `make serve` serves this machine only
        assert addresses and all(a.startswith("127.0.0.1:") for a in addresses), addresses
        with edited_chapter(repo, "预览测试：这句话是刚刚保存的。"):
            page.wait_for_function(
                "() => document.body.innerText.includes('预览测试：这句话是刚刚保存的。')", timeout=60_000
            )
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.locator("text=预览测试").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "preview-after-edit.png"))
        assert any("预览已更新" in line and "chapters/08-challenges" in line for line in server.lines), server.output
    finally:
        page.close()
        _stop(server)
    assert _published_digest(repo) == published, "the preview never touches the published book"


def _served(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode("utf-8")


def _rebuilt(server: Watched, before: int, what: str, timeout: float = 300) -> list[str]:
    """The lines the preview printed after line `before`, once it has finished a rebuild (updated or not)."""
    done = ("预览已更新", "预览未更新", "数据有")
    server.wait_for(lambda: any(m in line for line in server.lines[before:] for m in done), what, timeout, 0.1)
    time.sleep(0.5)  # the rest of its lines
    return server.lines[before:]


def test_live_preview_survives_bad_edits(repo):
    """Invalid data, a MyST error and a failing cell: each is reported on one line naming the file (and line); the
    preview keeps serving the last good page, and the next good edit shows."""
    server, url = _start_preview(repo)
    csv = repo / "data" / SETTINGS.edition / "fitness_tests.csv"
    try:
        server.wait_for(lambda: server.said("预览已更新"), "the first build", 600, 0.2)
        with edited_chapter(repo, "坏编辑测试：上一次正确的结果。"):
            before = len(server.lines)
            server.wait_for(lambda: "坏编辑测试：上一次正确的结果。" in _served(url), "the good edit", 120, 0.1)

            original = csv.read_bytes()
            before = len(server.lines)
            csv.write_bytes(original + b"2099,1,1\n")  # not recorded with make record-data: refused
            try:
                lines = _rebuilt(server, before, "the invalid data's report")
                assert any("数据有" in line and "预览未更新" in line for line in lines), lines
                assert any("fitness_tests.csv" in line for line in lines), lines
                assert "坏编辑测试：上一次正确的结果。" in _served(url), "the last good build is still served"
            finally:
                before = len(server.lines)
                csv.write_bytes(original)
            _rebuilt(server, before, "the rebuild with the data restored")

        directive = "坏编辑测试二。\n\n```{no-such-directive}\nx\n```\n\n"
        before = len(server.lines)
        with edited_chapter(repo, directive) as line:
            lines = _rebuilt(server, before, "the MyST error's report")
            assert any(
                f"book/chapters/08-challenges.md:{line + 2}: 未知的指令 no-such-directive" in x for x in lines
            ), lines
            assert "坏编辑测试二" in _served(url)  # the page with the error is written, the error shown in the terminal

        cell = "```{code-cell} ipython3\nrate = 1\nshare = rate / no_such_variable\n```\n\n坏编辑测试三。"
        before = len(server.lines)
        with edited_chapter(repo, cell) as line:
            lines = _rebuilt(server, before, "the failing cell's report", 600)
            assert any(
                f"book/chapters/08-challenges.md:{line + 2}: 本章代码运行出错" in x and "no_such_variable" in x
                for x in lines
            ), lines
            assert any("预览未更新" in x for x in lines), lines
            assert "坏编辑测试三" not in _served(url), "the last good build is still served"

        before = len(server.lines)
        with edited_chapter(repo, "坏编辑测试四：服务器仍在工作。"):
            server.wait_for(lambda: "坏编辑测试四：服务器仍在工作。" in _served(url), "the next good edit", 300, 0.2)
        assert server.process.poll() is None
    finally:
        _stop(server)
