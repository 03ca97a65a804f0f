"""`make setup`: the Python environment, made so that an interrupted set-up is repaired by the next one.

    python3 scripts/python_environment.py <venv>        (run by make from the repository's root)

Ctrl-C or a kill at any moment of a set-up (pip half way through replacing a package, say) never leaves an
environment that passes for a finished one:
1. the pinned requirements (requirements.txt, hashes checked) are installed into an environment made from
   nothing; <venv>/.pinned-requirements, written only once the last of them is in, names the requirements.txt
   and the Python it holds. An environment without that record, or with another one, is removed first, with
   whatever an interrupted run left in it;
2. jzreport is installed editable on top, after removing by hand any earlier install of it (a few small files:
   pip cannot uninstall one it left without its RECORD), and the environment is checked by importing from it;
3. only then is <venv>/.requirements-installed written: every other target of the Makefile depends on it.
A change to pyproject.toml redoes step 2 only (seconds); a change to requirements.txt or to the Python, all.
Two set-ups at once take turns (a lock on <venv>.lock): the second finds the environment made and stops.

Why not make it in a staging folder and rename that into place: every command pip installs (jupyter-book,
sphinx-autobuild, pre-commit, pip itself) starts with the absolute path of the environment's python (#!/…/bin/python),
so a renamed environment's python works but none of its commands does ("required file not found"; measured).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

STAMP = ".requirements-installed"  # the Makefile's $(SETUP)
PINNED = ".pinned-requirements"
REQUIREMENTS = Path("requirements.txt")
INPUTS = (REQUIREMENTS, Path("pyproject.toml"), Path(__file__))  # the Makefile's prerequisites of $(SETUP)
CHECK = "import jzreport, myst_nb, setuptools.command.bdist_wheel"  # what a half-replaced setuptools broke


def announce(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*command: str | Path) -> None:
    subprocess.run([str(part) for part in command], check=True)


def pinned_identity() -> str:
    """What step 1 installed: this requirements.txt, with this Python."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    return f"{digest} {platform.python_version()} {os.path.realpath(sys.executable)}\n"


def up_to_date(venv: Path) -> bool:
    """The stamp is newer than every input (make's own rule): another set-up finished while this one waited."""
    stamp = venv / STAMP
    return stamp.exists() and all(stamp.stat().st_mtime_ns >= path.stat().st_mtime_ns for path in INPUTS)


def take_turns(venv: Path):
    """The set-up lock (released when this process ends, however it ends); True if another set-up held it."""
    lock = open(f"{venv}.lock", "w")  # noqa: SIM115 (held until the process exits)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return lock, False
    except BlockingIOError:
        announce(f"另一个 make setup 正在准备 {venv}，等待其完成 (another set-up of {venv} is running: waiting for it)")
        fcntl.flock(lock, fcntl.LOCK_EX)
        return lock, True


def install_requirements(venv: Path) -> None:
    announce(f"新建 Python 环境 (making {venv} from nothing: requirements.txt, hashes checked)")
    (venv / PINNED).unlink(missing_ok=True)  # first: a removal interrupted half way leaves no record behind
    if venv.is_symlink():
        venv.unlink()
    elif venv.exists():
        shutil.rmtree(venv)
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--require-hashes", "--no-deps", "-r", REQUIREMENTS)
    record = venv / f"{PINNED}.new"
    record.write_text(pinned_identity())
    record.replace(venv / PINNED)


def install_package(venv: Path) -> None:
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # What an interrupted run may have left: pip's stash of a package it was replacing (~name), jzreport's
    # editable install (jzreport.pth: from earlier versions of the Makefile).
    for leftover in [
        *site.glob("~*"),
        *site.glob("jzreport-*.dist-info"),
        *site.glob("__editable__*jzreport*"),
        site / "jzreport.pth",
    ]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)
        else:
            leftover.unlink(missing_ok=True)
    announce("安装 jzreport（可编辑） (installing jzreport, editable)")
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--editable", ".")
    run(python, "-c", CHECK)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("python3 scripts/python_environment.py <venv>", file=sys.stderr)
        return 2
    venv = Path(argv[0])
    started = time.monotonic()
    lock, waited = take_turns(venv)
    with lock:
        if waited and up_to_date(venv):
            announce(f"{venv} 已由另一个 make setup 准备好 (made by the other set-up)")
            return 0
        announce(f"准备 Python 环境 (setting up {venv}: requirements.txt with hashes, then jzreport)")
        (venv / STAMP).unlink(missing_ok=True)  # from here until the end, the environment is not finished
        pinned = venv / PINNED
        if not pinned.exists() or pinned.read_text() != pinned_identity():
            install_requirements(venv)
        install_package(venv)
        (venv / STAMP).touch()
    announce(f"Python 环境已就绪，用时 {time.monotonic() - started:.0f} 秒 ({venv} ready)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print(
            "\n准备 Python 环境时被中断；下次 make 会自动修复 (set-up interrupted: the next make repairs it)",
            file=sys.stderr,
        )
        sys.exit(130)
    except subprocess.CalledProcessError as failed:
        print(f"准备 Python 环境失败 (set-up failed): {failed}", file=sys.stderr)
        sys.exit(1)
