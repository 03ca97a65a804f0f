"""What changed since the last release: the book's ledger compared with a release's, each change with its cause.

The comparison starts from the inputs: every data cell that differs (file, row, column: old → new) is listed
with the entries of the corrections log (data/<year>/revisions.csv) that name it, and under it every published
number that changed and read it (a stated number, a total, a rate, a table cell, a verdict: the ledger records
what each read, jzreport.releases.ledger). A changed number that read no changed input (the book's code, a
chapter or the audit's declarations changed) is listed under the log entries that name the file changed and the
number's key (or a prefix of it). The build stops on any change the log does not explain and on a new log entry
that explains no change (`problems`), each named with what an editor needs to fix it.

Which release: the last one, unless the book is that release (every input and number the same: a build of the
tagged tree itself): then the release before it, so that a released book lists the revisions it made.
"""

from __future__ import annotations

from jzreport.releases.ledger import ANY, KINDS, anchor, reads_input
from jzreport.releases.store import meta

NONE, FIRST, UNCHANGED, CHANGED = "none", "first", "unchanged", "changed"
CORRECTION, REVISION = "更正", "修订"
ABSENT = "（无）"


def values(ledger: dict) -> dict[str, str]:
    return {key: number["value"] for key, number in ledger["numbers"].items()}


def same_book(a: dict, b: dict) -> bool:
    """Whether two ledgers describe the same book: the same inputs and the same published numbers."""
    return a["inputs"] == b["inputs"] and values(a) == values(b)


def choose_base(current: dict, releases: list[dict]) -> tuple[dict | None, dict | None]:
    """(the release to compare with, the release this book is, if it is one)."""
    if not releases:
        return None, None
    if same_book(current, releases[-1]):
        return (releases[-2] if len(releases) > 1 else None), releases[-1]
    return releases[-1], None


def identity(entry: dict) -> tuple[str, str, str, str]:
    """What names a log entry across versions of the log (its wording may be improved later)."""
    return entry["date"], entry["file"], entry["row"], entry["column"]


def _cells(inputs: dict) -> dict[tuple[str, str, str], str]:
    return {(f, r, c): text for f, rows in inputs.items() for r, columns in rows.items() for c, text in columns.items()}


def input_changes(base: dict, current: dict) -> list[tuple[tuple[str, str, str], str | None, str | None]]:
    """((file, row, column), old, new) of every data cell that differs, in file, row and column order."""
    old, new = _cells(base["inputs"]), _cells(current["inputs"])
    return [
        (cell, old.get(cell), new.get(cell))
        for cell in sorted(old.keys() | new.keys())
        if old.get(cell) != new.get(cell)
    ]


def _order(key: str) -> tuple[int, str]:
    return KINDS.index(key.split(":", 1)[0]), key


def _shown(value: str | None) -> str:
    return ABSENT if value is None else value


def _number(key: str, base: dict, current: dict) -> dict:
    """A changed number as the page and the terminal show it: where it stands, old → new, how to link to it."""
    entry = current["numbers"].get(key) or base["numbers"][key]
    old, new = base["numbers"].get(key, {}).get("value"), current["numbers"].get(key, {}).get("value")
    # (a cell's position in its table, where the mark goes, only for a number the book still shows)
    shown = {k: v for k, v in entry.items() if k not in ("reads", "value") and (k != "position" or new is not None)}
    return {**shown, "key": key, "old": _shown(old), "new": _shown(new), "anchor": anchor("rev", key)}


def _entry(entry: dict) -> dict:
    return {k: entry[k] for k in ("line", "date", "kind", "why", "file", "row", "column")}


def _explains_input(entry: dict, cell: tuple[str, str, str]) -> bool:
    file, row, column = cell
    return entry["file"] == file and entry["row"] == row and entry["column"] in ("", column)


def _explains_number(entry: dict, key: str) -> bool:
    return key.startswith(entry["row"])


def _unexplaining(entry: dict, since: str, since_english: str) -> str:
    return (
        f"revisions.csv 第 {entry['line']} 行：{entry['file']}, 行 {entry['row']}, 列 {entry['column'] or ANY} "
        f"自{since}以来没有改动 (line {entry['line']} of the corrections log names no change since "
        f"{since_english}: check the file, row and column)"
    )


def release_name(release: dict) -> tuple[str, str]:
    """(Chinese, English) name of what is compared with: a release, or a commit (`make diff BASE=<commit>`)."""
    if release.get("number"):
        return f"第 {release['number']} 次发布", f"release {release['number']}"
    return f"提交 {release['commit'][:12]}", f"commit {release['commit'][:12]}"


