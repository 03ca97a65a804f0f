"""An editor's mistakes never publish, and a saved edit shows in the live preview.

- A broken cross-reference and an unknown {eval} name fail `make html` (python -m jzreport.build html)
  with the chapter file and line, in Chinese and English, every time (not only once: the page is re-read);
  a failing code cell names the chapter file and the line of the failing statement. The published book
  stays as it was.
- `make serve` (python -m jzreport.preview): a saved prose edit appears in the open page by itself.
The chapter edited is restored afterwards, whatever happens.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

from tests.helpers import ARTIFACTS, CHAPTER_DIR, HTML_DIR, ROOT, free_port

CHAPTER = CHAPTER_DIR / "08-challenges.md"
ANCHOR = "总结成绩的同时，我们也清醒地认识到"


def _published_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(HTML_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(HTML_DIR).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


@contextmanager
def edited_chapter(insert: str):
    """CHAPTER with `insert` put before ANCHOR; yields the 1-based line where the insert starts."""
    original = CHAPTER.read_bytes()
    text = original.decode("utf-8")
    assert ANCHOR in text
    CHAPTER.write_text(text.replace(ANCHOR, insert + ANCHOR, 1), encoding="utf-8")
    try:
        yield text[: text.index(ANCHOR)].count("\n") + 1
    finally:
        CHAPTER.write_bytes(original)


def build_html() -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jzreport.build", "html"], cwd=ROOT, capture_output=True, text=True)


def test_broken_reference_and_unknown_number_fail_every_build(html_dir):
    published = _published_digest()
    with edited_chapter("编辑测试 {eval}`no_such_number` 元，见 {ref}`sec-no-such-section`。\n\n") as line:
        for attempt in (1, 2):
            result = build_html()
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
    assert _published_digest() == published


def test_failing_code_cell_names_the_chapter_line(html_dir):
    published = _published_digest()
    cell = "```{code-cell} ipython3\nrate = 1\nshare = rate / no_such_variable\n```\n\n"
    with edited_chapter(cell) as line:
        result = build_html()
    assert result.returncode != 0
    assert f"book/chapters/08-challenges.md:{line + 2}: 本章代码运行出错" in result.stderr, result.stderr
    assert "NameError: name 'no_such_variable' is not defined" in result.stderr
    assert len(result.stderr.splitlines()) < 8
    assert _published_digest() == published


def test_live_preview_shows_a_saved_edit(html_dir, browser):
    published = _published_digest()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jzreport.preview", "--port", str(port)],
        cwd=ROOT,
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
                if page.goto(url).ok and ANCHOR in page.content():
                    break
            except Exception:
                pass
            assert time.monotonic() < deadline, "the preview did not build"
            time.sleep(1)
        page.wait_for_timeout(1500)  # the page's reload script connects
        with edited_chapter("预览测试：这句话是刚刚保存的。"):
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
    assert _published_digest() == published, "the preview never touches the published book"
