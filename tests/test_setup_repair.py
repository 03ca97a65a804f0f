"""An interrupted set-up repairs itself: Ctrl-C or a kill at any point of the set-up is repaired by the next make.

In a copy of the repository, the real `make setup` is interrupted at several points of making the Python
environment (SIGINT to its process group, as Ctrl-C in a terminal sends it, or SIGKILL to all of it); each next
`make setup` starts from whatever the last one left, and the last must finish with a working environment and
nothing left over. The same for the HTML checkers from npm (`npm ci`, the Makefile's NODE_TOOLS).

Speed: the wheels of requirements.txt are downloaded once into ~/.cache/jzreport-tests/ (a wheelhouse, kept
between runs) and installed from there without compiling them (PIP_COMPILE=false); npm prefers its own cache.
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

from tests.helpers import ROOT, Watched, copy_repository

CHECK = "import jzreport, myst_nb, setuptools.command.bdist_wheel"
WAITED = "另一个 make setup 正在准备"


def _progress(started: float, message: str) -> None:
    print(f"[setup-repair {time.monotonic() - started:6.1f} s] {message}", flush=True)


def _wheelhouse() -> Path:
    """The wheels of requirements.txt in a folder (made once per requirements.txt, kept between test runs)."""
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jzreport-tests"
    wheels = cache / f"wheels-{digest}"
    if wheels.exists():
        return wheels
    staging = cache / f"wheels-{digest}.{os.getpid()}.new"  # an interrupted download is never taken for one
    shutil.rmtree(staging, ignore_errors=True)
    downloaded = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes"]
        + ["-r", str(ROOT / "requirements.txt"), "-d", str(staging)],
        capture_output=True,
        text=True,
    )
    assert downloaded.returncode == 0, downloaded.stderr
    for old in cache.glob("wheels-*"):  # the wheels of earlier lock files
        if old != staging:
            shutil.rmtree(old, ignore_errors=True)
    staging.rename(wheels)
    return wheels


def _environment(**extra: str) -> dict[str, str]:
    """This process's environment without what would tie make to it (its make, its Python environment)."""
    own = ("MAKE", "MFLAGS", "VIRTUAL_ENV", "PYTHONPATH", "JZREPORT_")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(own)}, **extra}


