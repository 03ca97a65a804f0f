"""An edition's audit checks as it declares them: data/<year>/checks.yaml, a resource of its data package.

    audit:
      - group: 合计与分项            # a group of checks (A1, A2, ... in this order)
        checks:
          - claim: 实习岗位总数        # what is checked (a template: "{year} 届…")
            subject: fact("internship_positions")       # what the report states (verified by the check)
            recompute: total(column("internship_units", "positions"))  # what the data give (null: not derivable)
            basis: 表 6 各单位岗位数之和。

A check has a `subject` and either `recompute` (with optional `against`: more places that must agree, and
`equal_elsewhere`: where the same value also stands), or `readings` (the ways of computing an unexplained rate;
one must agree), or instead of a subject `same` (one fact stated in several places). `let` binds names for
its expressions, `each: <data file>` repeats it for every row (bound to `row`), a list `subject` repeats it for
each, `where` overrides the place shown, `assumptions` lists identifications the check rests on. The
expressions are jzreport.audit.expressions'; every problem is reported with the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from jzreport import paths
from jzreport.audit.expressions import Row
from jzreport.datapackage.load import DataError, DataPackage

RESOURCE = "checks"
_KINDS = ("recompute", "readings", "same")
_KEYS = {
    "claim",
    "subject",
    "recompute",
    "against",
    "equal_elsewhere",
    "readings",
    "same",
    "basis",
    "assumptions",
    "let",
    "each",
    "where",
    "qualifier",
}


class DeclarationError(DataError):
    """A check declaration that cannot be run, named by file and line."""


class _LineLoader(yaml.SafeLoader):
    """Remembers the line of every mapping (as `__line__`), so a problem names where it is."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


@dataclass(frozen=True)
class Declaration:
    spec: dict
    where: str  # "data/2025/checks.yaml:12"

    def bindings(self, edition_data) -> list[dict]:
        """The names bound for each repetition of the check: one per row of its `each` file, else one."""
        each = self.spec.get("each")
        if not each:
            return [{}]
        frame = edition_data.table(each)
        return [{"row": Row(record)} for record in frame.to_dict("records")]


def _clean(value):
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _problems(check: dict) -> list[str]:
    kinds = [k for k in _KINDS if k in check]
    problems = []
    if "claim" not in check:
        problems.append("缺少 claim (no claim)")
    if len(kinds) != 1:
        problems.append(f"应恰有 recompute、readings、same 之一，现有 {kinds or '无'} (exactly one of {list(_KINDS)})")
    if "same" not in check and "subject" not in check:
        problems.append("缺少 subject (no subject: what the report states)")
    unknown = sorted(set(check) - _KEYS - {"__line__"})
    if unknown:
        problems.append(f"未知的项 {unknown} (unknown keys; allowed: {sorted(_KEYS)})")
    return problems


def declarations(package: DataPackage) -> list[tuple[str, list[Declaration]]]:
    """The edition's checks, group by group, in the order declared."""
    text = package.read_text(RESOURCE)
    shown = package.path_of(RESOURCE)
    shown = shown.relative_to(paths.ROOT) if shown.is_relative_to(paths.ROOT) else shown
    try:
        document = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise DeclarationError(f"{shown}{line}: 不是有效的 YAML (invalid YAML): {error}") from None
    groups = document.get("audit") if isinstance(document, dict) else None
    if not isinstance(groups, list):
        raise DeclarationError(f"{shown}: 应有 audit: 列表 (expected a top-level 'audit' list of groups)")
    found = []
    for group in groups:
        where = f"{shown}:{group.get('__line__', '?') if isinstance(group, dict) else '?'}"
        if not isinstance(group, dict) or not isinstance(group.get("checks"), list) or "group" not in group:
            raise DeclarationError(f"{where}: 每组应有 group 与 checks 列表 (each group needs 'group' and 'checks')")
        declared = []
        for check in group["checks"]:
            at = f"{shown}:{check.get('__line__', '?') if isinstance(check, dict) else '?'}"
            if not isinstance(check, dict):
                raise DeclarationError(f"{at}: 一项核查应是映射 (a check is a mapping of keys)")
            problems = _problems(check)
            if problems:
                raise DeclarationError(f"{at}: " + "；".join(problems))
            declared.append(Declaration(_clean(check), at))
        found.append((group["group"], declared))
    return found
