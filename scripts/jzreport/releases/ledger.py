"""The ledger of the book: every number it publishes, by a stable key, with the data each was read from.

A ledger is plain JSON (what a release records in releases/<year>/, and what every build compares):
- `inputs`: every cell of every data table of the edition (the corrections log apart), as typed in its CSV, by
  file, row key (the row's primary key, its values joined by " / "; a stated number's row: its key) and column;
- `numbers`: every number the book publishes, by key, each with its value as shown, where it stands (in words)
  and the inputs it was read from (`reads`: "file:row:column", "*" for any row or column):
  - `fact:<key>`        a number the report states (reported_facts.csv), as the page 数字出处 shows it;
  - `calc:<page>:<name>` a number the book computed ({eval} in a page, its trace: jzreport.present.prose.say);
  - `cell:<table>:<row>:<column>` a cell of a table of the report (its id in displays.yaml), as shown;
  - `check:<id>`        the verdict of an audit check (jzreport.audit.ledger), read from what the check verified
                        and read;
- `log`: the corrections log (data/<year>/revisions.csv) as it stood.
The computed numbers and table cells are read from the book's executed notebooks (the build's execution cache):
what a page glued with its trace, and each report table's cells (jzreport.present.tables.TABLE_MIME); nothing
is recomputed here, so the ledger is the book's own numbers.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from jzreport import paths
from jzreport.audit.values import FACTS_FILE, Ref
from jzreport.audit.verdicts import QUALIFIER_MARK
from jzreport.datapackage.load import DataPackage

FORMAT = 1
LOG = "revisions"  # the corrections log: a resource of the data package, not an input of the book
REGISTER = "name_mentions"  # the audit's name register, which a check may consult without recording a row
ROW_JOIN = " / "
ANY = "*"
KINDS = ("fact", "cell", "calc", "check")  # the order in which changed numbers are listed


class NotExecuted(Exception):
    """A notebook of the book has no execution of its current code in the cache (it failed, or never ran)."""


def input_id(file: str, row: str, column: str) -> str:
    """One input, or a set of them with "*": "progression.csv:2025:admitted", "majors.csv:*:major"."""
    return f"{file}:{row}:{column}"


def parse_input(text: str) -> tuple[str, str, str]:
    """The inverse of input_id (a file name and a column name hold no colon; a row key may)."""
    file, rest = text.split(":", 1)
    row, column = rest.rsplit(":", 1)
    return file, row, column


def reads_input(read: str, file: str, row: str, column: str) -> bool:
    """Whether the recorded read `read` covers the input (file, row, column)."""
    read_file, read_row, read_column = parse_input(read)
    return read_file == file and read_row in (ANY, row) and read_column in (ANY, column)


# ---- the data ----------------------------------------------------------------------------------------------


def row_keys(package: DataPackage, name: str) -> list[str]:
    """The key of each row of a data table, in file order: its primary key's values (joined by " / ")."""
    frame = package.printed_table(name)
    key = package.resource(name)["schema"].get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    if not key:
        return [f"第 {line} 行" for line in range(2, len(frame) + 2)]
    return [ROW_JOIN.join(str(frame.loc[i, k]) for k in key) for i in frame.index]


def inputs(package: DataPackage) -> dict[str, dict[str, dict[str, str]]]:
    """Every cell of every data table (the corrections log apart): {file: {row key: {column: text}}}."""
    found = {}
    for name, resource in package.tables().items():
        if name == LOG:
            continue
        frame = package.printed_table(name)
        found[resource["path"]] = {
            key: {column: str(frame.loc[i, column]) for column in frame.columns}
            for key, i in zip(row_keys(package, name), frame.index)
        }
    return found


def log_entries(package: DataPackage) -> list[dict]:
    """The corrections log (revisions.csv), each entry with its line in the file."""
    if LOG not in package.resources():
        return []
    frame = package.printed_table(LOG)
    return [{"line": i + 2, **{c: str(frame.loc[i, c]) for c in frame.columns}} for i in frame.index]


