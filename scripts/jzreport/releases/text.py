"""The comparison with a release in words: the lines `make diff` prints (Chinese, then English in brackets)."""

from __future__ import annotations

from jzreport.releases import compare


def _release(release: dict) -> tuple[str, str]:
    chinese, english = compare.release_name(release)
    if release.get("number"):
        return f"{chinese}（{release['date']}，{release['tag']}）", f"{english} of {release['date']}, {release['tag']}"
    return chinese, english


def heading(comparison: dict) -> str:
    base, this = comparison["base"], comparison["this_release"]
    if comparison["status"] == compare.NONE:
        return "尚无已发布的版本，无从比较 (no release yet: nothing to compare with)"
    if comparison["status"] == compare.FIRST:
        return f"本书即{_release(this)[0]}，此前没有发布，尚无修订 (this book is release 1: no revisions yet)"
    chinese, english = _release(base)
    prefix = f"本书即{_release(this)[0]}；" if this else ""
    return f"{prefix}与{chinese}相比 (compared with {english}):"


def _number(number: dict) -> str:
    return f"{number['where']}: {number['old']} → {number['new']}"


def lines(comparison: dict) -> list[str]:
    """The comparison as terminal lines: each changed input, its log entries and the numbers it changed."""
    found = [heading(comparison)]
    if comparison["status"] in (compare.NONE, compare.FIRST):
        return found
    if comparison["status"] == compare.UNCHANGED:
        return [*found, "  无修订：每一个数字都与之相同 (no revisions: every number is the same)"]
    for change in comparison["inputs"]:
        title = f"（{change['column_title']}）" if change["column_title"] else ""
        label = f"（{change['row_label']}）" if change["row_label"] else ""
        where = f"{change['file']}, 行 {change['row']}{label}, 列 {change['column']}{title}"
        causes = "；".join(f"{e['date']} {e['kind']}：{e['why']}" for e in change["log"])
        found.append(f"  {where}: {change['old']} → {change['new']}")
        found.append(f"    {causes}" if causes else "    未登记 (not in revisions.csv)")
        found += [f"      {_number(n)}" for n in change["derived"]]
    for group in comparison["other"]:
        found.append(f"  {group['file']} {group['row']}: {group['date']} {group['kind']}：{group['why']}")
        found += [f"      {_number(n)}" for n in group["derived"]]
    if comparison["problems"]:
        found.append(f"尚待处理 {len(comparison['problems'])} 处 (to be resolved before the build):")
        found += [f"  - {problem}" for problem in comparison["problems"]]
    found.append(
        f"共 {len(comparison['inputs'])} 处数据改动，{len(comparison['changed'])} 个已发布的数字改变 "
        f"({len(comparison['inputs'])} data cells and {len(comparison['changed'])} published numbers changed)"
    )
    return found
