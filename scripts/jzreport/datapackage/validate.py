"""Validation of the whole data package, with one clear message per problem.

Run `python -m jzreport.datapackage.validate` (or `make check-data`). Structure (file, encoding, header) is
checked here; types and constraints (integer, minimum, maximum, enum, unique, primary key) by
frictionless against the schemas in datapackage.json; the sha256 of each file against the descriptor.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from jzreport import paths
from jzreport.datapackage import cells
from jzreport.datapackage.load import is_table, sha256_of
from jzreport.settings import Settings

NUMERIC = ("integer", "number")
_TYPE_NAMES = {
    "integer": "整数 (an integer)",
    "number": "数字 (a number)",
    "date": "日期 YYYY-MM-DD (a date)",
    "string": "文本 (text)",
}


@dataclass(frozen=True)
class DataProblem:
    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", 第 {self.row} 行 (row {self.row})"
        if self.column:
            where += f", 列 {self.column} (column {self.column})"
        return f"{where}: {self.message}"


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _decode(path: Path, shown: str) -> tuple[str | None, list[DataProblem]]:
    """The file's encoding for reading ('utf-8' or 'utf-8-sig'), or a problem."""
    raw = path.read_bytes()
    if not raw.strip(b"\xef\xbb\xbf \r\n\t"):
        return None, [
            DataProblem(shown, "文件为空：应有表头和数据行 (the file is empty: expected a header row and data rows)")
        ]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        try:
            raw.decode("gb18030")
            guess = "GBK/GB18030（Excel 中文版“CSV（逗号分隔）”的默认编码）"
        except UnicodeDecodeError:
            guess = "未知编码 (unknown encoding)"
        return None, [
            DataProblem(
                shown,
                f"不是 UTF-8 编码，看来是 {guess}（第 {error.start} 字节）。请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”，"
                "或用 `iconv -f GB18030 -t UTF-8` 转换 (the file is not UTF-8; it looks like GBK/GB18030: re-save it as "
                "'CSV UTF-8'; a UTF-8 BOM is fine)",
            )
        ]
    return ("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"), []


def _check_header(path: Path, encoding: str, fields: list[dict], shown: str) -> list[DataProblem]:
    import csv

    with open(path, encoding=encoding, newline="") as handle:
        header = next(csv.reader(handle), [])
    expected = [f["name"] for f in fields]
    if header == expected:
        return []
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    problems = []
    if missing and extra:
        problems.append(
            DataProblem(
                shown,
                f"表头缺少列 {missing}，却多出列 {extra}：是否改了列名？(renamed column? expected {expected}, found {header})",
                row=1,
            )
        )
    elif missing:
        problems.append(
            DataProblem(shown, f"表头缺少列 {missing} (missing column; expected {expected}, found {header})", row=1)
        )
    elif extra:
        problems.append(
            DataProblem(shown, f"表头多出列 {extra} (extra column; expected {expected}, found {header})", row=1)
        )
    else:
        problems.append(
            DataProblem(shown, f"列的顺序不对 (columns out of order; expected {expected}, found {header})", row=1)
        )
    return problems


def _constraint_message(error, field: dict) -> str:
    constraints = field.get("constraints", {})
    note = error.note
    if "minimum" in note:
        bound = constraints["minimum"]
        hint = "（人数、次数不能为负 / counts cannot be negative）" if bound == 0 else ""
        return f"值 {error.cell!r} 小于允许的最小值 {bound}{hint} (expected ≥ {bound})"
    if "maximum" in note:
        bound = constraints["maximum"]
        hint = "（百分比不能超过 100 / a percentage cannot exceed 100）" if field.get("unit") == "%" else ""
        return f"值 {error.cell!r} 大于允许的最大值 {bound}{hint} (expected ≤ {bound})"
    if "required" in note:
        return "不能为空 (a value is required)"
    if "enum" in note:
        return f"值 {error.cell!r} 不在允许的取值 {constraints['enum']} 之中 (expected one of them)"
    if "pattern" in note:
        return f"值 {error.cell!r} 不符合格式 {constraints['pattern']} (expected pattern)"
    return f"值 {error.cell!r} 不满足约束：{note}"


