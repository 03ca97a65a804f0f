"""AUDITING.md, the auditor's README inside the source archive (jzreport.build.source_archive), in Chinese and English.

It follows the template README for social-science replication packages (AEA Data Editor and others): overview,
data availability and provenance with the dataset list, computational requirements with measured times, the
programs, the commands in order, the expected outputs with their checksums, and the tables and figures each
program makes. The text is auditing_template.md; every {{name}} in it is filled in here from the files packed (the lock file, the
Debian packages' script, the last measured round trip: benchmark/archive-roundtrip.json, written by
`make verify-archive`), the data package, and the site just built (its checksums, tables and figures). Nothing here
depends on the machine that packs the archive, so every build of the same source writes the same text.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, cast

from jzreport import paths
from jzreport.datapackage import declared
from jzreport.datapackage.load import DataPackage

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# Files of the source read from what is packed (a file git does not track is not part of the source).
TEMPLATE = "scripts/jzreport/build/auditing_template.md"
ROUND_TRIP = "benchmark/archive-roundtrip.json"
LOCK = "requirements.txt"
DEBIAN_PACKAGES = "scripts/install-system-deps.sh"
KEY_PACKAGES = ("jupyter-book", "sphinx", "myst-nb", "pandas", "plotly", "kaleido", "nbclient", "ipykernel")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_CAPTION_NUMBER = re.compile(r"^((?:审计)?表\s*\d+|图\s*\d+|案例\s*\d+)")


class TemplateError(Exception):
    """The template names a value this module does not provide."""


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _data_folder(package: DataPackage) -> str:
    folder = package.folder
    return folder.relative_to(paths.ROOT).as_posix() if folder.is_relative_to(paths.ROOT) else str(folder)


def dataset_table(package: DataPackage) -> str:
    rows = []
    for resource in package.descriptor["resources"]:
        source = resource.get("source", {})
        where = "；".join(v for k, v in source.items() if k in ("table", "figure")) or source.get("section", "")
        rows.append(
            [
                f"`{_data_folder(package)}/{resource['path']}`",
                resource.get("title", ""),
                where,
                f"`{resource['hash'][7:19]}…`",
            ]
        )
    return _table(["数据文件 Data file", "内容 Content", "原报告出处 Where in the report", "sha256"], rows)


def provenance(package: DataPackage) -> str:
    descriptor = package.descriptor
    sources = "；".join(f"{s['title']}（{s.get('path', '')}）" for s in descriptor.get("sources", []))
    licences = "；".join(item.get("title", item.get("name", "")) for item in descriptor.get("licenses", []))
    return f"- 来源 (source): {sources}\n- 数据包所记的许可 (licence recorded in the data package): {licences}"


def locked_versions(sources: dict[str, bytes]) -> dict[str, str]:
    """name -> version of every package pinned in requirements.txt."""
    text = sources[LOCK].decode("utf-8")
    return {m.group(1).lower(): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, re.M)}


def software(sources: dict[str, bytes]) -> str:
    versions = locked_versions(sources)
    packages = ", ".join(f"{name} {versions[name]}" for name in KEY_PACKAGES if name in versions)
    script = sources[DEBIAN_PACKAGES].decode("utf-8")
    debian = {m.group(1): m.group(2).split() for m in re.finditer(r"^(\w+)=\(([^)]*)\)", script, re.M)}
    return (
        f"- Python 软件包 (Python packages): {len(versions)} 个，版本与每个文件的 sha256 锁定在 `requirements.txt` "
        f"({len(versions)} packages, every version and file hash pinned in `requirements.txt`); 主要的 (main): "
        f"{packages}.\n"
        f"- Debian 软件包 (Debian packages; `scripts/install-system-deps.sh`): HTML: {' '.join(debian.get('html', []))}; "
        f"PDF: {' '.join(debian.get('pdf', []))}."
    )


def timings(sources: dict[str, bytes]) -> str:
    measured = json.loads(sources[ROUND_TRIP]) if ROUND_TRIP in sources else None
    if measured is None:
        return "尚未测量 (not measured yet): `make verify-archive`."
    machine = measured["machine"]
    rows = [[step["name"], f"`{step['command']}`", f"{step['seconds']:.1f}"] for step in measured["steps"]]
    disk = measured["disk_mb"]
    return (
        f"测量于 (measured on) {measured['measured']}，归档来自提交 (archive of commit) `{measured['commit'][:12]}`，"
        f"`make verify-archive`；{machine['os']}，{machine['cores']} 核 (cores)，内存 (memory) "
        f"{machine['memory_gb']} GB，Python {machine['python']}，开始时的负载 (load average at the start) "
        f"{machine.get('load_average', '—')}；"
        f"{'全新的' if measured['venv'] == 'fresh' else '已有的'} Python 环境 "
        f"({'a fresh' if measured['venv'] == 'fresh' else 'an existing'} .venv)"
        + (
            "，pip 先从本机的 wheel 目录取文件 (pip found the wheels in a local folder first: PIP_FIND_LINKS; "
            "downloading them all from PyPI takes longer)"
            if measured.get("pip_find_links")
            else ""
        )
        + ".\n\n"
        + _table(["步骤 Step", "命令 Command", "秒 Seconds"], rows)
        + f"\n\n合计 (in all): {sum(step['seconds'] for step in measured['steps']) / 60:.1f} 分钟 (minutes)。"
        f"磁盘 (disk): 源文件 (source) {disk['source']:.0f} MB，`.venv` {disk['venv']:.0f} MB，"
        f"`book/_build` {disk['build']:.0f} MB."
    )


def _number(caption: str) -> str:
    match = _CAPTION_NUMBER.match(caption)
    return match.group(1).replace(" ", "") if match else caption[:16]


def _with_class(root: HtmlElement, tag: str, name: str) -> list[HtmlElement]:
    """The `tag` elements under `root` that have the class `name` (an XPath of elements: a list of them)."""
    return cast(
        "list[HtmlElement]", root.xpath(f"//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")
    )


def _shown(page: Path) -> tuple[list[str], list[str]]:
    """The tables (their numbers, from their captions) and the figures (their names) of a built page, read with lxml:
    BeautifulSoup's parser took 0.2 s a chapter, on every build (the archive is packed again each time)."""
    import lxml.html

    root = lxml.html.fromstring(page.read_bytes())
    for permalink in _with_class(root, "a", "headerlink"):
        permalink.drop_tree()
    tables = []
    for table in root.iter("table"):
        if table.get("id") is None:
            continue
        caption = next(table.iter("caption"), None)
        assert caption is not None, table.get("id")  # every labelled table of the book has a caption
        tables.append(_number(" ".join(text.strip() for text in map(str, caption.itertext()) if text.strip())))
    figures = [str(box.get("data-figure")).removeprefix("plotly-") for box in _with_class(root, "div", "lazy-figure")]
    return tables, figures


