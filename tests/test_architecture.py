"""The shape of the code: the package holds no edition's content, so a new edition never edits it."""

from __future__ import annotations

import ast
import re

from jzreport import paths
from tests.helpers import SOURCE_TEXT

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{6,}")
PHRASE = 6  # characters: a phrase of the report, not a word the book uses to talk about reports


def report_phrases_in(code: str, report: str) -> list[tuple[int, str]]:
    """(line, phrase) for each string literal of `code` holding PHRASE or more CJK characters of `report` in a row."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for run in CJK_RUN.findall(node.value):
                windows = [run[i : i + PHRASE] for i in range(len(run) - PHRASE + 1)]
                quoted = [w for w in windows if w in report]
                if quoted:
                    found.append((node.lineno, quoted[0]))
    return found


def _report() -> str:
    return SOURCE_TEXT.read_text(encoding="utf-8").replace("\n", "")


def test_the_package_quotes_no_phrase_of_the_report():
    """No string literal of the package (docstrings included) contains 6 or more CJK characters in a row that the
    report's text has: the edition's words live with its data (data/<year>/), so a new edition edits no code."""
    report = _report()
    package = paths.ROOT / "scripts" / "jzreport"
    found = [
        f"{module.relative_to(paths.ROOT)}:{line}: {phrase}"
        for module in sorted(package.rglob("*.py"))
        for line, phrase in report_phrases_in(module.read_text(encoding="utf-8"), report)
    ]
    assert not found, "\n".join(found)


def test_a_copied_phrase_is_found():
    report = _report()
    code = 'TITLE = "学校简介"\nCLAIM = "表 2 各专业在校生人数之和"\nNOTE = """全日制学历教育在校生"""\n'
    assert [line for line, _ in report_phrases_in(code, report)] == [3]