def _numeric_problems(path: Path, encoding: str, resource: dict, shown: str) -> list[DataProblem]:
    """Every numeric cell read as the chapters read it (jzreport.datapackage.cells): the check and the book agree on each."""
    import csv

    numeric = {f["name"]: f["type"] == "integer" for f in resource["schema"]["fields"] if f["type"] in NUMERIC}
    problems = []
    with open(path, encoding=encoding, newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            for column, integer in numeric.items():
                try:
                    cells.parse_number(row.get(column) or "", integer=integer)
                except cells.CellError as error:
                    problems.append(DataProblem(shown, str(error), row=line, column=column))
    return problems


def _frictionless_problems(path: Path, encoding: str, resource: dict, shown: str) -> list[DataProblem]:
    from frictionless import Resource, errors

    descriptor = {k: v for k, v in resource.items() if k not in ("hash", "bytes", "source", "title", "description")}
    descriptor.update(path=path.name, encoding=encoding)
    report = Resource(descriptor, basepath=str(path.parent)).validate()
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    problems = []
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            column = getattr(error, "field_name", None)
            if error.type == "type-error" and fields[column]["type"] in NUMERIC:
                continue  # numeric cells are read by jzreport.datapackage.cells (_numeric_problems), as the book reads them
            if isinstance(error, errors.TypeError):  # error.type == "type-error"
                expected = _TYPE_NAMES.get(fields[column]["type"], fields[column]["type"])
                message = f"值 {error.cell!r} 不是{expected}"
            elif error.type == "constraint-error":
                message = _constraint_message(error, fields[column])
            elif error.type in ("unique-error", "primary-key"):
                key = resource["schema"].get("primaryKey", [])
                other = error.note.rsplit(" ", 1)[-1]
                message = f"键重复：与第 {other} 行相同 (duplicate key {key or column}: same as row {other})"
            elif error.type in ("missing-cell", "extra-cell"):
                message = (
                    f"单元格数目与表头不符 (row has a {'missing' if error.type == 'missing-cell' else 'extra'} cell)"
                )
            else:
                message = error.message
            problems.append(DataProblem(shown, message, row=row, column=column))
    return problems


def _declaration_problems(path: Path, shown: str) -> list[DataProblem]:
    """A YAML declaration of the edition (checks.yaml): UTF-8 and valid YAML (its content is checked by running it:
    jzreport.audit)."""
    import yaml

    try:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return [DataProblem(shown, "不是 UTF-8 编码 (not UTF-8)")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return [DataProblem(shown, f"不是有效的 YAML (invalid YAML): {error}", row=mark.line + 1 if mark else None)]
    return []


def validate_resource(settings: Settings, resource: dict) -> list[DataProblem]:
    path = settings.data_dir / resource["path"]
    shown = _display(path)
    if not path.exists():
        return [
            DataProblem(
                shown,
                f"文件不存在；datapackage.json 把它列为数据文件 (file missing: listed in datapackage.json as {resource['name']!r})",
            )
        ]
    if not is_table(resource):
        problems = _declaration_problems(path, shown)
    else:
        encoding, problems = _decode(path, shown)
        if encoding is None:  # not readable: the problems say why
            return problems
        problems = _check_header(path, encoding, resource["schema"]["fields"], shown)
        if problems:
            return problems
        problems = _numeric_problems(path, encoding, resource, shown)
        problems += _frictionless_problems(path, encoding, resource, shown)
    recorded = resource.get("hash", "").removeprefix("sha256:")
    actual = sha256_of(path)
    if recorded != actual:
        problems.append(
            DataProblem(
                shown,
                f"内容与 datapackage.json 记录的 sha256 不一致（记录 {recorded[:12] or '无'}，实际 {actual[:12]}）。"
                "若这是有意的修改，先修正以上问题，再运行 `make record-data` 记录新版本 (the file changed since it was "
                "recorded; run `make record-data` to record the new version deliberately)",
            )
        )
    return problems


def _unlisted_files(settings: Settings, descriptor: dict) -> list[DataProblem]:
    listed = {r["path"] for r in descriptor["resources"]}
    return [
        DataProblem(_display(p), "此文件未列入 datapackage.json (a data file not described by the data package)")
        for p in sorted([*settings.data_dir.glob("*.csv"), *settings.data_dir.glob("*.yaml")])
        if p.name not in listed
    ]


# What each resource of datapackage.json needs, and what it is for (the editor's guide shows an example).
_RESOURCE_KEYS = {
    "name": "数据文件的名字：小写英文、数字和连字符，通常是文件名把 _ 换成 -，例如 fitness-tests (lowercase, digits, -)",
    "path": "CSV 文件名，例如 majors.csv (the CSV file name)",
    "title": "中文表题 (the Chinese title)",
}
_TABLE_KEYS = {"schema": '各列的说明：{"fields": [{"name": …, "type": …, "title": …}, …]} (the columns)'}
_FIELD_TYPES = ("string", "integer", "number", "date", "boolean", "year")
_NAME = re.compile(r"^[-a-z0-9._]+$")  # the Data Package rule for names


def _resource_problems(number: int, resource, shown: str) -> list[DataProblem]:
    if not isinstance(resource, dict):
        return [DataProblem(shown, f"resources 第 {number} 项不是对象 (resource {number} is not an object)")]
    label = f"resources 第 {number} 项 (resource {number}{', ' + resource['path'] if isinstance(resource.get('path'), str) else ''})"
    path, name = resource.get("path"), resource.get("name")
    declaration = isinstance(path, str) and path.endswith(".yaml")
    required = _RESOURCE_KEYS if declaration else {**_RESOURCE_KEYS, **_TABLE_KEYS}
    problems = [
        DataProblem(shown, f'{label} 缺少 "{key}"：{meaning} (missing "{key}")')
        for key, meaning in required.items()
        if key not in resource
    ]
    if isinstance(path, str) and (
        path.startswith("/") or ".." in Path(path).parts or not (path.endswith(".csv") or declaration)
    ):
        problems.append(
            DataProblem(
                shown,
                f'{label}: "path" 应是本文件夹中的 CSV 文件名，不能含 .. 或以 / 开头 '
                f"(path must be a CSV file name inside the data folder, found {path!r})",
            )
        )
    if isinstance(name, str) and not _NAME.match(name):
        problems.append(
            DataProblem(
                shown,
                f'{label}: "name" 只能用小写英文字母、数字、连字符和点 (name: lowercase letters, digits, -, .; found {name!r})',
            )
        )
    fields = resource.get("schema", {}).get("fields") if isinstance(resource.get("schema"), dict) else None
    if "schema" in resource and not (isinstance(fields, list) and fields):
        problems.append(
            DataProblem(shown, f'{label}: "schema" 应有非空的 "fields" 列表 (schema needs a non-empty fields list)')
        )
    for column, field in enumerate(fields or [], 1):
        if not isinstance(field, dict) or "name" not in field:
            problems.append(DataProblem(shown, f'{label}: 第 {column} 列缺少 "name" (field {column} has no name)'))
        elif field.get("type") not in _FIELD_TYPES:
            problems.append(
                DataProblem(
                    shown,
                    f'{label}: 列 {field["name"]} 的 "type" 应是 {", ".join(_FIELD_TYPES)} 之一，'
                    f"现为 {field.get('type')!r} (field type missing or unknown)",
                )
            )
    return problems


def descriptor_problems(settings: Settings) -> list[DataProblem]:
    """Problems of datapackage.json itself (JSON syntax, a resource without name, path, title or schema, ...),
    checked before any CSV is read: without them the data cannot even be found."""
    shown = _display(settings.descriptor)
    if not settings.descriptor.exists():
        return [DataProblem(shown, "文件不存在 (the data package descriptor is missing)")]
    try:
        descriptor = json.loads(settings.descriptor.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return [DataProblem(shown, "不是 UTF-8 编码 (not UTF-8)")]
    except json.JSONDecodeError as error:
        return [
            DataProblem(
                shown,
                f"不是有效的 JSON：{error.msg}（常见原因：少了逗号、多了逗号或引号不配对） (invalid JSON: {error.msg})",
                row=error.lineno,
                column=f"字符 {error.colno}",
            )
        ]
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not resources:
        return [DataProblem(shown, '缺少 "resources" 列表 (no resources list)')]
    problems = [p for number, resource in enumerate(resources, 1) for p in _resource_problems(number, resource, shown)]
    names = [r.get("name") for r in resources if isinstance(r, dict)]
    problems += [
        DataProblem(shown, f"数据文件名字 {n!r} 重复 (duplicate resource name)")
        for n in sorted({n for n in names if names.count(n) > 1}, key=str)  # a name may be missing (None)
    ]
    return problems


def _descriptor(settings: Settings) -> dict:
    return json.loads(settings.descriptor.read_text(encoding="utf-8"))


def resource_digests(settings: Settings) -> dict[str, str]:
    """Per data file: a digest of the file and of its entry in the descriptor, the two things its validity
    depends on (the live preview re-validates only the files whose digest changed)."""
    import hashlib

    digests = {}
    for resource in _descriptor(settings)["resources"]:
        path = settings.data_dir / resource["path"]
        content = path.read_bytes() if path.exists() else b"missing"
        entry = json.dumps(resource, sort_keys=True, ensure_ascii=False).encode()
        digests[resource["path"]] = hashlib.sha256(content + b"\0" + entry).hexdigest()
    return digests


def validate_package(settings: Settings, progress=None, only: set[str] | None = None) -> list[DataProblem]:
    """All problems of the data package (empty when it is valid). The descriptor is checked first.
    `only`: the data files (paths) to validate, the others being known valid."""
    problems = descriptor_problems(settings)
    if problems:
        return problems
    descriptor = _descriptor(settings)
    for resource in descriptor["resources"]:
        if only is not None and resource["path"] not in only:
            continue
        found = validate_resource(settings, resource)
        if progress:
            progress(f"{'✗' if found else '✓'} {resource['path']}")
        problems.extend(found)
    return problems + _unlisted_files(settings, descriptor)


def validate_changed(settings: Settings, stamp: Path) -> list[DataProblem]:
    """Validate the data files whose content or descriptor entry changed since `stamp` recorded them valid (all
    of them the first time); record them valid when no problem is found. The build and the live preview use
    this: an unchanged data package is not checked again."""
    problems = descriptor_problems(settings)
    if problems:
        return problems
    known_valid = json.loads(stamp.read_text()) if stamp.exists() else {}
    digests = resource_digests(settings)
    if digests == known_valid:
        return []
    problems = validate_package(
        settings, only={path for path, digest in digests.items() if known_valid.get(path) != digest}
    )
    if not problems:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps(digests, sort_keys=True))
    return problems


def main() -> int:
    settings = Settings.from_environment()
    print(f"校验数据包 (validating data package) in {_display(settings.data_dir)}", flush=True)
    problems = validate_package(settings, progress=lambda line: print("  " + line, flush=True))
    if problems:
        print(f"\n数据有 {len(problems)} 处问题 (data package invalid, {len(problems)} problem(s)):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print("数据包有效 (data package valid)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