def _interruptible() -> None:
    """Ctrl-C stops make and its children, even when this process was started ignoring it (a background job)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Make(Watched):
    """`make <target>` in the copy, in a process group of its own (as a terminal runs it)."""

    @classmethod
    def run(cls, repo: Path, target: str, env: dict[str, str]) -> Make:
        return cls.start(["make", target], repo, env, preexec_fn=_interruptible)

    def interrupt(self, signum: int) -> int:
        """`signum` to make and everything it started (Ctrl-C in a terminal signals the whole group)."""
        os.killpg(self.process.pid, signum)
        return self.finish(timeout=120)


def _site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages"))
    return found[0] if found else venv / "lib" / "missing" / "site-packages"


def _entries(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except FileNotFoundError:
        return []


def test_interrupted_python_setup_is_repaired_by_the_next_make(tmp_path):
    started = time.monotonic()
    wheels = _wheelhouse()
    _progress(started, f"wheelhouse ready: {wheels}")
    repo = copy_repository(tmp_path / "repo", with_caches=False)
    venv = repo / ".venv"
    site = _site_packages  # the folder appears with the environment: looked up each time
    env = _environment(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels), PIP_COMPILE="false")
    python = venv / "bin" / "python"

    def interrupted(point: str, signum: int, reached, after: float = 0.0) -> None:
        """Run `make setup` until `reached(make)`, wait `after` seconds more, interrupt it; report what it left."""
        make = Make.run(repo, "setup", env)
        make.wait_for(lambda: reached(make), point)
        time.sleep(after)
        make.interrupt(signum)
        left = sorted(n for n in _entries(site(venv)) if "etuptools" in n or "jzreport" in n or n.startswith("~"))
        _progress(
            started,
            f"{signal.Signals(signum).name} {point} ({time.monotonic() - make.started:.1f} s in); left: {left}",
        )
        assert not (venv / ".requirements-installed").exists(), "an interrupted set-up never looks finished"

    # 1. a kill as the environment appears (its python is there, nothing else yet)
    interrupted("as the environment appears", signal.SIGKILL, lambda make: python.exists())
    # 2. Ctrl-C while the venv module installs its own pip and setuptools (the first files in site-packages)
    ensurepip = lambda make: bool(_entries(site(venv)))  # noqa: E731
    interrupted("while the venv module installs pip and setuptools", signal.SIGINT, ensurepip)
    # 3. Ctrl-C with pip part way through the pinned requirements, replacing the environment's own setuptools by
    #    the pinned one: the old files in pip's stash (~etuptools…), the new ones half written (the bug seen: a
    #    setuptools without bdist_wheel, for good). Finding pip's stash is watching site-packages change; the
    #    replacement takes a fraction of a second (what was caught is printed: `left`).
    stash = lambda make: any(n.startswith("~") for n in _entries(site(venv)))  # noqa: E731
    interrupted("while pip replaces setuptools", signal.SIGINT, stash, after=0.03)
    # 4. Ctrl-C while setuptools builds jzreport's editable install (the pinned requirements are all in)
    interrupted("in jzreport's editable install", signal.SIGINT, lambda make: make.said("安装 jzreport"), after=0.5)
    assert (venv / ".pinned-requirements").exists()
    # 5. a kill once jzreport's files are in: pip ending, or the check importing from the environment; no stamp yet
    editable = lambda make: any(n.startswith("__editable__") for n in _entries(site(venv)))  # noqa: E731
    interrupted("after jzreport's install, before the stamp", signal.SIGKILL, editable)

    # Then two set-ups at once: one waits for the other, and finds the environment made.
    both = [Make.run(repo, "setup", env), Make.run(repo, "setup", env)]
    codes = [make.finish(timeout=900) for make in both]
    _progress(started, f"two make setup at once: exit codes {codes}")
    assert codes == [0, 0], "\n---\n".join(make.output for make in both)
    assert sum(make.said(WAITED) for make in both) == 1, "\n---\n".join(make.output for make in both)

    checked = subprocess.run(
        [str(python), "-c", f"{CHECK}; print(jzreport.__file__)"], capture_output=True, text=True, env=env
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip().startswith(str(repo / "scripts" / "jzreport")), checked.stdout
    command = subprocess.run([str(venv / "bin" / "jupyter-book"), "--version"], capture_output=True, text=True)
    assert command.returncode == 0, command.stderr  # a command pip installed runs (its #! names this python)
    leftovers = [n for n in _entries(site(venv)) if n.startswith("~")] + [p.name for p in venv.glob("*.new")]
    assert not leftovers, leftovers
    assert sorted(p.name for p in repo.glob(".venv*")) == [".venv", ".venv.lock"]  # no other folder or file
    assert subprocess.run(["make", "-q", "setup"], cwd=repo, env=env).returncode == 0, "nothing left to do"
    _progress(started, "the environment works; nothing left over")


def _unpacked(modules: Path) -> int:
    """The packages npm has unpacked so far (it makes their folders first). A folder may vanish while it is counted
    (the Makefile removes an earlier attempt's node_modules before npm starts again; CI once saw @formatjs go
    mid-count): it is counted again."""
    while True:
        try:
            return len(list(modules.glob("*/package.json"))) + len(list(modules.glob("@*/*/package.json")))
        except FileNotFoundError:
            continue


def test_interrupted_npm_install_is_redone_by_the_next_make(tmp_path):
    if shutil.which("npm") is None:
        pytest.skip("no npm (scripts/install-system-deps.sh test)")
    started = time.monotonic()
    repo = copy_repository(tmp_path / "repo", with_caches=False)
    modules = repo / "tests" / "tools" / "node_modules"
    target = "tests/tools/node_modules/.installed"
    env = _environment(npm_config_prefer_offline="true")
    for signum, count in ((signal.SIGKILL, 20), (signal.SIGINT, 90)):  # of the lock file's 147 packages
        make = Make.run(repo, target, env)
        make.wait_for(lambda count=count: _unpacked(modules) >= count, f"{count} packages unpacked")
        make.interrupt(signum)
        _progress(
            started,
            f"npm ci: {signal.Signals(signum).name} once {count} packages were unpacked "
            f"({time.monotonic() - make.started:.1f} s in); {_unpacked(modules)} left",
        )
        assert not (modules / ".installed").exists()
    make = Make.run(repo, target, env)
    assert make.finish(timeout=900) == 0, make.output
    _progress(started, "npm ci finished")
    listed = subprocess.run(["npm", "ls", "--prefix", "tests/tools"], cwd=repo, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stdout + listed.stderr  # every package of the lock file, whole
    assert (modules / "vnu-jar" / "build" / "dist" / "vnu.jar").exists()
    assert subprocess.run(["make", "-q", target], cwd=repo, env=env).returncode == 0
