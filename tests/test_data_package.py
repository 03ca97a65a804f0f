"""The data package: every CSV matches its schema and recorded sha256; bad data fails with file, row and column."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from jzreport import paths
from jzreport.datapackage import validate
from jzreport.datapackage.load import DataError, DataPackage, is_table, sha256_of
from jzreport.settings import Settings
from tests.helpers import EDITION, PACKAGE, SETTINGS


def test_package_is_valid():
    problems = validate.validate_package(SETTINGS)
    assert problems == [], "\n".join(map(str, problems))


def test_every_data_file_is_described():
    described = {r["path"] for r in PACKAGE.descriptor["resources"]}
    assert described == {p.name for p in SETTINGS.data_dir.iterdir() if p.suffix in (".csv", ".yaml")}


@pytest.mark.parametrize("resource", PACKAGE.descriptor["resources"], ids=lambda r: r["path"])
def test_hash_and_header_match_descriptor(resource):
    path = SETTINGS.data_dir / resource["path"]
    assert resource["hash"] == "sha256:" + sha256_of(path)
    assert resource["bytes"] == path.stat().st_size
    assert resource.get("source"), "every file names its source in the report"
    if is_table(resource):
        with open(path, encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [f["name"] for f in resource["schema"]["fields"]]


def test_loaded_types_follow_schema():
    progression = PACKAGE.load_table("progression")
    assert progression["applicants"].dtype == "int64"
    assert progression["progression_rate_pct"].dtype == "float64"
    assert PACKAGE.stated_facts()["graduates"].value == 567


def _rewrite_cell(path, row, column, value):
    """Set the cell at data row `row` (1 = first data row) and `column` of a CSV."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row - 1, column] = value
    frame.to_csv(path, index=False)