def programs(site: Path) -> str:
    rows = []
    for notebook in declared.book_notebooks():
        page = site / notebook.relative_to(paths.BOOK_DIR).with_suffix(".html")
        if not page.exists():
            continue
        tables, figures = _shown(page)
        rows.append(
            [
                f"`{notebook.relative_to(paths.ROOT).as_posix()}`",
                f"`{page.relative_to(site).as_posix()}`",
                "、".join(tables) or "—",
                "、".join(figures) or "—",
                ", ".join(declared.declared(notebook)) or "—",
            ]
        )
    return _table(["程序 Program", "输出 Output", "表 Tables", "图 Figures", "读取的数据 Data read"], rows)


def outputs(package: DataPackage, expected: dict[str, str]) -> str:
    current = package.edition
    rows = [
        [f"`{name}`", f"`{expected[name]}`"]
        for name in (current.pdf_name, current.data_zip_name, "index.html", "audit/audit.json")
        if name in expected
    ]
    return _table(["文件 File (book/_build/html/)", "sha256"], rows)


def values(
    package: DataPackage, site: Path, info: dict, expected: dict[str, str], sources: dict[str, bytes]
) -> dict[str, str]:
    current = package.edition
    moment = datetime.datetime.fromtimestamp(info["source_date_epoch"], datetime.UTC)
    return {
        "title": current.title,
        "archive": current.source_archive_name,
        "folder": current.source_archive_name.removesuffix(".tar.gz"),
        "pdf": current.pdf_name,
        "commit": info["commit"] or "（不在 git 中构建 / not built from git）",
        "modified": "是：所打包的文件与该提交不同 (yes: the files packed differ from that commit)"
        if info["modified"]
        else "否 (no)",
        "build_time": moment.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "epoch": str(info["source_date_epoch"]),
        "source_files": str(info["files"]),
        "site_files": str(len(expected)),
        "provenance": provenance(package),
        "datasets": dataset_table(package),
        "software": software(sources),
        "timings": timings(sources),
        "outputs": outputs(package, expected),
        "programs": programs(site),
    }


def render(package: DataPackage, site: Path, info: dict, expected: dict[str, str], sources: dict[str, bytes]) -> str:
    """The README for the archive of `sources` (name -> content) with `info` (SOURCE-INFO.json), packed from the
    site at `site`, whose other files have the checksums `expected`."""
    filled = values(package, site, info, expected, sources)

    def fill(match: re.Match) -> str:
        if match.group(1) not in filled:
            raise TemplateError(f"{TEMPLATE}: 未知的占位符 (unknown placeholder) {match.group(0)}")
        return filled[match.group(1)]

    return _PLACEHOLDER.sub(fill, sources[TEMPLATE].decode("utf-8"))
