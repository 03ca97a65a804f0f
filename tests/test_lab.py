"""Editors in JupyterLab, driven in chromium as an editor clicks: `make lab` (python -m jzreport.editing.lab), open
chapter 2 by its default viewer (as a double-click does), Run All, read what is shown, save.

Screenshots of the chapter after Run All (text, a table, a figure) are saved in tests/artifacts/.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.helpers import ARTIFACTS, CHAPTER_DIR, EVAL_NAME, ROOT, free_port

CHAPTER = CHAPTER_DIR / "02-talent-cultivation.md"
TOKEN = "editor-" + secrets.token_hex(12)  # random: a file holding it can only have got it from the server
# Numbers the chapter's prose shows once its cells ran (computed from 表 4, 表 6 and reported_facts.csv).
EXPECTED_TEXT = [
    "取得了省赛一等奖一项、二等奖2项、三等奖4项",
    "在第 62 个学雷锋纪念日",
    "编者注：此处为原报告图 13“主题班会”（照片，本书未收录）。",
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab as `make lab` starts it, on a free port, with a fresh workspace and home."""
    home = tmp_path_factory.mktemp("lab-home")
    port = free_port()
    env = {**os.environ, "HOME": str(home), "JUPYTER_TOKEN": TOKEN}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jzreport.editing.lab",
            "--no-browser",
            f"--port={port}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("JupyterLab did not start")
        yield url, server.pid
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def chapter_after_run_all(lab, browser):
    """Chapter 2 opened as a double-click opens it, then Run All; yields (page, console problems, file before)."""
    before = CHAPTER.read_bytes()
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    url, _ = lab
    page.goto(f"{url}/lab/tree/{CHAPTER.relative_to(ROOT).as_posix()}?token={TOKEN}")
    page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownCell", timeout=60_000)
    page.wait_for_timeout(1500)
    opened_dirty = page.locator(".lm-TabBar-tab.jp-mod-dirty").count()
    page.click("li.lm-MenuBar-item:has-text('运行')")
    page.click('li[data-command="runmenu:run-all"]')
    # Done when the last code cell has its execution count and the kernel is idle.
    page.wait_for_function(
        "() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];"
        " return p.length && /\\[\\d+\\]/.test(p[p.length - 1].textContent); }",
        timeout=180_000,
    )
    page.wait_for_timeout(2000)
    try:
        yield page, problems, before, opened_dirty
    finally:
        if CHAPTER.read_bytes() != before:  # never leave a changed chapter behind
            CHAPTER.write_bytes(before)
        page.close()


def _prose(page) -> str:
    """The text of the rendered Markdown cells (jupyterlab-myst renders them in place of their source)."""
    cells = page.locator(".jp-MarkdownCell")
    assert cells.count() == page.locator(".jp-MarkdownCell.jp-mod-rendered").count() > 10, (
        "every Markdown cell rendered"
    )
    return "\n".join(cells.locator(".jp-Cell-inputArea").all_inner_texts())


def test_chapter_opens_as_notebook_in_chinese_unmodified(chapter_after_run_all):
    page, problems, before, opened_dirty = chapter_after_run_all
    assert page.locator(".jp-NotebookPanel").count() == 1, "a double-click must open the chapter as a notebook"
    assert page.locator("li.lm-MenuBar-item", has_text="文件").count() == 1, "the interface is in Chinese"
    assert opened_dirty == 0, "opening a chapter must not mark it modified"


def test_run_all_shows_numbers_notes_and_tables_as_the_book(chapter_after_run_all):
    page, problems, before, opened_dirty = chapter_after_run_all
    prose = _prose(page)
    for text in EXPECTED_TEXT:
        assert text in prose
    names = set(EVAL_NAME.findall(CHAPTER.read_text(encoding="utf-8")))
    shown_names = sorted(name for name in names if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", prose))
    assert len(names) > 40 and shown_names == [], f"{{eval}} names shown instead of their values: {shown_names}"
    assert ":::" not in prose and ":class:" not in prose and "{div}" not in prose
    outputs = "\n".join(page.locator(".jp-OutputArea-output").all_inner_texts())
    assert "表 4 2024 年辽宁省学生技能大赛汇总表" in outputs and "Table 1" not in outputs
    assert "来源：原报告表 4（2.2.1 节）" in outputs
    page.locator(".jp-OutputArea-output table").first.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lab-chapter-02-table.png"))


def test_run_all_draws_interactive_figures(chapter_after_run_all):
    page, problems, before, opened_dirty = chapter_after_run_all
    page.wait_for_selector(".jp-NotebookPanel .js-plotly-plot .main-svg", timeout=30_000)
    figures = page.locator(".jp-NotebookPanel .js-plotly-plot")
    assert figures.count() == 2, "chapter 2 draws 表 5 and 表 7"
    assert (
        page.locator(
            ".jp-NotebookPanel .js-plotly-plot .bars path, .jp-NotebookPanel .js-plotly-plot .point path"
        ).count()
        > 4
    )
    figures.first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "lab-chapter-02-figure.png"))


def test_no_console_errors(chapter_after_run_all):
    page, problems, before, opened_dirty = chapter_after_run_all
    assert problems == []


def test_saving_leaves_the_chapter_unchanged(chapter_after_run_all):
    page, problems, before, opened_dirty = chapter_after_run_all
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')", timeout=30_000)
    page.wait_for_timeout(500)
    assert CHAPTER.read_bytes() == before, "a saved chapter must be byte-identical (git diff empty)"


def test_interface_switches_to_english(lab):
    url, _ = lab
    with urllib.request.urlopen(f"{url}/lab/api/translations/?token={TOKEN}", timeout=10) as response:
        import json

        languages = json.load(response)["data"]
    assert {"en", "zh_CN"} <= set(languages)


def test_the_server_listens_on_this_machine_only_and_writes_no_token(lab, chapter_after_run_all):
    """`make lab` serves on 127.0.0.1 only (its kernels too), and its token is in no file of the repository."""
    from tests.helpers import listening_addresses

    _, session = lab
    addresses = listening_addresses(session)
    assert addresses and all(a.startswith("127.0.0.1:") for a in addresses), addresses
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True)
    for name in filter(None, tracked.stdout.decode().split("\0")):
        path = ROOT / name
        if path.is_file() and path.stat().st_size < 5_000_000:
            assert TOKEN.encode() not in path.read_bytes(), f"the lab's token is written in {name}"
