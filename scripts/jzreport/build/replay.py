"""`make audit`: re-execute every chapter from scratch and compare it with the published book.

    python -m jzreport.build.replay [chapter-stem ...]

Each chapter notebook is executed in a fresh kernel (no cache) and saved to book/_build/audit/; every
table (cell by cell), every figure's data and every glued number of the prose is then compared with
what the published HTML book shows. Prints PASS or FAIL per chapter; exits 1 if any chapter fails.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup

from jzreport import paths
from jzreport.build import built_pages, notebook_runner
from jzreport.datapackage.load import DataPackage

CHAPTER_DIR = paths.BOOK_DIR / "chapters"
HTML_DIR = paths.BUILD_DIR / "html"
AUDIT_DIR = paths.BUILD_DIR / "audit"
_GLUE_ROLE = re.compile(r"\{(?:eval|glue(?::text)?)\}`([^`]+)`")
_UNESCAPE = re.compile(r"\\(.)")
_ROLE = re.compile(r"\{[\w:-]+\}`([^`]*)`")  # {check}`A1-06`, {ref}`表 3 <tbl-teachers>`
_LINK = re.compile(r"(?<!\\)\[([^\]]*)(?<!\\)\]\([^)]*\)")  # [124](#number-scorecard_3)


def _displayed(cell: str) -> str:
    """A table cell's MyST as the page shows it: a role's or a link's text, escapes removed."""
    text = _ROLE.sub(lambda found: re.sub(r"\s*<[^<>]*>$", "", found.group(1)), cell)
    return _UNESCAPE.sub(r"\1", _LINK.sub(r"\1", text)).strip()


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _markdown_tables(markdown: str) -> dict[str, list[list[str]]]:
    """Tables in a MyST list-table output: label -> rows of unescaped cell texts."""
    found = {}
    for block in re.findall(r"```\{list-table\}.*?\n```", markdown, re.S):
        name = re.search(r"^:name: (\S+)", block, re.M)
        assert name is not None, block  # every table the chapters show is named (jzreport.present.tables)
        label = name.group(1)
        rows = []
        for line in block.splitlines():
            if line.startswith("* - "):
                rows.append([line[4:]])
            elif line.startswith("  - ") and rows:
                rows[-1].append(line[4:])
        found[label] = [[_displayed(cell) for cell in row] for row in rows]
    return found


def executed_outputs(notebook) -> tuple[dict, dict, dict]:
    """(tables, figures, glued values by name) produced by an executed notebook."""
    return (
        _markdown_tables(notebook_runner.markdown_outputs(notebook)),
        notebook_runner.figures(notebook),
        notebook_runner.glued(notebook),
    )


def compare_chapter(package: DataPackage, source, html_dir: Path = HTML_DIR, audit_dir: Path = AUDIT_DIR) -> list[str]:
    """Differences between a fresh execution of `source` and its published page (empty: identical)."""
    notebook = notebook_runner.execute(source)
    audit_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, audit_dir / f"{source.stem}.ipynb")
    tables, figures, glued = executed_outputs(notebook)

    page = html_dir / "chapters" / f"{source.stem}.html"
    if not page.exists():
        return [f"no published page {page.relative_to(paths.ROOT)}"]
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    problems = []
    shown_tables = built_pages.tables(soup)
    for label, rows in tables.items():
        shown = [[_squeeze(c) for c in row] for row in shown_tables.get(label, [])]
        if shown != [[_squeeze(c) for c in row] for row in rows]:
            problems.append(f"table {label} differs from the published one")
    shown_figures = built_pages.figures(soup)
    for div_id, traces in figures.items():
        if shown_figures.get(div_id) != traces:
            problems.append(f"figure {div_id}: data differ from the published figure")
    used = _GLUE_ROLE.findall(source.read_text(encoding="utf-8"))
    stated = {key: fact.text for key, fact in package.stated_facts().items()}  # pasted from the CSV, not glued
    expected = [glued.get(name, stated.get(name, f"<missing {name}>")) for name in used]
    shown_numbers = built_pages.glued_numbers(soup)
    if [_squeeze(v) for v in expected] != [_squeeze(v) for v in shown_numbers]:
        first = next((i for i, (a, b) in enumerate(zip(expected, shown_numbers)) if _squeeze(a) != _squeeze(b)), None)
        where = (
            f" (first difference: {used[first]} = {expected[first]!r}, published {shown_numbers[first]!r})"
            if first is not None
            else ""
        )
        problems.append(f"glued numbers differ: {len(expected)} computed, {len(shown_numbers)} published{where}")
    if not problems:
        problems_summary = f"{len(tables)} tables, {len(figures)} figures, {len(used)} numbers identical"
        print(f"PASS {source.stem}: {problems_summary}", flush=True)
    return problems


def main(argv: list[str] | None = None) -> int:
    wanted = set(argv if argv is not None else sys.argv[1:])
    package = DataPackage.from_environment()
    sources = [p for p in sorted(CHAPTER_DIR.glob("*.md")) if not wanted or p.stem in wanted]
    print(
        f"==> 重新执行并与已发布的书对照 (re-executing {len(sources)} chapters from scratch into "
        f"{AUDIT_DIR.relative_to(paths.ROOT)} and comparing with {HTML_DIR.relative_to(paths.ROOT)})",
        flush=True,
    )
    started, failed = time.monotonic(), []
    for source in sources:
        problems = compare_chapter(package, source)
        if problems:
            failed.append(source.stem)
            print(f"FAIL {source.stem}:", flush=True)
            for problem in problems:
                print(f"     - {problem}", flush=True)
    print(f"==> {len(sources) - len(failed)} passed, {len(failed)} failed ({time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
