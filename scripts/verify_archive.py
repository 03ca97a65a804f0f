"""`make verify-archive`: a stranger's run of the published source archive, timed.

    python scripts/verify_archive.py [--reuse-venv] [--keep]

Takes the source archive the last build published (book/_build/html/jzjdgc-source-<year>.tar.gz), checks it
against the site's SHA256SUMS, unpacks it into an empty temporary folder outside any git repository, and runs
there what the archive's AUDITING.md tells an auditor to run: `make setup` (a fresh .venv from requirements.txt;
--reuse-venv borrows this tree's instead, to save minutes), `make html`, `make pdf`; compares the SHA256SUMS it
built with the published one; runs `make audit` (it must pass); then changes one file and runs `make audit` again
(it must fail, naming the file). One progress line per step, with its time. The times and the disk used are
recorded in benchmark/archive-roundtrip.json, which AUDITING.md quotes. Exits 1 if anything is not as expected
(the folder is then kept for a look).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from jzreport import paths
from jzreport.build import source_tree
from jzreport.datapackage.edition import Edition
from jzreport.datapackage.load import DataPackage, sha256_of

SITE = paths.BUILD_DIR / "html"
RECORD = paths.ROOT / "benchmark" / "archive-roundtrip.json"
# What the caller's environment must not lend the stranger's build: its make, its package, its build's settings.
NOT_INHERITED = (
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
    "VENV",
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "SOURCE_DATE_EPOCH",
    "FORCE_SOURCE_DATE",
    "JZREPORT_DATA_DIR",
    "JZREPORT_NOTEBOOK",
    "JZREPORT_NOTEBOOKS_READY",
)


T = TypeVar("T")


class Failed(Exception):
    """Something was not as an auditor must find it."""


def read_sums(site: Path) -> dict[str, str]:
    """A site's SHA256SUMS: name -> sha256."""
    lines = (site / "SHA256SUMS").read_text("utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def published_line(name: str) -> str:
    """The site's SHA256SUMS line for `name`, checked against the file."""
    sums = read_sums(SITE)
    if name not in sums:
        raise Failed(f"SHA256SUMS 中没有 {name} (the site's SHA256SUMS does not list {name}: run `make book`)")
    if sha256_of(SITE / name) != sums[name]:
        raise Failed(f"{name} 与 SHA256SUMS 不符 ({name} does not match the site's SHA256SUMS)")
    return sums[name]


class Run:
    """The steps, each timed, printed and recorded; make's output goes to a log file per step."""

    def __init__(self, folder: Path, total: int):
        self.folder, self.total = folder, total
        self.steps: list[dict[str, object]] = []
        self.env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        self.make_options: list[str] = []

    def step(self, name: str, command: str, action: Callable[[], T]) -> T:
        number = len(self.steps) + 1
        print(f"==> [{number}/{self.total}] {name}: {command}", flush=True)
        started = time.monotonic()
        result = action()
        seconds = time.monotonic() - started
        print(f"    {seconds:.1f} 秒 (s)", flush=True)
        self.steps.append({"name": name, "command": command, "seconds": round(seconds, 1)})
        return result

    def make(self, tree: Path, *args: str, expect_success: bool = True) -> str:
        log = self.folder / f"make-{'-'.join(args).replace('=', '_').replace('/', '_')}-{len(self.steps) + 1}.log"
        with open(log, "w", encoding="utf-8") as out:
            result = subprocess.run(
                ["make", *self.make_options, *args], cwd=tree, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        text = log.read_text(encoding="utf-8", errors="replace")
        if (result.returncode == 0) != expect_success:
            tail = "\n".join(text.splitlines()[-25:])
            raise Failed(f"make {' '.join(args)} 退出码 (exit status) {result.returncode}:\n{tail}\n(log: {log})")
        return text


def unpack(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as packed:
        packed.extractall(into, filter="data")
    tree = into / archive.name.removesuffix(".tar.gz")
    if subprocess.run(["git", "-C", str(tree), "rev-parse"], capture_output=True).returncode == 0:
        raise Failed(f"{tree} 在一个 git 仓库中 (is inside a git repository: not a stranger's folder)")
    return tree


def compare_sums(tree: Path) -> list[str]:
    """Names whose line differs between the published SHA256SUMS and the one built in `tree`."""

    published, built = read_sums(SITE), read_sums(tree / "book" / "_build" / "html")
    return sorted(name for name in published.keys() | built.keys() if published.get(name) != built.get(name))


def change_one_file(tree: Path) -> str:
    """Change one data file of the unpacked tree (one more byte at its end); return its name."""
    manifest = source_tree.read_manifest(tree)
    if manifest is None:
        raise Failed(
            f"解包的归档中没有 {source_tree.MANIFEST_NAME} (the unpacked archive has no {source_tree.MANIFEST_NAME})"
        )
    name = next(n for n in sorted(manifest) if n.startswith("data/") and n.endswith(".csv"))
    with open(tree / name, "ab") as changed:
        changed.write(b"\n")
    return name


def disk_mb(path: Path) -> float:
    used = sum(p.lstat().st_blocks * 512 for p in path.rglob("*") if not p.is_symlink()) if path.exists() else 0
    return round(used / 1e6, 1)


def machine() -> dict:
    release = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line)
    memory_kb = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    )
    return {
        "os": release.get("PRETTY_NAME", platform.system()).strip('"'),
        "kernel": platform.release(),
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024),
        "python": platform.python_version(),
        "load_average": round(os.getloadavg()[0], 1),  # other work on the machine while it was measured
    }


