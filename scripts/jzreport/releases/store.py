"""An edition's releases: each a ledger file, releases/<year>/release-<year>-<n>.json, committed and tagged.

`make release` writes the ledger of the book as it is (jzreport.releases.ledger) with the release's number, date
and the commit whose book it describes, commits it, and tags that commit `release-<year>-<n>`: the tag's tree is
the released book and its ledger (the ledger changes no number, so the book built from the tag is the book the
ledger describes). Every build reads the files from the tree, so an unpacked source archive, without git, knows
its releases too. `make diff BASE=<tag or commit>` finds the ledger of a release by its tag or commit; for any
other commit it computes one, from that commit's own tree checked out under book/_build/diff/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from jzreport import paths
from jzreport.settings import Settings

FOLDER = "releases"
DIFF_DIR = paths.BUILD_DIR / "diff"


class BaseError(Exception):
    """The release or commit to compare with cannot be found or read (said in words an editor can act on)."""


def folder(settings: Settings) -> Path:
    return settings.root / FOLDER / settings.edition


def tag_of(year: str | int, number: int) -> str:
    return f"release-{year}-{number}"


def path_of(settings: Settings, number: int) -> Path:
    return folder(settings) / f"{tag_of(settings.edition, number)}.json"


def released(settings: Settings) -> list[dict]:
    """The edition's release ledgers in this tree, oldest first."""
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder(settings).glob("release-*.json"))]
    return sorted(found, key=lambda ledger: ledger["release"]["number"])


def meta(ledger: dict | None) -> dict | None:
    """What names a release: number, tag, date, commit and file."""
    return dict(ledger["release"]) if ledger and "release" in ledger else None


# ---- git -----------------------------------------------------------------------------------------------------


def git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)


def commit_of(root: Path, ref: str) -> str | None:
    found = git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return found.stdout.strip() if found.returncode == 0 else None


def _committed_ledgers(settings: Settings, ref: str) -> list[dict]:
    """The release ledgers in the tree of `ref` (a release made elsewhere, whose file this tree lacks)."""
    listed = git(settings.root, "ls-tree", "--name-only", ref, f"{FOLDER}/{settings.edition}/")
    ledgers = []
    for name in listed.stdout.split():
        shown = git(settings.root, "show", f"{ref}:{name}")
        if shown.returncode == 0:
            ledgers.append(json.loads(shown.stdout))
    return ledgers


def recorded_at(settings: Settings, ref: str) -> dict | None:
    """The release ledger that describes `ref` (a release tag, the commit it tags, or the commit it describes)."""
    for ledger in released(settings):
        if ref == ledger["release"]["tag"]:
            return ledger
    commit = commit_of(settings.root, ref)
    if commit is None:
        raise BaseError(f"找不到 {ref}：既不是发布标签，也不是提交 (no release tag or commit named {ref!r})")
    for ledger in [*released(settings), *_committed_ledgers(settings, ref)]:
        release = ledger["release"]
        if commit in (release["commit"], commit_of(settings.root, release["tag"])):
            return ledger
    return None


def computed_at(settings: Settings, ref: str) -> dict:
    """The ledger of the book at the commit `ref`, computed from that commit's own tree and code (checked out into
    book/_build/diff/<commit>/, with this tree's execution cache to start from)."""
    commit = commit_of(settings.root, ref)
    if commit is None:
        raise BaseError(f"找不到提交 {ref} (no commit {ref!r})")
    source = DIFF_DIR / commit[:12] / "source"
    if not (source / ".git").exists():
        shutil.rmtree(source, ignore_errors=True)
        git(settings.root, "worktree", "prune")
        source.parent.mkdir(parents=True, exist_ok=True)
        added = git(settings.root, "worktree", "add", "--detach", str(source), commit)
        if added.returncode != 0:
            raise BaseError(f"无法检出 {ref} (cannot check out {ref}): {added.stderr.strip()}")
        _copy_execution_cache(settings.root, source)
    if not (source / "scripts" / "jzreport" / "releases").exists():
        raise BaseError(
            f"{ref} 早于发布记录的功能，无法计算它的数字 (the commit {ref} predates release ledgers: compare with a "
            "release tag instead)"
        )
    output = source.parent / "ledger.json"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JZREPORT_")}
    environment["PYTHONPATH"] = str(source / "scripts")
    print(f"==> 计算 {ref} 的数字 (computing the ledger of {ref} in {source.relative_to(settings.root)})", flush=True)
    result = subprocess.run(
        [sys.executable, "-m", "jzreport.releases", "ledger", str(output)], cwd=source, env=environment, text=True
    )
    if result.returncode != 0 or not output.exists():
        raise BaseError(f"无法计算 {ref} 的数字 (the ledger of {ref} could not be computed; see above)")
    return json.loads(output.read_text(encoding="utf-8"))


def _copy_execution_cache(root: Path, tree: Path) -> None:
    """This tree's execution cache into another tree: its build then runs only what differs."""
    work = Path("book") / "_build" / "work" / "_build"
    if (root / work / ".jupyter_cache").exists():
        shutil.copytree(root / work / ".jupyter_cache", tree / work / ".jupyter_cache", dirs_exist_ok=True)
    for state in (".notebook-inputs.json", ".notebooks-cached.json"):
        if (root / work / state).exists():
            shutil.copy2(root / work / state, tree / work / state)
