"""Sphinx extension: the colophon (版本说明) page, filled in at build time.

It replaces the line `{colophon-details}` in colophon.md with: the git commit the book was built from,
the build time (SOURCE_DATE_EPOCH when set, for reproducible builds), the sha256 of every data file
and the versions of the packages that built the book. The page is re-read on every build.
"""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = "{colophon-details}"
PACKAGES = [
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "myst-parser",
    "sphinx-book-theme",
    "jupytext",
    "pandas",
    "numpy",
    "plotly",
    "kaleido",
    "frictionless",
    "nbclient",
    "ipykernel",
]


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _build_time() -> str:
    from jzreport.build import build_moment

    return build_moment().strftime("%Y-%m-%d %H:%M:%S UTC")


def details() -> str:
    commit = _git("rev-parse", "HEAD") or "（不在 git 仓库中构建）"
    dirty = " ＋ 未提交的修改" if _git("status", "--porcelain", "--untracked-files=no") else ""
    from jzreport import paths

    descriptor = json.loads(paths.DESCRIPTOR.read_text(encoding="utf-8"))
    lines = [
        f"- 构建所依据的 git 提交：`{commit}`{dirty}",
        f"- 构建时间：{_build_time()}",
        f"- 数据版本（年度）：`{paths.DATA_DIR.relative_to(paths.ROOT) if paths.DATA_DIR.is_relative_to(paths.ROOT) else paths.DATA_DIR}`",
        f"- Python {platform.python_version()}（{platform.system()} {platform.machine()}）",
        "",
        "```{list-table} 数据文件及其 sha256",
        ":header-rows: 1",
        ":name: tbl-colophon-data",
        "",
        "* - 数据文件",
        "  - 原报告出处",
        "  - sha256",
    ]
    for resource in descriptor["resources"]:
        source = "；".join(
            v for k, v in resource.get("source", {}).items() if k in ("table", "figure")
        ) or resource.get("source", {}).get("section", "")
        lines += [f"* - `{resource['path']}`", f"  - {source}", f"  - `{resource['hash'].removeprefix('sha256:')}`"]
    lines += [
        "```",
        "",
        "```{list-table} 构建本书的软件版本",
        ":header-rows: 1",
        ":name: tbl-colophon-packages",
        "",
        "* - 软件包",
        "  - 版本",
    ]
    for package in PACKAGES:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "未安装"
        lines += [f"* - {package}", f"  - {version}"]
    lines.append("```")
    return "\n".join(lines)


def _fill(app, docname, source):
    if MARKER in source[0]:
        source[0] = source[0].replace(MARKER, details())


def _always_outdated(app, env, added, changed, removed):
    return [doc for doc in env.found_docs if doc == "colophon"]


def setup(app):
    app.connect("source-read", _fill)
    app.connect("env-get-outdated", _always_outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
