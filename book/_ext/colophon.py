"""Sphinx extension: the colophon (版本说明) page, filled in at build time.

It replaces the line `{colophon-details}` in colophon.md with: the git commit the book was built from (in an
unpacked source archive, which has no git, the commit its SOURCE-INFO.json records: jzreport.build.source_tree), the
build time (SOURCE_DATE_EPOCH when set, for reproducible builds), the sha256 of every data file, the versions of
the packages that built the book, and (in HTML) the downloads named after the edition: the data package and the
book's complete source. The page is re-read on every build (in the live preview, on its first).
"""

from __future__ import annotations

import json
import platform
import re
from importlib import metadata

MARKER = "{colophon-details}"
DOWNLOADS_MARKER = "{colophon-downloads}"  # inside the page's HTML-only block
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


def _build_time() -> str:
    from jzreport.build.run import build_moment

    return build_moment().strftime("%Y-%m-%d %H:%M:%S UTC")


def details(package) -> str:
    from jzreport import paths
    from jzreport.build import source_tree

    origin = source_tree.origin()  # git, or in an unpacked source archive the commit it records
    commit = origin.commit or "（不在 git 仓库中构建）"
    dirty = " ＋ 未提交的修改" if origin.modified else ""

    descriptor = json.loads(package.settings.descriptor.read_text(encoding="utf-8"))
    folder = package.folder
    lines = [
        f"- 构建所依据的 git 提交：`{commit}`{dirty}",
        f"- 构建时间：{_build_time()}",
        f"- 数据版本（年度）：`{folder.relative_to(paths.ROOT) if folder.is_relative_to(paths.ROOT) else folder}`",
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
    for name in PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "未安装"
        lines += [f"* - {name}", f"  - {version}"]
    lines.append("```")
    return "\n".join(lines)


def downloads(package) -> str:
    """The edition's data package and the book's complete source, as links (raw HTML)."""
    current = package.edition
    data_zip, archive = current.data_zip_name, current.source_archive_name
    return (
        f'<p class="data-download">全部数据（数据包：datapackage.json 与全部 CSV，一个 zip 文件）：'
        f'<a href="{data_zip}">{data_zip}</a>；每张表的 Excel 文件（.xlsx）在该表下方的来源行中。</p>\n'
        '<p class="source-download">本书的全部源文件（章节、代码、Sphinx 扩展、数据、原报告文本、锁定的依赖、'
        f'Makefile 与测试，一个 tar.gz 文件）：<a href="{archive}">{archive}</a>。'
        "解包到空文件夹（不需要 git），按其中的 AUDITING.md（中英文）运行 <code>make book</code>，"
        "得到与本网站逐字节相同的 HTML 与 PDF（与本网站的 SHA256SUMS 比较）；"
        "<code>make audit</code> 从头重新执行每一章并与之对照。</p>"
    )


def _fill(app, docname, source):
    if MARKER in source[0]:
        from edition import package

        book = package(app)
        source[0] = source[0].replace(MARKER, details(book)).replace(DOWNLOADS_MARKER, downloads(book))


def _file_names_break_at_underscores(app, pagename, templatename, context, doctree):
    """On a phone the data table's file names wrap between their words (after "_"), not inside one: a <wbr> is a
    break opportunity only, so the name still copies and searches as written."""
    body = context.get("body", "")
    start = body.find('id="tbl-colophon-data"')
    if pagename != "colophon" or start < 0:
        return
    end = body.find("</table>", start)
    table = re.sub(
        r'<span class="pre">([\w.-]+\.(?:csv|json|yaml))</span>',
        lambda m: '<span class="pre">' + m.group(1).replace("_", "_<wbr>") + "</span>",
        body[start:end],
    )
    context["body"] = body[:start] + table + body[end:]


def _always_outdated(app, env, added, changed, removed):
    """The colophon on every build (its commit and state change without an edit of the page); in the live preview
    (`make serve`, one Sphinx application for all its rebuilds) only on its first build: a save there should show
    in under a second."""
    if app.config.jzreport_preview and getattr(app, "_jzreport_colophon_read", False):
        return []
    app._jzreport_colophon_read = True
    return [doc for doc in env.found_docs if doc == "colophon"]


def setup(app):
    # The build's time is on every page ("最后更新于", from SOURCE_DATE_EPOCH) and in every table's workbook: as
    # a setting that concerns the HTML output, a new time (a new commit) has every page written again (not read
    # again), so a build on top of an earlier commit's gives the files a clean build of this commit gives.
    app.add_config_value("jzreport_build_time", _build_time(), "html", str)
    app.add_config_value("jzreport_preview", False, "", bool)  # set by jzreport.editing.preview
    app.connect("source-read", _fill)
    app.connect("html-page-context", _file_names_break_at_underscores)
    app.connect("env-get-outdated", _always_outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
