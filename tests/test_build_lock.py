"""Two builds at once never corrupt the book: the second waits for the first (jzreport.build.build_lock).

- Two `make html` (python -m jzreport.build html) started together in a copy of the repository, with this build's
  caches and an edited chapter so that a build has work: both succeed, exactly one says that it waits for the
  other (naming its pid), and the published site verifies against its SHA256SUMS and shows the edit.
- A lock whose holder is killed is released by the kernel: the build waiting for it goes on, nothing to clean up.
- The live preview's rebuild (its preparation and its Sphinx run) waits for a build the same way; an idle preview
  holds no lock.
The tests share one copy (one worker, in this order); each edits the chapter in its own way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers import Watched, copy_repository, edited_chapter, free_port, start_build_copy

pytestmark = pytest.mark.xdist_group("build_lock")

WAITING = "另一个构建正在进行"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A copy of the repository with this build's execution cache and figure images."""
    return copy_repository(tmp_path_factory.mktemp("build-lock") / "repo")


def _environment(repo: Path) -> dict[str, str]:
    skipped = ("JZREPORT_DATA_DIR", "JZREPORT_NOTEBOOK", "JZREPORT_NOTEBOOKS_READY")
    return {**{k: v for k, v in os.environ.items() if k not in skipped}, "PYTHONPATH": str(repo / "scripts")}


@contextmanager
def lock_held_elsewhere(repo: Path):
    """A process of its own holding the copy's build lock, as a build would; yields it (to be killed)."""
    code = "from jzreport.build import build_lock\nimport time\nbuild_lock.hold_until_exit('test')\nprint('held', flush=True)\ntime.sleep(3600)"
    holder = subprocess.Popen(
        [sys.executable, "-c", code], cwd=repo, env=_environment(repo), stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def _verify_published(repo: Path, sentence: str) -> None:
    """The published site: every file listed in SHA256SUMS, each as listed (`sha256sum -c`), the edit shown."""
    site = repo / "book" / "_build" / "html"
    checked = subprocess.run(
        ["sha256sum", "--check", "--strict", "--quiet", "SHA256SUMS"], cwd=site, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = {line.split("  ", 1)[1] for line in (site / "SHA256SUMS").read_text(encoding="utf-8").splitlines()}
    present = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.name != "SHA256SUMS"}
    assert listed == present
    assert sentence in (site / "chapters" / "08-challenges.html").read_text(encoding="utf-8")
    assert not [p.name for p in site.parent.glob("html.*")], "no staging folder left"


def test_two_builds_at_once_publish_a_book_that_verifies(repo):
    sentence = "并发构建测试：两个构建同时开始，后一个等前一个结束。"
    started = time.monotonic()
    with edited_chapter(repo, sentence):
        builds = [Watched(start_build_copy(repo)) for _ in range(2)]
        codes = [build.finish(timeout=1800) for build in builds]
    outputs = "\n=== the other build ===\n".join(build.output for build in builds)
    print(f"two builds at once: {time.monotonic() - started:.0f} s, exit codes {codes}")
    assert codes == [0, 0], outputs
    waited = [i for i, build in enumerate(builds) if build.said(WAITING)]
    assert len(waited) == 1, outputs
    other = builds[1 - waited[0]].process.pid
    assert builds[waited[0]].said(f"{WAITING}（pid {other}，make html）"), outputs
    _verify_published(repo, sentence)


def test_a_lock_whose_holder_was_killed_does_not_stop_a_build(repo):
    sentence = "并发构建测试：持锁的进程被杀死之后，等待的构建继续进行。"
    started = time.monotonic()
    with edited_chapter(repo, sentence), lock_held_elsewhere(repo) as holder:
        build = Watched(start_build_copy(repo))
        build.wait_for(lambda: build.said(f"{WAITING}（pid {holder.pid}，test）"), "the waiting message", 120, 0.1)
        time.sleep(1)
        assert build.process.poll() is None, build.output
        holder.kill()  # SIGKILL: no clean-up of any kind
        holder.wait()
        code = build.finish(timeout=1800)
    print(f"a build after a killed holder: {time.monotonic() - started:.0f} s")
    assert code == 0, build.output
    assert build.said("HTML 已发布"), build.output
    _verify_published(repo, sentence)


def test_the_preview_rebuild_waits_for_a_build(repo):
    """The preview's rebuilds (its preparation and its Sphinx run, in one long-lived process) wait while a build
    works; between rebuilds the preview holds no lock, so a build never waits for an idle preview."""
    env = _environment(repo)
    port = free_port()
    with lock_held_elsewhere(repo) as holder:
        preview = Watched.preview(repo, env, port)
        try:
            preview.wait_for(
                lambda: preview.said(f"{WAITING}（pid {holder.pid}，test）"), "the waiting message", 120, 0.1
            )
            time.sleep(1)
            assert not preview.said("预览已更新"), preview.output
        except BaseException:
            os.killpg(preview.process.pid, signal.SIGTERM)
            raise
    try:
        preview.wait_for(lambda: preview.said("预览已更新"), "the first build", 900, 0.2)
        with lock_held_elsewhere(repo) as holder:  # at once: the idle preview holds no lock
            seen = len(preview.lines)
            with edited_chapter(repo, "预览与构建轮流：这一句在构建结束后才出现在预览中。"):
                message = f"{WAITING}（pid {holder.pid}，test）"
                preview.wait_for(
                    lambda: any(message in x for x in preview.lines[seen:]), "the rebuild's wait", 120, 0.1
                )
                time.sleep(1)
                assert not any("预览已更新" in x for x in preview.lines[seen:]), preview.output
                holder.kill()
                holder.wait()
                preview.wait_for(
                    lambda: any("预览已更新" in x for x in preview.lines[seen:]),
                    "the rebuild after the build",
                    300,
                    0.1,
                )
        page = repo / "book" / "_build" / "preview" / "html" / "chapters" / "08-challenges.html"
        assert "预览与构建轮流" in page.read_text(encoding="utf-8")
    finally:
        os.killpg(preview.process.pid, signal.SIGTERM)
        preview.finish(timeout=30)
