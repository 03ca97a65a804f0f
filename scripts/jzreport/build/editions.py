"""Editions side by side: the current one is this tree; each released one is the git tag it was released as.

The chapters in book/ are the current edition's text (data/editions.yaml `current`). Starting the next edition
(`make new-edition YEAR=2026`) tags the tree as `edition-<year>` and records the tag under `released`; from
then on `make book EDITION=<year>` builds that edition from its own tree, checked out from the tag into
book/_build/editions/<year>/source, with its own Makefile, lock file and data, so it comes out exactly as it was
released: the same bytes (the build is reproducible, and nothing of the newer tree reaches it). The published
HTML and PDF are copied to book/_build/editions/<year>/.

Why tags rather than a folder of chapters per edition: a report's chapters are its own text, rewritten every
year, and everything a release was built with (the package, the extensions, the lock file) must stay as it was
for its bytes to stay the same; a tag keeps all of it, and nothing has to be duplicated in the tree.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from jzreport import paths
from jzreport.settings import Settings, SettingsError, editions

EDITIONS_DIR = paths.BUILD_DIR / "editions"


def tag_of(year: str) -> str:
    return f"edition-{year}"


def _git(*args: str, cwd: Path = paths.ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def _announce(message: str) -> None:
    print(f"==> {message}", flush=True)


def _checkout(tag: str, folder: Path) -> None:
    """The tree of `tag` in `folder` (a git worktree, so its build knows its commit and its files)."""
    if folder.exists():
        _git("worktree", "remove", "--force", str(folder))
        shutil.rmtree(folder, ignore_errors=True)
    _git("worktree", "prune")
    folder.parent.mkdir(parents=True, exist_ok=True)
    added = _git("worktree", "add", "--detach", str(folder), tag)
    if added.returncode != 0:
        raise SettingsError(f"无法检出 {tag} (cannot check out the tag {tag}): {added.stderr.strip()}")


def build_released(settings: Settings, target: str) -> int:
    """Build the released edition `settings.edition` from its tag, as it was released; its site and PDF are copied to
    book/_build/editions/<year>/. Uses this tree's Python environment when the lock files are the same."""
    released = editions(settings.root)["released"]
    if settings.edition not in released:
        raise SettingsError(
            f"版本 {settings.edition} 不是本仓库的当前版本（{settings.current}），也没有发布标签 (edition "
            f"{settings.edition} is neither the current edition nor a released one in data/editions.yaml; released: "
            f"{sorted(released) or 'none'})"
        )
    tag = released[settings.edition]
    folder = EDITIONS_DIR / settings.edition / "source"
    _announce(f"构建已发布的 {settings.edition} 年版：检出 {tag} (building the released edition from its tag {tag})")
    _checkout(tag, folder)
    venv = Path(sys.prefix)  # the environment running this build
    same_lock = (folder / "requirements.txt").read_bytes() == (settings.root / "requirements.txt").read_bytes()
    command = ["make", "-C", str(folder), target]
    if same_lock and (venv / ".requirements-installed").exists():  # the same pinned environment: borrow it
        command += [f"VENV={venv}", "-o", str(venv / ".requirements-installed")]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JZREPORT_")}
    environment.pop("PYTHONPATH", None)
    result = subprocess.run(command, env=environment)
    if result.returncode != 0:
        return result.returncode
    built = folder / "book" / "_build"
    published = EDITIONS_DIR / settings.edition
    for part in ("html", "pdf"):
        if (built / part).exists():
            staging = published / f"{part}.new"
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(built / part, staging)
            shutil.rmtree(published / part, ignore_errors=True)
            staging.rename(published / part)
    _announce(f"{settings.edition} 年版已发布 (published): {published.relative_to(settings.root)}/")
    return 0


def start(year: str, root: Path = paths.ROOT) -> int:
    """Start the edition `year`: tag the current one, record it as released, copy its data and text as the new
    edition's starting point (to be replaced by the new report's); its corrections log starts empty."""
    found = editions(root)
    current = found["current"]
    if year == current or year in found["released"]:
        print(f"版本 {year} 已存在 (the edition {year} exists already)", file=sys.stderr)
        return 1
    if _git("status", "--porcelain", "--untracked-files=no", cwd=root).stdout.strip():
        print(
            "有未提交的修改：先提交，再开始新的版本 (commit your changes first: the tag must be what was released)",
            file=sys.stderr,
        )
        return 1
    tag = tag_of(current)
    if _git("rev-parse", "--verify", "--quiet", f"refs/tags/{tag}", cwd=root).returncode != 0:
        _git("tag", tag, cwd=root)
    _announce(f"{current} 年版已标记为 {tag} (the {current} edition is tagged {tag})")
    data = root / "data"
    shutil.copytree(data / current, data / year)
    descriptor_path = data / year / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["edition"].update(year=int(year), previous_year=int(current))
    descriptor["name"] = descriptor["name"].replace(current, year)
    _empty_corrections_log(data / year, descriptor)
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    text = root / "source" / f"{current}-quality-report.txt"
    shutil.copyfile(text, root / "source" / f"{year}-quality-report.txt")
    (data / "editions.yaml").write_text(
        _editions_text(root, year, {**found["released"], current: tag}), encoding="utf-8"
    )
    _announce(
        f"{year} 年版已开始 (the {year} edition has started). 接下来 (next): 用 {year} 年报告的文本替换 "
        f"source/{year}-quality-report.txt，更新 data/{year}/ 的数据与 edition 描述（published 等），"
        f"make record-data，按新报告改写 book/chapters/；make book EDITION={current} 仍按 {tag} 构建 {current} 年版。"
    )
    return 0


def _empty_corrections_log(folder: Path, descriptor: dict) -> None:
    """The new edition has no release yet, so no correction: its log (revisions.csv) keeps only its header."""
    for resource in descriptor["resources"]:
        if resource.get("name") == "revisions" and (folder / resource["path"]).exists():
            log = folder / resource["path"]
            log.write_text(log.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
            resource["hash"] = "sha256:" + hashlib.sha256(log.read_bytes()).hexdigest()
            resource["bytes"] = log.stat().st_size


def _editions_text(root: Path, current: str, released: dict[str, str]) -> str:
    """data/editions.yaml with its comments kept and the new current edition and released tags."""
    header = (root / "data" / "editions.yaml").read_text(encoding="utf-8").split("\ncurrent:")[0]
    values = {"current": int(current), "released": {int(k): v for k, v in released.items()}}
    return header + "\n" + yaml.safe_dump(values, sort_keys=True, allow_unicode=True)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "new":
        return start(args[1])
    print("python -m jzreport.build.editions new <year>", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
