"""The comparison with the last release in a build: made once the pages have executed, before Sphinx reads any.

The build (jzreport.build.run) calls `prepare` while Sphinx starts up: the book's ledger is read from the
execution cache, compared with the release it follows (jzreport.releases.compare), and the build stops, with one
line per problem and the published book unchanged, when a change has no entry in the corrections log. Otherwise
the comparison is written as JSON for the book's Sphinx extensions (book/_ext/revisions_page.py: the page
修订记录; book/_ext/revision_marks.py: the marks beside changed numbers), which find it through REVISIONS_ENV;
without it (the live preview) they make it themselves, problems shown on the page instead of stopping.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jzreport.datapackage.load import DataPackage
from jzreport.releases import compare, ledger, store

REVISIONS_ENV = "JZREPORT_REVISIONS"


def titles(package: DataPackage) -> dict[str, dict[str, str]]:
    """Each data table's column titles, by file: what the page shows beside a column's name."""
    return {resource["path"]: package.field_titles(name) for name, resource in package.tables().items()}


def row_labels(package: DataPackage) -> dict[str, dict[str, str]]:
    """A readable name of each row a table keys by its number alone (seq): its first text column ("专职教师")."""
    found = {}
    for name, resource in package.tables().items():
        schema = resource["schema"]
        if schema.get("primaryKey") not in (["seq"], "seq"):
            continue
        text = [f["name"] for f in schema["fields"] if f["type"] == "string" and f["name"] != "seq"]
        if text:
            names = package.printed_table(name)[text[0]]
            found[resource["path"]] = dict(zip(ledger.row_keys(package, name), names))
    return found


def of_book(package: DataPackage, current: dict) -> dict:
    """The comparison of the ledger `current` with the releases in the package's tree."""
    settings = package.settings
    releases = store.released(settings)
    return compare.compare(
        current,
        releases,
        titles=titles(package),
        labels=row_labels(package),
        exists=lambda name: (settings.root / name).exists() or (settings.data_dir / name).exists(),
    )


def compute(package: DataPackage, build_dir: Path) -> dict | None:
    """The comparison of the book in the execution cache under `build_dir`; None when a page has not executed
    (the build then reports the failing page itself)."""
    try:
        current = ledger.current(package, build_dir)
    except ledger.NotExecuted:
        return None
    return of_book(package, current)


def report_problems(comparison: dict) -> None:
    """Print the problems, one a line, and stop: the book is not built (the published book is unchanged)."""
    problems = comparison["problems"]
    print(
        f"\n修订记录不完整：{len(problems)} 处 (the corrections log, data/{comparison['edition']}/revisions.csv, "
        f"does not explain every change since the last release):",
        file=sys.stderr,
    )
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    raise SystemExit(
        "未构建，已发布的书未改动 (nothing was built): 在 revisions.csv 中记下每一处改动后再构建；"
        "make diff 列出自上次发布以来的全部改动 (make diff lists every change since the last release)"
    )


def prepare(package: DataPackage, build_dir: Path, output: Path) -> dict | None:
    """The build's step: compare, stop on problems, write the comparison to `output` for Sphinx."""
    output.unlink(missing_ok=True)
    comparison = compute(package, build_dir)
    if comparison is None:
        return None
    if comparison["problems"]:
        report_problems(comparison)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(ledger.dumps(comparison), encoding="utf-8")
    return comparison


def load(path: str | None, package: DataPackage, build_dir: Path) -> dict | None:
    """The comparison the build wrote at `path`, else one made now (problems are then shown, not raised)."""
    if path and Path(path).exists():
        return json.loads(Path(path).read_text(encoding="utf-8"))
    return compute(package, build_dir)


def publish(package: DataPackage, comparison: dict | None, site: Path) -> list[Path]:
    """Into the site's folder revisions/: every release ledger of the edition (as committed) and the comparison
    the page shows (revisions.json). Returns the files written."""
    folder = site / "revisions"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(store.folder(package.settings).glob("release-*.json")):
        (folder / path.name).write_bytes(path.read_bytes())
        written.append(folder / path.name)
    if comparison is not None:
        (folder / "revisions.json").write_text(ledger.dumps(comparison), encoding="utf-8")
        written.append(folder / "revisions.json")
    return written
