"""One build at a time: two builds of the same tree never work in book/_build at once.

A build (`make html`, `make pdf`) shares with any other build of the tree its work folder (book/_build/work:
Sphinx's output and saved pages, the execution cache and its records), the published book's staging folders
(book/_build/html.new, .old), the figure images and the logs; the live preview (`make serve`) shares the
execution cache and its records, and the figure images. Two at once collide there (measured without the lock:
2 of 3 pairs of builds had one fail, both executing a notebook into the cache, or both staging html.new).

So each takes an exclusive lock (flock) on book/_build/build.lock for its whole work: a build from before it
validates the data until it has published (its jupyter-book inherits the lock, so a build killed while Sphinx
still runs is over only when Sphinx is); a rebuild of the preview, for its preparation and for its Sphinx run.
The second to come says so on one line, naming the first, and waits (a line every WAIT_REPORT_S seconds), then
goes on. The kernel releases the lock when its holder ends, however it ends (a kill, a crash): nothing to clean
up. The file names its holder (pid and kind) while it is held, only to tell whoever waits.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator

from jzreport import paths

LOCK_FILE = paths.BUILD_DIR / "build.lock"
WAIT_REPORT_S = 30
_held: dict[int, str] = {}  # descriptor -> kind, of the lock this process holds


def _holder(fd: int) -> str:
    """The pid and kind of build the lock file names (a holder that just took it may not have written yet)."""
    for _ in range(20):
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        if text:
            return text
        time.sleep(0.05)
    return "?"


def acquire(kind: str) -> int:
    """Take the build lock for this process (waiting for another build to finish); the open file's descriptor,
    not inherited by child processes unless passed on. Closing it releases the lock."""
    LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid, _, other = _holder(fd).partition(" ")
        print(
            f"==> 另一个构建正在进行（pid {pid}，{other or '?'}），等待其完成 "
            f"(another build (pid {pid}, {other or '?'}) is running: waiting for it)",
            flush=True,
        )
        started, report = time.monotonic(), WAIT_REPORT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                time.sleep(0.2)
                if (waited := time.monotonic() - started) >= report:
                    print(f"    仍在等待，已 {waited:.0f} 秒 (still waiting: {waited:.0f} s)", flush=True)
                    report += WAIT_REPORT_S
        waited = time.monotonic() - started
        print(
            f"==> 等待了 {waited:.0f} 秒，开始 (the other build has ended after {waited:.0f} s: going on)", flush=True
        )
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()} {kind}\n".encode(), 0)
    return fd


def release(fd: int) -> None:
    os.ftruncate(fd, 0)  # nobody holds it now
    os.close(fd)


@contextlib.contextmanager
def held(kind: str) -> Iterator[None]:
    """The build lock for the block."""
    fd = acquire(kind)
    _held[fd] = kind
    try:
        yield
    finally:
        del _held[fd]
        release(fd)


def hold_until_exit(kind: str) -> None:
    """The build lock for the rest of this process (the preview's Sphinx run: released when it ends)."""
    if not _held:
        _held[acquire(kind)] = kind


def descriptors() -> tuple[int, ...]:
    """The lock this process holds, to hand to a child process (pass_fds) that works for it: the lock then stays
    held until the child too has ended (a jupyter-book left running by a build that was killed)."""
    return tuple(_held)