def _edit_text(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


# Each case: how to break the copy, then what the single message must name.
BAD_INPUTS = {
    "non-number": (
        lambda d: _rewrite_cell(d / "progression.csv", 2, "admitted", "一五五"),
        ["progression.csv", "第 3 行", "admitted", "一五五", "整数"],
    ),
    "negative-count": (
        lambda d: _rewrite_cell(d / "enrolment_by_major.csv", 3, "male", "-1"),
        ["enrolment_by_major.csv", "第 4 行", "male", "-1", "不能为负"],
    ),
    "percentage-over-100": (
        lambda d: _rewrite_cell(d / "certificate_attainment.csv", 1, "attainment_rate_pct", "198.3"),
        ["certificate_attainment.csv", "第 2 行", "attainment_rate_pct", "198.3", "100"],
    ),
    "duplicate-key": (
        lambda d: _rewrite_cell(d / "fitness_tests.csv", 2, "year", str(EDITION.previous_year)),
        ["fitness_tests.csv", "第 3 行", "键重复", "第 2 行"],
    ),
    "missing-column": (
        lambda d: (
            pd.read_csv(d / "internship_units.csv", dtype=str)
            .drop(columns="positions")
            .to_csv(d / "internship_units.csv", index=False)
        ),
        ["internship_units.csv", "缺少列", "positions"],
    ),
    "renamed-column": (
        lambda d: _edit_text(d / "majors.csv", "major_category", "category"),
        ["majors.csv", "major_category", "category", "改了列名"],
    ),
    "extra-column": (
        lambda d: (
            pd.read_csv(d / "progression.csv", dtype=str).assign(comment="x").to_csv(d / "progression.csv", index=False)
        ),
        ["progression.csv", "多出列", "comment"],
    ),
    "empty-file": (
        lambda d: (d / "teacher_training.csv").write_text("", encoding="utf-8"),
        ["teacher_training.csv", "文件为空"],
    ),
    "gbk-encoding": (
        lambda d: (d / "majors.csv").write_bytes((d / "majors.csv").read_text(encoding="utf-8").encode("gb18030")),
        ["majors.csv", "GBK/GB18030", "UTF-8"],
    ),
    "missing-file": (lambda d: (d / "budget.csv").unlink(), ["budget.csv", "文件不存在"]),
    "enum-violation": (
        lambda d: _rewrite_cell(d / "skills_competition_awards.csv", 1, "award", "国赛一等奖"),
        ["skills_competition_awards.csv", "第 2 行", "award", "国赛一等奖"],
    ),
    "hash-changed": (
        lambda d: _rewrite_cell(d / "internship_units.csv", 3, "positions", "17"),
        ["internship_units.csv", "sha256", "make record-data"],
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=str)
def test_bad_input_is_named(case, data_copy):
    breaker, expected = BAD_INPUTS[case]
    breaker(data_copy)
    problems = [str(p) for p in validate.validate_package(Settings.from_environment())]
    assert problems, f"{case}: the broken data were accepted"
    assert any(all(part in p for part in expected) for p in problems), (case, problems)


def _edit_descriptor(folder, change):
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor["resources"])
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


# Malformed descriptor entries (as an editor adding a table might leave them): each is named, never a traceback.
BAD_DESCRIPTORS = {
    "missing-name": (
        lambda d: _edit_descriptor(d, lambda r: r[6].pop("name")),
        ["datapackage.json", "第 7 项", "fitness_tests.csv", '缺少 "name"', 'missing "name"'],
    ),
    "missing-path": (lambda d: _edit_descriptor(d, lambda r: r[1].pop("path")), ["第 2 项", '缺少 "path"']),
    "missing-schema": (lambda d: _edit_descriptor(d, lambda r: r[2].pop("schema")), ["第 3 项", '缺少 "schema"']),
    "unknown-type": (
        lambda d: _edit_descriptor(d, lambda r: r[4]["schema"]["fields"][1].update(type="int")),
        ["第 5 项", "列 applicants", "'int'"],
    ),
    "path-outside": (
        lambda d: _edit_descriptor(d, lambda r: r[0].update(path="../majors.csv")),
        ["第 1 项", "不能含 .."],
    ),
    "invalid-json": (
        lambda d: _edit_text(d / "datapackage.json", '"resources": [', '"resources": [,'),
        ["datapackage.json", "不是有效的 JSON", "第 "],
    ),
}


@pytest.mark.parametrize("command", ["validate", "checksums"])
@pytest.mark.parametrize("case", BAD_DESCRIPTORS, ids=str)
def test_bad_descriptor_is_named_without_traceback(case, command, data_copy):
    import subprocess
    import sys

    BAD_DESCRIPTORS[case][0](data_copy)
    before = (data_copy / "datapackage.json").read_bytes()
    result = subprocess.run([sys.executable, "-m", f"jzreport.datapackage.{command}"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert any(all(part in line for part in BAD_DESCRIPTORS[case][1]) for line in result.stderr.splitlines()), (
        result.stderr
    )
    assert (data_copy / "datapackage.json").read_bytes() == before, "nothing recorded"


def test_utf8_bom_is_accepted(data_copy):
    path = data_copy / "majors.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    problems = validate.validate_package(Settings.from_environment())
    assert [p for p in problems if "sha256" not in p.message] == []
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["path"] == "majors.csv":
            resource["hash"] = "sha256:" + sha256_of(path)
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    assert list(DataPackage.from_environment().load_table("majors").columns)[0] == "seq"


def test_loading_a_changed_file_fails_with_its_name(data_copy):
    _rewrite_cell(data_copy / "progression.csv", 1, "applicants", "237")
    with pytest.raises(DataError, match="progression.csv"):
        DataPackage.from_environment().load_table("progression")


def test_the_edition_is_resolved_from_the_environment():
    """One switch (JZREPORT_EDITION, else the current edition of data/editions.yaml) picks the data folder and
    the report's text; JZREPORT_DATA_DIR points at a copy of the same shape."""
    from jzreport.settings import editions

    current = editions()["current"]
    default = Settings.from_environment({})
    assert (default.edition, default.data_dir, default.released) == (current, paths.ROOT / "data" / current, False)
    assert default.source_text == paths.ROOT / "source" / f"{current}-quality-report.txt"
    other = Settings.from_environment({"JZREPORT_EDITION": "1999"})
    assert other.data_dir == paths.ROOT / "data" / "1999" and other.released
    copy = Settings.from_environment({"JZREPORT_DATA_DIR": "/tmp/elsewhere"})
    assert copy.data_dir == Path("/tmp/elsewhere") and copy.edition == current


def test_frictionless_validates_the_package():
    """The standard's own validator accepts the package (its tables and the edition's declarations), every row of
    every table checked."""
    import subprocess
    import sys

    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(frictionless), "validate", "--json", str(SETTINGS.descriptor)], capture_output=True, text=True
    )
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], result.stdout[-3000:]
    tasks = report["tasks"]
    assert len(tasks) == len(PACKAGE.descriptor["resources"]) and all(t["valid"] for t in tasks)
    tables = [t for t in tasks if t["type"] == "table"]
    # every table has rows to check, but the corrections log, empty until the first correction after a release
    with_rows = [t for t in tables if t["name"] != "revisions"]
    assert len(tables) == len(PACKAGE.tables()) and all(t["stats"].get("rows", 0) > 0 for t in with_rows), (
        "rows were checked"
    )


def test_descriptor_paths_stay_inside_the_repository():
    descriptor = PACKAGE.descriptor
    for entry in [*descriptor["resources"], *descriptor.get("sources", [])]:
        path = entry.get("path", "")
        assert "://" in path or (".." not in Path(path).parts and not path.startswith("/")), path
