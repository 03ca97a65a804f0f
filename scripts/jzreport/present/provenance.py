"""Where a table or figure comes from: its place in the report, its data file and that file's version."""

from __future__ import annotations

import os
from pathlib import Path

from jzreport.datapackage import load as datapackage


def source_label(name: str) -> str:
    """The report location of a resource, e.g. '原报告表 1；表 8（1.1；2.3.1 节）'."""
    source = datapackage.resource(name).get("source", {})
    where = "；".join(source[k] for k in ("table", "figure") if k in source)
    section = source.get("section")
    label = f"原报告{where}" if where else "原报告正文"
    return f"{label}（{section}）" if section else label


def download_target(name: str) -> str:
    """Path of the CSV relative to the executing notebook (Sphinx's {download} role resolves it)."""
    return Path(os.path.relpath(datapackage.path_of(name), Path.cwd())).as_posix()


def line(names: list[str], *, report_ref: str | None = None) -> str:
    """A MyST provenance line naming the report source, the data files (downloadable) and their sha256."""
    files = "、".join(
        f"{{download}}`{datapackage.resource(n)['path']} <{download_target(n)}>`（sha256 {datapackage.recorded_sha256(n)[:12]}）"
        for n in names
    )
    source = report_ref or source_label(names[0])
    return f"来源：{source}｜数据：{files}"
