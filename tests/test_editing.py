"""An editor's mistakes never publish, and a saved edit shows in the live preview.

- A broken cross-reference and an unknown {eval} name fail `make html` (python -m jzreport.build html)
  with the chapter file and line, in Chinese and English, every time (not only once: the page is re-read);
  a failing code cell names the chapter file and the line of the failing statement. The published book
  stays as it was.
- `make serve` (python -m jzreport.editing.preview): a saved prose edit appears in the open page by itself.
Each test works on its own copy of the repository (with the published book and the caches of this build), so
that its edits and builds never meet the other tests' files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import (
    ARTIFACTS,
    EDIT_ANCHOR,
    HTML_DIR,
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


def test_live_preview_shows_a_saved_edit(repo, browser):
    published = _published_digest(repo)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jzreport.editing.preview", "--port", str(port)],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo / "scripts")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        url = f"http://127.0.0.1:{port}/chapters/08-challenges.html"
        deadline = time.monotonic() + 300
        while True:  # the first build
            try:
                if page.goto(url).ok and EDIT_ANCHOR in page.content():
                    break
            except Exception:
                pass
            assert time.monotonic() < deadline, "the preview did not build"
            time.sleep(1)
        page.wait_for_timeout(1500)  # the page's reload script connects
        addresses = listening_addresses(server.pid)  # `make serve` serves this machine only
        assert addresses and all(a.startswith("127.0.0.1:") for a in addresses), addresses
        with edited_chapter(repo, "预览测试：这句话是刚刚保存的。"):
            page.wait_for_function(
                "() => document.body.innerText.includes('预览测试：这句话是刚刚保存的。')", timeout=60_000
            )
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.locator("text=预览测试").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "preview-after-edit.png"))
    finally:
        page.close()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert _published_digest(repo) == published, "the preview never touches the published book"
