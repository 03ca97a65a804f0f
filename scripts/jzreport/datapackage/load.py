"""Loading the book's data: the data package descriptor, its CSV files and the report's stated facts.

Every load checks the file's sha256 against the descriptor, so a chapter never renders a file
that differs from the recorded (and validated) version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from jzreport import paths
from jzreport.datapackage import cells, declared

if TYPE_CHECKING:
    import pandas as pd


class DataError(Exception):
    """A problem with the book's data, with a message an editor can act on."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@cache
def _descriptor(descriptor_path: str) -> dict:
    with open(descriptor_path, encoding="utf-8") as handle:
        return json.load(handle)


def descriptor() -> dict:
    return _descriptor(str(paths.DESCRIPTOR))


def clear_caches() -> None:
    """Forget the descriptor and tables read so far (after the files changed on disk)."""
    _descriptor.cache_clear()
    _load.cache_clear()
    _raw.cache_clear()
    _stated_facts.cache_clear()


def resources() -> dict[str, dict]:
    """The descriptor's resources keyed by file stem (e.g. 'majors')."""
    return {Path(r["path"]).stem: r for r in descriptor()["resources"]}


def is_table(resource: dict) -> bool:
    """A CSV table with a schema (every resource but the edition's declarations, such as checks.yaml)."""
    return str(resource.get("path", "")).endswith(".csv")


def tables() -> dict[str, dict]:
    """The data package's tables (CSV files with a schema), keyed by file stem."""
    return {name: r for name, r in resources().items() if is_table(r)}


def resource(name: str) -> dict:
    try:
        return resources()[name]
    except KeyError:
        raise DataError(
            f"datapackage.json 中没有名为 {name!r} 的数据文件 (no resource {name!r} in the data package)"
        ) from None


def path_of(name: str) -> Path:
    return paths.DATA_DIR / resource(name)["path"]


def recorded_sha256(name: str) -> str:
    return resource(name).get("hash", "").removeprefix("sha256:")


def check_hash(name: str) -> None:
    path = path_of(name)
    if not path.exists():
        raise DataError(f"{path}: 文件不存在 (file missing); datapackage.json lists it as resource {name!r}")
    actual, recorded = sha256_of(path), recorded_sha256(name)
    if actual != recorded:
        raise DataError(
            f"{path}: 内容与 datapackage.json 记录的 sha256 不一致 (file changed since it was recorded: "
            f"recorded {recorded[:12] or 'nothing'}, found {actual[:12]}). 运行 `make check-data` 查看校验结果；"
            "确认修改无误后运行 `make record-data` 记录新版本 (record the new version deliberately)."
        )


def _number(name: str, line: int, column: str, text: str, kind: str) -> int | float | None:
    """A numeric cell read as `make check-data` reads it (jzreport.datapackage.cells)."""
    try:
        return cells.parse_number(text, integer=kind == "integer")
    except cells.CellError as error:
        raise DataError(f"{path_of(name)}, 第 {line} 行 (row {line}), 列 {column} (column {column}): {error}") from None


@cache
def _load(name: str, data_dir: str) -> pd.DataFrame:
    import pandas as pd  # here, not at the top: the descriptor alone (cache_guard, the preview) needs no pandas

    check_hash(name)
    fields = resource(name)["schema"]["fields"]
    frame = pd.read_csv(path_of(name), dtype="string", keep_default_na=False, encoding="utf-8-sig")
    for field in fields:
        column = field["name"]
        if field["type"] in ("integer", "number"):
            values = [_number(name, row, column, text, field["type"]) for row, text in enumerate(frame[column], 2)]
            integer = field["type"] == "integer" and None not in values
            frame[column] = pd.array(values, dtype="float64").to_numpy(na_value=float("nan"))
            frame[column] = frame[column].astype("int64" if integer else "float64")
        elif field["type"] == "date":
            frame[column] = pd.to_datetime(frame[column].where(frame[column] != ""), format="%Y-%m-%d")
    return frame


@cache
def _raw(name: str, data_dir: str) -> pd.DataFrame:
    import pandas as pd

    check_hash(name)
    return pd.read_csv(path_of(name), dtype="string", keep_default_na=False, encoding="utf-8-sig")


def printed_table(name: str) -> pd.DataFrame:
    """The named CSV as text, every cell as typed from the report ("96.0" stays "96.0", "0" stays "0")."""
    _note_read(name)
    return _raw(name, str(paths.DATA_DIR)).copy()


def _note_read(name: str) -> None:
    """Every read of a data file passes here: it must be one the running chapter declares (jzreport.datapackage.declared)."""
    declared.check_declared(name)


def read_text(name: str) -> str:
    """A data file that is not a table (e.g. the audit's check declarations), as text, its sha256 checked."""
    _note_read(name)
    check_hash(name)
    return path_of(name).read_text(encoding="utf-8")


def load_table(name: str) -> pd.DataFrame:
    """The named CSV as a DataFrame typed by its schema (a copy: chapters may change it freely)."""
    _note_read(name)
    return _load(name, str(paths.DATA_DIR)).copy()


def rows_of(name: str, column: str | None = None, **equal) -> dict:
    """Where a computed number comes from: the rows of a data file (all, or those whose columns equal the given
    values) and the column read, as the book's trace of the number shows them (jzreport.present.prose.say)."""
    frame = load_table(name)
    chosen = frame.index
    for field, value in equal.items():
        chosen = chosen[(frame.loc[chosen, field] == value).to_numpy()]
    if len(chosen) == 0:
        raise DataError(f"{path_of(name)}: 没有 {equal} 的行 (no row where {equal})")
    return {
        "file": resource(name)["path"],
        "lines": [int(i) + 2 for i in chosen],  # line 1 is the header
        "column": field_titles(name)[column] if column else "",
        "field": column or "",
        "sha256": recorded_sha256(name),
    }


def field_titles(name: str) -> dict[str, str]:
    """Column name -> Chinese title from the schema."""
    return {f["name"]: f.get("title", f["name"]) for f in resource(name)["schema"]["fields"]}


def field_decimals(name: str) -> dict[str, int]:
    return {f["name"]: f["decimals"] for f in resource(name)["schema"]["fields"] if "decimals" in f}


@dataclass(frozen=True)
class Fact:
    """A number the report states, as printed (text) and as a number (value), with the report's words around it
    (quote, verbatim) or, for a number printed in a table with no sentence of its own, the book's description of
    its place in that table."""

    key: str
    value: float
    text: str
    unit: str  # as the report prints it with the number ("" when it prints none)
    qualifier: str
    section: str
    quote: str
    place: str


def stated_facts() -> dict[str, Fact]:
    """Every number the report states in prose (reported_facts.csv), by key; read once per data version."""
    _note_read("reported_facts")
    return _stated_facts(str(paths.DATA_DIR))


@cache
def _stated_facts(data_dir: str) -> dict[str, Fact]:
    import pandas as pd

    check_hash("reported_facts")
    # read as text: a fact keeps the digits the report prints (96.0 stays 96.0)
    raw = pd.read_csv(path_of("reported_facts"), dtype="string", keep_default_na=False, encoding="utf-8-sig")
    return {
        row.key: Fact(row.key, float(row.value), row.value, row.unit, row.qualifier, row.section, row.quote, row.place)
        for row in raw.itertuples(index=False)
    }
