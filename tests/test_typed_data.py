"""Data as editors type it (Excel, WPS, Chinese input methods): every cell, row and descriptor that
`make check-data` accepts is read by the book with the value a person reads; everything else is refused with
the file, row, column and value named. Never a traceback, never a wrong number. Property-based (hypothesis)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from jzreport.datapackage import cells, validate
from jzreport.datapackage.load import DataPackage, sha256_of
from jzreport.settings import Settings
from tests.helpers import SETTINGS

TYPED = "0123456789０１２３４５６７８９.,+-%人名 \u00a0\u3000\t一二三十e_"


def typed_numbers():
    """What people type into a number cell: plain numbers, and the same decorated as spreadsheets and input
    methods decorate them (full-width digits, odd spaces, separators, units), and noise."""
    plain = st.one_of(
        st.integers(-(10**7), 10**7).map(str),
        st.decimals(-(10**6), 10**6, places=2, allow_nan=False, allow_infinity=False).map(str),
    )
    decorated = st.tuples(
        st.sampled_from(["", " ", "\u3000", "\u00a0", "+"]),
        plain,
        st.sampled_from(["", " ", "\u3000", "%", "人", ".0", ",000"]),
    ).map("".join)
    return st.one_of(plain, decorated, st.text(TYPED, max_size=8))


@given(text=typed_numbers(), integer=st.booleans())
def test_a_cell_is_read_as_written_or_refused_with_what_to_type(text, integer):
    try:
        value = cells.parse_number(text, integer=integer)
    except cells.CellError as error:
        assert repr(text) in str(error)  # the message names the value found
        return
    if value is None:
        assert text.strip(" ") == ""
    else:  # accepted: exactly the number a person reads in the ASCII text
        assert text.strip(" ").lstrip("+-").replace(".", "", 1).isdigit() and text.isascii()
        assert Decimal(str(value)) == Decimal(text.strip(" ")) and isinstance(value, int) == integer


@pytest.fixture(scope="module")
def work_copy(tmp_path_factory):
    """One private copy of the data folder for the whole module (hypothesis runs many examples in one test)."""
    copy = tmp_path_factory.mktemp("typed") / "data"
    shutil.copytree(SETTINGS.data_dir, copy)
    return copy


def _settings(copy) -> Settings:
    return SETTINGS.with_data(copy)


def _record(copy, name: str) -> None:
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["path"] == name:
            resource["hash"] = "sha256:" + sha256_of(copy / name)
            resource["bytes"] = (copy / name).stat().st_size
    (copy / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")


@examples(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=typed_numbers())
def test_check_data_and_the_book_agree_on_every_cell(work_copy, text):
    """A typed cell in a real file: either check-data names it (file, row, column, value), and the build, which
    validates first, does not start; or check-data accepts it and the book reads the number a person reads."""
    settings = _settings(work_copy)
    path = work_copy / "internship_units.csv"
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines()
    seq, company, _ = lines[1].split(",")
    lines[1] = ",".join([seq, company, '"' + text.replace('"', '""') + '"'])
    try:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _record(work_copy, "internship_units.csv")
        package = DataPackage(settings)
        problems = validate.validate_resource(settings, package.resource("internship_units"))
        if problems:
            named = repr(text) if text.strip(" ") else "不能为空"  # an empty cell: "a value is required"
            assert any(p.row == 2 and p.column == "positions" and named in p.message for p in problems), problems
        else:
            value = package.load_table("internship_units").loc[0, "positions"]
            assert Decimal(str(value)) == Decimal(text.strip(" "))
    finally:
        path.write_text(original, encoding="utf-8")
        _record(work_copy, "internship_units.csv")


ROW_DAMAGE = st.sampled_from(["drop-cell", "extra-cell", "open-quote", "blank-line", "tab-separated", "empty-key"])


@examples(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=ROW_DAMAGE, row=st.integers(1, 3))
def test_a_damaged_row_is_named_never_a_traceback(work_copy, damage, row):
    settings = _settings(work_copy)
    path = work_copy / "internship_units.csv"
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines()
    cells_ = lines[row].split(",")
    lines[row] = {
        "drop-cell": ",".join(cells_[:-1]),
        "extra-cell": ",".join([*cells_, "9"]),
        "open-quote": ",".join([cells_[0], '"' + cells_[1], cells_[2]]),
        "blank-line": ",,",
        "tab-separated": "\t".join(cells_),
        "empty-key": ",".join(["", *cells_[1:]]),
    }[damage]
    try:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _record(work_copy, "internship_units.csv")
        problems = validate.validate_resource(settings, DataPackage(settings).resource("internship_units"))
        assert problems and all(p.file.endswith("internship_units.csv") for p in problems)
        assert any(p.row is not None for p in problems), problems
    finally:
        path.write_text(original, encoding="utf-8")
        _record(work_copy, "internship_units.csv")


DESCRIPTOR_DAMAGE = st.sampled_from(
    ["truncate", "drop-name", "drop-schema", "fields-not-list", "type-unknown", "resources-empty", "path-outside"]
)


@examples(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=DESCRIPTOR_DAMAGE, cut=st.integers(10, 2000))
def test_a_damaged_descriptor_is_named_never_a_traceback(work_copy, damage, cut):
    settings = _settings(work_copy)
    path = work_copy / "datapackage.json"
    original = path.read_text(encoding="utf-8")
    descriptor = json.loads(original)
    resource = descriptor["resources"][0]
    if damage == "truncate":
        text = original[:cut]
    else:
        if damage == "drop-name":
            del resource["name"]
        elif damage == "drop-schema":
            del resource["schema"]
        elif damage == "fields-not-list":
            resource["schema"]["fields"] = "seq, major"
        elif damage == "type-unknown":
            resource["schema"]["fields"][0]["type"] = "int"
        elif damage == "resources-empty":
            descriptor["resources"] = []
        elif damage == "path-outside":
            resource["path"] = "../majors.csv"
        text = json.dumps(descriptor, ensure_ascii=False, indent=2)
    try:
        path.write_text(text, encoding="utf-8")
        problems = validate.descriptor_problems(settings)
        assert problems and all(p.file.endswith("datapackage.json") for p in problems), problems
        if damage == "truncate":
            assert problems[0].row is not None  # broken JSON names its line
    finally:
        path.write_text(original, encoding="utf-8")
