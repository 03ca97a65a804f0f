"""Which source the book is built from: its commit, whether it differs from that commit, the commit's time and the
list of its files.

In a git checkout (this repository's own top level) git says. In an unpacked source archive, which has no .git,
the files the archive carries say (jzreport.build.source_archive writes them):
- SOURCE-INFO.json: the commit, whether the packed tree had changes not committed, and the build's time
  (SOURCE_DATE_EPOCH);
- SOURCE-SHA256SUMS: every source file with its sha256 (`sha256sum` format): the tree's file list, and what
  `check` compares the files with.

    python -m jzreport.build.source_tree check    (`make audit` runs it first)

names every source file that differs from the manifest, or is missing, and exits 1; in a git checkout, or a tree
without a manifest, there is nothing to check.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from jzreport import paths
from jzreport.datapackage.load import sha256_of

INFO_NAME = "SOURCE-INFO.json"
MANIFEST_NAME = "SOURCE-SHA256SUMS"


class SourceTreeError(Exception):
    """The tree has neither git nor the manifest of an unpacked archive, so its files are unknown."""


@dataclass(frozen=True)
class Origin:
    commit: str | None  # None: neither a git checkout nor an unpacked archive
    modified: bool  # the tree differs from the commit
    epoch: int | None  # the commit's time (git), or the packed build's SOURCE_DATE_EPOCH (archive)
    kind: str  # "git", "archive" or "unknown"


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def in_git_checkout(root: Path = paths.ROOT) -> bool:
    """`root` is the top level of a git working tree (not a folder somewhere inside another repository)."""
    top = _git(root, "rev-parse", "--show-toplevel")
    return top is not None and Path(top).resolve() == Path(root).resolve()


def read_info(root: Path = paths.ROOT) -> dict | None:
    path = Path(root) / INFO_NAME
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def read_manifest(root: Path = paths.ROOT) -> dict[str, str] | None:
    """name -> sha256 of every source file the archive packed, or None when there is no manifest."""
    path = Path(root) / MANIFEST_NAME
    if not path.exists():
        return None
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        entries[name] = digest
    return entries


def changed_files(root: Path = paths.ROOT) -> list[str]:
    """Files of an unpacked archive whose content differs from its manifest, or that are missing."""
    manifest = read_manifest(root) or {}
    return [
        name
        for name, digest in manifest.items()
        if not (Path(root) / name).is_file() or sha256_of(Path(root) / name) != digest
    ]


def origin(root: Path = paths.ROOT) -> Origin:
    if in_git_checkout(root):
        time = _git(root, "log", "-1", "--format=%ct")
        return Origin(
            commit=_git(root, "rev-parse", "HEAD"),
            modified=bool(_git(root, "status", "--porcelain", "--untracked-files=no")),
            epoch=int(time) if time else None,
            kind="git",
        )
    info = read_info(root)
    if info is not None:
        return Origin(
            commit=info["commit"],
            modified=bool(info["modified"]) or bool(changed_files(root)),
            epoch=int(info["source_date_epoch"]),
            kind="archive",
        )
    return Origin(commit=None, modified=False, epoch=None, kind="unknown")


def files(root: Path = paths.ROOT) -> list[str]:
    """The tree's source files (sorted, relative, '/'-separated): git's list in a checkout (as they are in the
    working tree), else the unpacked archive's manifest."""
    if in_git_checkout(root):
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
        return sorted(name for name in listed.decode().split("\0") if name and (Path(root) / name).is_file())
    manifest = read_manifest(root)
    if manifest is None:
        raise SourceTreeError(
            f"{root}: 既不是 git 仓库，也没有 {MANIFEST_NAME}，无从得知源文件清单 "
            f"(neither a git checkout nor an unpacked source archive with {MANIFEST_NAME}: the source files are unknown)"
        )
    return sorted(manifest)


def untracked(root: Path = paths.ROOT) -> list[str]:
    """In a git checkout, the files git does not track and does not ignore: they are not part of the source."""
    if not in_git_checkout(root):
        return []
    listed = _git(root, "ls-files", "--others", "--exclude-standard")
    return sorted(filter(None, (listed or "").splitlines()))


def check(root: Path = paths.ROOT) -> int:
    """Compare an unpacked archive's files with its manifest; print the result; 1 if any differs."""
    manifest = read_manifest(root)
    if manifest is None or in_git_checkout(root):
        return 0
    changed = changed_files(root)
    if not changed:
        print(f"==> 源文件与 {MANIFEST_NAME} 一致 (all {len(manifest)} source files match the archive's manifest)")
        return 0
    print(
        f"源文件与 {MANIFEST_NAME} 不符，已停止 ({len(changed)} source file(s) differ from the archive's manifest "
        f"or are missing; audit stopped):",
        file=sys.stderr,
    )
    for name in changed:
        state = "缺失 (missing)" if not (Path(root) / name).is_file() else "已改动 (changed)"
        print(f"  {name}: {state}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["check"]:
        print("用法 (usage): python -m jzreport.build.source_tree check", file=sys.stderr)
        return 2
    return check()


if __name__ == "__main__":
    sys.exit(main())
