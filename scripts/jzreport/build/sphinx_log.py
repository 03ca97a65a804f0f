"""What went wrong in a build, in one line per problem: the chapter file and line, in Chinese and English.

jupyter-book's log is long (a failing code cell gives ~160 lines of traceback pointing at `In[4], line 2`).
`problems(log)` reads the log and returns each warning, error and failed cell as a `BuildProblem` naming the
source file (relative to the repository) and the line in that file; for a failed cell, the line of the
failing statement inside the chapter's Markdown. The full log stays in a file for whoever needs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jzreport import paths

ANSI = re.compile(r"\x1b\[[0-9;]*m")
_WARNING = re.compile(
    r"^(?P<path>/[^:\n]+?)(?::(?P<line>\d+))?: (?P<level>WARNING|ERROR|CRITICAL|SEVERE): (?P<message>.+)$", re.M
)
_FAILED_NOTEBOOK = re.compile(r"ExecutionError: (?P<path>/\S+)")
_CELL_LINE = re.compile(r"^Cell In\[(?P<count>\d+)\], line (?P<line>\d+)", re.M)
_EXCEPTION = re.compile(r"^(?P<name>[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)): (?P<text>.*)$", re.M)
_CODE_CELL_START = re.compile(r"^```\{code-cell\}")

# English message (as Sphinx, MyST and myst-nb print it) -> what it means for an editor, in Chinese.
_EXPLANATIONS = [
    (
        re.compile(r"undefined label: '([^']+)'"),
        "交叉引用的目标 “{0}” 不存在（检查 {{ref}} 中的标签拼写，或目标前的 ({0})= 标签）",
    ),
    (
        re.compile(r"No key '([^']+)' found in glue data"),
        '正文中的 {{eval}}`{0}` 没有数值：本章代码没有 say("{0}", …)，reported_facts.csv 也没有键 {0}',
    ),
    (re.compile(r"unknown document: '?([^']+)'?"), "引用的页面 “{0}” 不存在"),
    (re.compile(r"image file not readable: (.+)"), "图片文件不存在：{0}"),
    (re.compile(r"Unknown directive type: '?([^'\s]+)"), "未知的指令 {0}（拼写错误，或 JupyterLab 与本书都不支持）"),
    (re.compile(r"Unknown interpreted text role ['\"]?([^'\"\s]+)"), "未知的角色 {0}"),
    (re.compile(r"document isn't included in any toctree"), "此页没有列入 _toc.yml"),
    (re.compile(r"duplicate label ([^,]+)"), "标签 {0} 重复"),
    (re.compile(r"Executing notebook failed"), "本章代码运行出错"),
    (re.compile(r"Notebook JSON is invalid|could not parse"), "笔记本格式无法解析"),
]


@dataclass(frozen=True)
class BuildProblem:
    where: str  # "book/chapters/08-challenges.md:26", or the file alone when no line is known
    english: str

    @property
    def chinese(self) -> str:
        for pattern, template in _EXPLANATIONS:
            if match := pattern.search(self.english):
                return template.format(*match.groups())
        return "构建警告"

    def __str__(self) -> str:
        return f"{self.where}: {self.chinese} / {self.english}"


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return path


def _code_cell_line(source: Path, count: int, line_in_cell: int) -> int | None:
    """The line in the chapter file of line `line_in_cell` of its `count`-th code cell (fresh kernel: the
    execution count is the cell's position among the code cells)."""
    import jupytext  # only when a cell failed: it takes a second to import

    lines = source.read_text(encoding="utf-8").splitlines()
    starts = [number for number, text in enumerate(lines) if _CODE_CELL_START.match(text)]
    if not 0 < count <= len(starts):
        return None
    cells = [cell for cell in jupytext.read(source).cells if cell.cell_type == "code"]
    first_source_line = cells[count - 1].source.splitlines()[:1]
    start = starts[count - 1] + 1
    # Skip the cell's options (":tags: ...") and the blank line after them: find the source's first line.
    if first_source_line:
        start = next((n for n in range(start, len(lines)) if lines[n] == first_source_line[0]), start)
    return start + line_in_cell  # 1-based: start is the 0-based index of the source's first line


def _failed_cells(log: str) -> list[BuildProblem]:
    """The build stops at the first notebook whose code fails: name it, with the failing line and error."""
    failed = dict.fromkeys(m.group("path") for m in _FAILED_NOTEBOOK.finditer(log))
    cell = _CELL_LINE.search(log)
    error = None
    if cell:
        error = next((e for e in _EXCEPTION.finditer(log, cell.end()) if "ExecutionError" not in e.group("name")), None)
    message = f"{error.group('name')}: {error.group('text')}" if error else "a code cell raised an error"
    found = []
    for path in failed:
        source, where = Path(path), _relative(path)
        if cell and source.exists():
            line = _code_cell_line(source, int(cell.group("count")), int(cell.group("line")))
            where += f":{line}" if line else ""
        found.append(BuildProblem(where, f"Executing notebook failed: {message}"))
    return found


def problems(log: str) -> list[BuildProblem]:
    """Every warning, error and failed code cell in a jupyter-book log, in order, each once."""
    log = ANSI.sub("", log)
    found = [
        BuildProblem(
            _relative(m.group("path")) + (f":{m.group('line')}" if m.group("line") else ""), m.group("message").strip()
        )
        for m in _WARNING.finditer(log)
        if "Executing notebook failed" not in m.group("message")
    ]
    found += _failed_cells(log)
    return list(dict.fromkeys(found))


def exception(log: str) -> list[str]:
    """The lines of the exception that stopped Sphinx (from "Exception occurred:" to where the traceback was
    saved), or the log's last lines if there is no such block."""
    lines = [ANSI.sub("", line).rstrip() for line in log.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if "Exception occurred" in line), None)
    if start is None:
        return lines[-12:]
    end = next((i for i in range(start, len(lines)) if "full traceback has been saved" in lines[i]), start + 8)
    return lines[start : end + 1]
