"""Reading an edition's data package: its descriptor, its CSV tables, its declarations and the report's stated facts.

A `DataPackage` reads one edition's folder (jzreport.settings.Settings). Every read checks the file's sha256
against the descriptor, so a chapter never renders a file that differs from the recorded (and validated) version,
and must be one the running chapter declares (jzreport.datapackage.declared). What it read is kept: a package
object is one version of the data (make a new one after the files change).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from jzreport.datapackage import cells, declared
from jzreport.settings import Settings

if TYPE_CHECKING:
    import pandas as pd

    from jzreport.datapackage.edition import Edition


class DataError(Exception):
    """A problem with the book's data, with a message an editor can act on."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def is_table(resource: dict) -> bool:
    """A CSV table with a schema (every resource but the edition's declarations, such as checks.yaml)."""
    return str(resource.get("path", "")).endswith(".csv")


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


class DataPackage:
    """One edition's data package, read through its descriptor."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._tables: dict[str, pd.DataFrame] = {}
        self._printed: dict[str, pd.DataFrame] = {}
        self._verified: set[str] = set()  # files whose sha256 matched the descriptor

    @classmethod
    def from_environment(cls) -> DataPackage:
        return cls(Settings.from_environment())

    @property
    def folder(self) -> Path:
        return self.settings.data_dir

    @cached_property
    def descriptor(self) -> dict:
        with open(self.settings.descriptor, encoding="utf-8") as handle:
            return json.load(handle)

    @cached_property
    def edition(self) -> Edition:
        from jzreport.datapackage.edition import read

        return read(self)

    def resources(self) -> dict[str, dict]:
        """The descriptor's resources keyed by file stem (e.g. 'majors')."""
        return {Path(r["path"]).stem: r for r in self.descriptor["resources"]}

    def tables(self) -> dict[str, dict]:
        """The data package's tables (CSV files with a schema), keyed by file stem."""
        return {name: r for name, r in self.resources().items() if is_table(r)}

    def resource(self, name: str) -> dict:
        try:
            return self.resources()[name]
        except KeyError:
            raise DataError(
                f"datapackage.json 中没有名为 {name!r} 的数据文件 (no resource {name!r} in the data package)"
            ) from None

    def path_of(self, name: str) -> Path:
        return self.folder / self.resource(name)["path"]

    def recorded_sha256(self, name: str) -> str:
        return self.resource(name).get("hash", "").removeprefix("sha256:")

    def check_hash(self, name: str) -> None:
        path = self.path_of(name)
        if not path.exists():
            raise DataError(f"{path}: 文件不存在 (file missing); datapackage.json lists it as resource {name!r}")
        actual, recorded = sha256_of(path), self.recorded_sha256(name)
        if actual != recorded:
            raise DataError(
                f"{path}: 内容与 datapackage.json 记录的 sha256 不一致 (file changed since it was recorded: "
                f"recorded {recorded[:12] or 'nothing'}, found {actual[:12]}). 运行 `make check-data` 查看校验结果；"
                "确认修改无误后运行 `make record-data` 记录新版本 (record the new version deliberately)."
            )

    def field_titles(self, name: str) -> dict[str, str]:
        """Column name -> Chinese title from the schema."""
        return {f["name"]: f.get("title", f["name"]) for f in self.resource(name)["schema"]["fields"]}

    def field_decimals(self, name: str) -> dict[str, int]:
        return {f["name"]: f["decimals"] for f in self.resource(name)["schema"]["fields"] if "decimals" in f}

    # ---- reading files (each read must be declared by the running chapter) ------------------------------------

    def _read(self, name: str) -> None:
        declared.check_declared(name)
        if name not in self._verified:
            self.check_hash(name)
            self._verified.add(name)

    def _csv(self, name: str) -> pd.DataFrame:
        import pandas as pd  # here, not at the top: the descriptor alone (the cache, the preview) needs no pandas

        return pd.read_csv(self.path_of(name), dtype="string", keep_default_na=False, encoding="utf-8-sig")

    def read_text(self, name: str) -> str:
        """A data file that is not a table (e.g. the audit's check declarations), as text."""
        self._read(name)
        return self.path_of(name).read_text(encoding="utf-8")

    def printed_table(self, name: str) -> pd.DataFrame:
        """The named CSV as text, every cell as typed from the report ("96.0" stays "96.0", "0" stays "0")."""
        self._read(name)
        if name not in self._printed:
            self._printed[name] = self._csv(name)
        return self._printed[name].copy()

    def load_table(self, name: str) -> pd.DataFrame:
        """The named CSV as a DataFrame typed by its schema (a copy: chapters may change it freely)."""
        self._read(name)
        if name not in self._tables:
            self._tables[name] = self._typed(name)
        return self._tables[name].copy()

    def _typed(self, name: str) -> pd.DataFrame:
        import pandas as pd

        frame = self._csv(name)
        for field in self.resource(name)["schema"]["fields"]:
            column = field["name"]
            if field["type"] in ("integer", "number"):
                values = [
                    self._number(name, row, column, text, field["type"]) for row, text in enumerate(frame[column], 2)
                ]
                integer = field["type"] == "integer" and None not in values
                frame[column] = pd.array(values, dtype="float64").to_numpy(na_value=float("nan"))
                frame[column] = frame[column].astype("int64" if integer else "float64")
            elif field["type"] == "date":
                frame[column] = pd.to_datetime(frame[column].where(frame[column] != ""), format="%Y-%m-%d")
        return frame

    def _number(self, name: str, line: int, column: str, text: str, kind: str) -> int | float | None:
        """A numeric cell read as `make check-data` reads it (jzreport.datapackage.cells)."""
        try:
            return cells.parse_number(text, integer=kind == "integer")
        except cells.CellError as error:
            where = f"{self.path_of(name)}, 第 {line} 行 (row {line}), 列 {column} (column {column})"
            raise DataError(f"{where}: {error}") from None

    def rows_of(self, name: str, column: str | None = None, **equal) -> dict:
        """Where a computed number comes from: the rows of a data file (all, or those whose columns equal the given
        values) and the column read, as the book's trace of the number shows them (jzreport.present.prose.say)."""
        frame = self.load_table(name)
        chosen = frame.index
        for field, value in equal.items():
            chosen = chosen[(frame.loc[chosen, field] == value).to_numpy()]
        if len(chosen) == 0:
            raise DataError(f"{self.path_of(name)}: 没有 {equal} 的行 (no row where {equal})")
        return {
            "file": self.resource(name)["path"],
            "lines": [int(i) + 2 for i in chosen],  # line 1 is the header
            "column": self.field_titles(name)[column] if column else "",
            "field": column or "",
            "sha256": self.recorded_sha256(name),
        }

    def stated_facts(self) -> dict[str, Fact]:
        """Every number the report states (reported_facts.csv), by key, as printed (a fact keeps the digits the
        report prints: 96.0 stays 96.0)."""
        raw = self.printed_table("reported_facts")
        return {
            row["key"]: Fact(
                row["key"],
                float(row["value"]),
                row["value"],
                row["unit"],
                row["qualifier"],
                row["section"],
                row["quote"],
                row["place"],
            )
            for row in raw.to_dict("records")
        }