class _Rows:
    """Row keys of the data tables, by file, read once."""

    def __init__(self, package: DataPackage):
        self.package = package
        self._keys: dict[str, list[str]] = {}

    def key(self, file: str, line: int) -> str:
        name = Path(file).stem
        if name not in self._keys:
            self._keys[name] = row_keys(self.package, name)
        return self._keys[name][line - 2]  # line 1 is the header

    def of_ref(self, ref: Ref) -> str:
        if ref.key:
            return input_id(FACTS_FILE, ref.key, ANY)
        return input_id(ref.file, self.key(ref.file, ref.line), ref.column or ANY)


# ---- the numbers ---------------------------------------------------------------------------------------------


def fact_value(fact) -> str:
    """A stated number as the page 数字出处 shows it: value, unit, qualifier ("1700 人（余/以上）")."""
    unit = fact.unit if fact.unit in ("", "%") else " " + fact.unit
    mark = QUALIFIER_MARK[fact.qualifier]
    return f"{fact.text}{unit}" + (f"（{mark}）" if mark else "")


def _facts(package: DataPackage) -> dict[str, dict]:
    numbers = {}
    for key, fact in package.stated_facts().items():
        words = f"“{fact.quote}”" if fact.quote else fact.place
        numbers[f"fact:{key}"] = {
            "kind": "fact",
            "fact": key,
            "value": fact_value(fact),
            "where": f"{fact.section}：{words}",
            "reads": [input_id(FACTS_FILE, key, ANY)],
        }
    return numbers


def page_title(notebook: Path) -> str:
    """A page's title as its source gives it (its first heading); the front page, titled by the edition, 首页."""
    for line in notebook.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            title = line[2:].strip()
            return "首页" if "{{" in title else title
    return notebook.stem


def _computed(rows: _Rows, docname: str, title: str, glued: dict[str, str], declared: list[str]) -> dict[str, dict]:
    """The numbers a page computed, each reading what its trace records; a trace that records no data (a count of
    the audit's verdicts) read at most what the page declares it reads (its front matter's jzreport: data)."""
    from jzreport.present.prose import TRACE_SUFFIX

    numbers = {}
    for name, text in glued.items():
        if name.endswith(TRACE_SUFFIX) or name + TRACE_SUFFIX not in glued:
            continue
        trace = json.loads(glued[name + TRACE_SUFFIX])
        reads = {
            input_id(source["file"], rows.key(source["file"], line), source.get("field") or ANY)
            for source in trace.get("rows", [])
            for line in source["lines"]
        }
        if trace.get("fact"):
            reads.add(input_id(FACTS_FILE, trace["fact"], ANY))
        if not reads:
            reads = {input_id(path, ANY, ANY) for path in declared}
        how = trace.get("how") or f"照录报告所述的数字（{trace.get('fact')}）"
        numbers[f"calc:{docname}:{name}"] = {
            "kind": "calc",
            "page": docname,
            "name": name,
            "value": text,
            "where": f"{title}：{how}",
            "reads": sorted(reads),
        }
    return numbers


def _unique(labels: list[str]) -> list[str]:
    """Labels made unique by their occurrence: the second "合计" is "合计（2）"."""
    seen: Counter = Counter()
    unique = []
    for label in labels:
        seen[label] += 1
        unique.append(label if seen[label] == 1 else f"{label}（{seen[label]}）")
    return unique


