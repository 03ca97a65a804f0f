"""Where a table or figure comes from: its place in the report, its data files and those files' versions."""

from __future__ import annotations

import os
from pathlib import Path

from jzreport.datapackage.load import DataPackage


def download_target(package: DataPackage, name: str) -> str:
    """Path of the file relative to the executing notebook (Sphinx's {download} role resolves it)."""
    return Path(os.path.relpath(package.path_of(name), Path.cwd())).as_posix()


def line(package: DataPackage, names: list[str], source: str) -> str:
    """A MyST source line: where it comes from in the report, the data files (downloadable) and their sha256."""
    files = "、".join(
        f"{{download}}`{package.resource(n)['path']} <{download_target(package, n)}>`"
        f"（sha256 {package.recorded_sha256(n)[:12]}）"
        for n in names
    )
    return f"来源：{source}｜数据：{files}"