def compare(
    current: dict,
    releases: list[dict],
    *,
    titles: dict[str, dict[str, str]],
    labels: dict[str, dict[str, str]] | None = None,
    exists=None,
    base: dict | None = None,
) -> dict:
    """The comparison of the book's ledger `current` with the release it follows (see the module's docstring), or
    with `base` when given, as data for the page 修订记录, the marks in the text and `make diff`. `titles`: each
    data file's column titles; `labels`: a readable name of rows keyed by their number alone ("专职教师");
    `exists(path)`: whether a file the log names (not a data table) is in the tree."""
    labels = labels or {}
    base, this_release = (base, None) if base is not None else choose_base(current, releases)
    result = {
        "edition": current["edition"],
        "base": meta(base),
        "this_release": meta(this_release),
        "releases": [meta(r) for r in releases],
        "log": [_entry(e) for e in current["log"]],
        "inputs": [],
        "other": [],
        "changed": {},
        "problems": [],
    }
    stray = []  # entries the book's own release lacks: nothing changed since it, they explain nothing
    if this_release is not None:
        since, since_english = release_name(this_release["release"])
        logged = {identity(e) for e in this_release["log"]}
        stray = [e for e in current["log"] if identity(e) not in logged]
        result["problems"] += [_unexplaining(e, since, since_english) for e in stray]
    if base is None:
        result["status"] = FIRST if this_release else NONE
        return result
    logged = {identity(e) for e in base["log"]}
    new_entries = [e for e in current["log"] if identity(e) not in logged and e not in stray]
    old_values, new_values = values(base), values(current)
    changed = sorted(
        (k for k in old_values.keys() | new_values.keys() if old_values.get(k) != new_values.get(k)), key=_order
    )
    used: set[int] = set()
    explained: set[str] = set()
    input_files = set(base["inputs"]) | set(current["inputs"])
    since, since_english = release_name(base["release"])
    for cell, old, new in input_changes(base, current):
        entries = [e for e in new_entries if _explains_input(e, cell)]
        used.update(e["line"] for e in entries)
        derived = [
            key
            for key in changed
            if any(reads_input(r, *cell) for r in (current["numbers"].get(key) or base["numbers"][key])["reads"])
        ]
        explained.update(derived)
        file, row, column = cell
        result["inputs"].append(
            {
                "input": f"{file}:{row}:{column}",
                "file": file,
                "row": row,
                "column": column,
                "column_title": titles.get(file, {}).get(column, ""),
                "row_label": labels.get(file, {}).get(row, ""),
                "old": _shown(old),
                "new": _shown(new),
                "anchor": anchor("rev-input", f"{file}:{row}:{column}"),
                "log": [_entry(e) for e in entries],
                "derived": [_number(key, base, current) for key in derived],
            }
        )
        if not entries:
            label = f"（{result['inputs'][-1]['row_label']}）" if result["inputs"][-1]["row_label"] else ""
            result["problems"].append(
                f"{file}, 行 {row}{label}, 列 {column}: {_shown(old)} → {_shown(new)}：自{since}以来改动，"
                f"revisions.csv 中没有记录 (changed since {since_english}, not in the corrections log: add a line "
                f"with date, file {file}, row {row}, column {column}, kind {CORRECTION} or {REVISION}, and why)"
            )
    others = [e for e in new_entries if e["file"] not in input_files]
    for entry in others:
        if exists is not None and not exists(entry["file"]):
            result["problems"].append(
                f"revisions.csv 第 {entry['line']} 行：没有文件 {entry['file']} (line {entry['line']} of the "
                f"corrections log names no data table and no file of the book: {entry['file']!r})"
            )
    unexplained = [key for key in changed if key not in explained]
    groups: dict[int, list[str]] = {}
    for key in unexplained:
        entries = [e for e in others if _explains_number(e, key)]
        for e in entries:
            groups.setdefault(e["line"], []).append(key)
        if not entries:
            shown = _number(key, base, current)
            result["problems"].append(
                f"{shown['where']}（{key}）: {shown['old']} → {shown['new']}：它读的数据都没有改动，数值却变了，"
                f"revisions.csv 中没有记录 (changed since {since_english} though none of the data it reads did: the "
                f"book's code, a chapter or the audit's declarations changed it; add a line naming the file changed, "
                f"with row {key!r} or a prefix of it)"
            )
    for entry in others:
        if entry["line"] in groups:
            used.add(entry["line"])
            keys = groups[entry["line"]]
            result["other"].append(
                {
                    **_entry(entry),
                    "anchor": anchor("rev-other", str(entry["line"])),
                    "derived": [_number(key, base, current) for key in keys],
                }
            )
    for entry in new_entries:
        if entry["line"] in used:
            continue
        if entry["file"] in input_files:
            result["problems"].append(_unexplaining(entry, since, since_english))
        elif exists is None or exists(entry["file"]):
            result["problems"].append(
                f"revisions.csv 第 {entry['line']} 行：{entry['file']} {entry['row']} 没有对应的数字改动 (line "
                f"{entry['line']} of the corrections log names no changed number: its row is a number's key or a "
                "prefix of it)"
            )
    for key in changed:
        result["changed"][key] = _number(key, base, current)
    result["status"] = CHANGED if changed or result["inputs"] else UNCHANGED
    return result