def _cells(package: DataPackage, described, docname: str, shown: dict) -> dict[str, dict]:
    """The cells of one report table as shown (its description in displays.yaml: `described`), keyed by table id,
    row key and column."""
    header, *body = shown["cells"]
    columns = _unique(header)
    data_file = package.resource(described.data[0])["path"]
    others = [input_id(package.resource(n)["path"], ANY, ANY) for n in described.data[1:]]
    by_title = {title: field for field, title in package.field_titles(described.data[0]).items()}
    fields = [by_title.get(column, ANY) for column in header]
    data_rows = [i for i, row in enumerate(body) if row and row[0] not in described.computed_rows]
    data_keys = row_keys(package, described.data[0])
    mapped = bool(described.shows) and len(data_rows) == len(data_keys)
    keys_of = dict(zip(data_rows, data_keys)) if mapped else {}
    labels = _unique([keys_of.get(i) or (row[0] if row and row[0] else f"第 {i + 1} 行") for i, row in enumerate(body)])
    numbers = {}
    for i, row in enumerate(body):
        for j, (column, text) in enumerate(zip(columns, row)):
            if not mapped:
                reads = [input_id(package.resource(n)["path"], ANY, ANY) for n in described.data]
            else:
                reads = [input_id(data_file, keys_of.get(i, ANY), fields[j]), *others]
            numbers[f"cell:{described.id}:{labels[i]}:{column}"] = {
                "kind": "cell",
                "table": described.id,
                "label": described.label,
                "page": docname,
                "row": labels[i],
                "column": column,
                "position": [i, j],
                "value": text,
                "where": f"{described.caption}（{described.section}）：{row[0] if row else ''}，“{column}”",
                "reads": sorted(set(reads)),
            }
    return numbers


def _verdicts(package: DataPackage, rows: _Rows) -> dict[str, dict]:
    from jzreport.audit import build_ledger

    register = [input_id(package.resource(REGISTER)["path"], ANY, ANY)] if REGISTER in package.resources() else []
    numbers = {}
    for check in build_ledger(package).checks:
        reads = {rows.of_ref(ref) for ref in check.verifies | check.reads} | set(register)
        numbers[f"check:{check.id}"] = {
            "kind": "check",
            "check": check.id,
            "value": str(check.verdict),
            "where": f"审计 {check.id}：{check.claim}（{check.where}）",
            "reads": sorted(reads),
        }
    return numbers


def executed(build_dir: Path) -> dict[str, tuple[Path, object]]:
    """docname -> (source, executed notebook) of every page with code, from the build's execution cache."""
    from jzreport.build import cache

    found = {}
    for notebook, executed_notebook in cache.executed_notebooks(str(build_dir)).items():
        if executed_notebook is None:
            raise NotExecuted(notebook.relative_to(paths.ROOT).as_posix())
        found[notebook.relative_to(paths.BOOK_DIR).with_suffix("").as_posix()] = (notebook, executed_notebook)
    return found


def numbers(package: DataPackage, pages: dict[str, tuple[Path, object]]) -> dict[str, dict]:
    """Every number the book publishes, by key (see the module's docstring), from its executed pages."""
    from jzreport.build import notebook_runner
    from jzreport.datapackage.declared import declared
    from jzreport.present.displays import displays
    from jzreport.present.tables import TABLE_MIME

    rows = _Rows(package)
    found = _facts(package)
    tables = package.tables()
    described = displays(package)["tables"]
    for docname in sorted(pages):
        source, notebook = pages[docname]
        reads = [tables[name]["path"] for name in declared(source) if name in tables]
        found.update(_computed(rows, docname, page_title(source), notebook_runner.glued(notebook), reads))
        for output in notebook_runner.outputs(notebook):
            if TABLE_MIME in output.get("data", {}):
                shown = output["data"][TABLE_MIME]
                found.update(_cells(package, described[shown["id"]], docname, shown))
    found.update(_verdicts(package, rows))
    return found


def current(package: DataPackage, build_dir: Path) -> dict:
    """The ledger of the book as the build's execution cache under `build_dir` holds it (raises NotExecuted when a
    page has no execution of its current code)."""
    return {
        "format": FORMAT,
        "edition": package.edition.year,
        "inputs": inputs(package),
        "numbers": numbers(package, executed(build_dir)),
        "log": log_entries(package),
    }


def dumps(ledger: dict) -> str:
    """Stable JSON: keys sorted, one value a line, so that two ledgers compare line by line."""
    return json.dumps(ledger, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def anchor(prefix: str, key: str) -> str:
    """A stable HTML id for a key that may hold any text: the prefix and a digest of the key."""
    return f"{prefix}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:12]}"