def verify(current: Edition, folder: Path, reuse_venv: bool) -> dict:
    archive = SITE / current.source_archive_name
    run, host = Run(folder, total=8), machine()  # the load before this run adds its own
    digest = run.step(
        "核对归档 check the archive",
        f"grep {archive.name} SHA256SUMS | sha256sum -c",
        lambda: published_line(archive.name),
    )
    tree = run.step("解包 unpack", f"tar -xzf {archive.name}", lambda: unpack(archive, folder / "stranger"))
    info, source_disk = source_tree.read_info(tree), disk_mb(tree)
    if info is None:
        raise Failed(f"解包的归档中没有 {source_tree.INFO_NAME} (the unpacked archive has no {source_tree.INFO_NAME})")
    if reuse_venv:  # this tree's environment as it is: `-o` its stamp, or make would install the unpacked package in it
        venv = paths.ROOT / ".venv"
        run.env["VENV"], run.make_options = str(venv), ["-o", f"{venv}/.requirements-installed"]
        run.step("make setup（借用已有的 .venv; existing .venv）", "make setup VENV=…", lambda: run.make(tree, "setup"))
    else:
        run.step("make setup（全新的 .venv; a fresh .venv）", "make setup", lambda: run.make(tree, "setup"))
    run.step("make html", "make html", lambda: run.make(tree, "html"))
    run.step("make pdf", "make pdf", lambda: run.make(tree, "pdf"))
    differing = run.step("比较 compare", "diff SHA256SUMS", lambda: compare_sums(tree))
    if differing:
        raise Failed(
            f"与已发布的 SHA256SUMS 不同的文件 (files whose sha256 differs from the published one): {differing}"
        )
    audit = run.step("make audit", "make audit", lambda: run.make(tree, "audit"))
    summary = next(line for line in reversed(audit.splitlines()) if "passed" in line)
    changed = change_one_file(tree)
    refused = run.step(
        "改动一个文件后 make audit (after changing a file)",
        f"make audit  # {changed} changed",
        lambda: run.make(tree, "audit", expect_success=False),
    )
    if changed not in refused:
        raise Failed(f"make audit 失败了，但没有指出被改动的 {changed} (make audit failed without naming {changed})")
    return {
        "measured": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": info["commit"],
        "modified": info["modified"],
        "archive": archive.name,
        "archive_bytes": archive.stat().st_size,
        "archive_sha256": digest,
        "machine": host,
        "venv": "reused" if reuse_venv else "fresh",
        "pip_find_links": bool(os.environ.get("PIP_FIND_LINKS")),
        "steps": run.steps,
        "disk_mb": {
            "source": source_disk,
            "venv": 0.0 if reuse_venv else disk_mb(tree / ".venv"),
            "build": disk_mb(tree / "book" / "_build"),
        },
        "results": {
            "sha256sums_identical": True,
            "audit": summary.removeprefix("==> ").strip(),
            "changed_file": changed,
            "audit_after_change": "failed, naming the changed file",
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse-venv", action="store_true", help="use this tree's .venv instead of a fresh one")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    current = DataPackage.from_environment().edition
    if not (SITE / current.source_archive_name).exists():
        print(
            f"没有已发布的源代码归档，请先运行 make book (no published source archive in {SITE.relative_to(paths.ROOT)}: run `make book`)",
            file=sys.stderr,
        )
        return 1
    folder = Path(tempfile.mkdtemp(prefix="jzreport-stranger-"))
    started = time.monotonic()
    try:
        record = verify(current, folder, args.reuse_venv)
    except Failed as failure:
        print(f"\n核对失败 (verification failed): {failure}\n临时文件夹保留在 (folder kept): {folder}", file=sys.stderr)
        return 1
    RECORD.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"==> 归档往返核对通过，用时 {time.monotonic() - started:.0f} 秒 (round trip verified): "
        f"{record['results']['audit']}; 记录于 (recorded in) {RECORD.relative_to(paths.ROOT)}"
    )
    if args.keep:
        print(f"    临时文件夹 (folder kept): {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
