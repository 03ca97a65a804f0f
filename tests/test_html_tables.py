"""Tables in the built HTML: the report's numbers (from the source text) and exactly the CSV's values."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest

from jzreport.present.displays import displays
from tests.helpers import EDITION, PACKAGE, SOURCE_TEXT, find_table, table_rows

NUMBER = re.compile(r"\d+(?:\.\d+)?")

# What the book shows, as the edition describes it (data/<year>/displays.yaml, jzreport.present.displays): every
# table the report prints (by its number) and, for every table, the data file's columns it shows.
DISPLAYS = displays(PACKAGE)["tables"]
REPORT_TABLES = {d.report_number: d.label for d in DISPLAYS.values() if d.report_number.startswith(("表", "案例"))}


def source_table_block(prefix: str) -> list[str]:
    """The lines of a table in the source text: after its caption, the tab-separated lines (blank lines skipped)."""
    lines = SOURCE_TEXT.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(prefix + " ") and "\t" not in line), None)
    assert start is not None, (
        f"原报告文本中没有表题以 “{prefix} ” 开头的表 (no caption starting with {prefix!r} in {SOURCE_TEXT.name}): "
        "REPORT_TABLES lists only tables the report prints; a table of the book's own goes in CSV_TABLES only"
    )
    block = []
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        if "\t" not in line:
            break
        block.append(line)
    assert block, f"no table rows after {prefix} in the source text"
    return block


def numbers_in(texts) -> Counter:
    return Counter(n.lstrip("0") or "0" for text in texts for n in NUMBER.findall(text.replace(" ", "")))


@pytest.mark.parametrize("prefix", REPORT_TABLES, ids=str)
def test_table_numbers_equal_the_reports(prefix, html_dir):
    """Every number printed in the report's table appears in the book's table, and no other number."""
    _, table = find_table(REPORT_TABLES[prefix])
    html_numbers = numbers_in(cell for row in table_rows(table) for cell in row)
    source_numbers = numbers_in(source_table_block(prefix))
    assert html_numbers == source_numbers, (
        f"missing in HTML: {source_numbers - html_numbers}; not in report: {html_numbers - source_numbers}"
    )


@pytest.mark.parametrize("prefix", REPORT_TABLES, ids=str)
def test_table_caption_carries_report_number(prefix, html_dir):
    _, table = find_table(REPORT_TABLES[prefix])
    assert table.find("caption").get_text(strip=True).startswith(prefix + " ")


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).removesuffix("%").removesuffix("年").removeprefix("+")


# label -> (resource, CSV columns shown in body rows, first-cell labels of computed rows), from displays.yaml.
# A column is shown as its own cell; "~column" is shown inside a cell (joined with other columns).
CSV_TABLES = {d.label: (d.data[0], d.shows, tuple(d.computed_rows)) for d in DISPLAYS.values() if d.shows}


@pytest.mark.parametrize("label", CSV_TABLES, ids=str)
def test_table_rows_are_the_csv_rows(label, html_dir):
    resource, columns, computed = CSV_TABLES[label]
    _, table = find_table(label)
    body = [row for row in table_rows(table)[1:] if row[0] not in computed]
    frame = pd.read_csv(PACKAGE.path_of(resource), dtype=str, keep_default_na=False)
    assert len(body) == len(frame), f"{label}: {len(body)} rows in HTML, {len(frame)} in {resource}.csv"
    for number, (html_row, (_, csv_row)) in enumerate(zip(body, frame.iterrows()), start=1):
        cells = [_normal(c) for c in html_row]
        for column in columns:
            value = _normal(csv_row[column.lstrip("~")])
            shown = any(value in cell for cell in cells) if column.startswith("~") else value in cells
            assert shown, f"{label} row {number}: {column}={csv_row[column.lstrip('~')]!r} not in {html_row}"


def test_fitness_table_is_transposed_csv(html_dir):
    _, table = find_table("tbl-fitness")
    rows = {row[0]: row[1:] for row in table_rows(table)[1:]}
    fitness = PACKAGE.load_table("fitness_tests").set_index("year")
    titles = PACKAGE.field_titles("fitness_tests")
    for column in ["tested", "excellent", "good", "passed"]:
        assert rows[titles[column]] == [str(v) for v in fitness[column]], column


def test_group_totals_are_computed_from_details(html_dir):
    _, table = find_table("tbl-teacher-training")
    rows = {row[0]: row for row in table_rows(table)[1:]}
    training = PACKAGE.load_table("teacher_training")
    for group, total in training.groupby("breakdown")["teachers"].sum().items():
        assert rows[group][-1] == str(total)


def test_front_page_scorecard_shows_the_report_s_numbers(html_dir):
    """Each scorecard value is a number as the report prints it: a stated number within the report's own words
    (its quote), a table cell as its CSV holds it; the change from the previous year is the difference of the two
    years' cells of the same table."""
    import re

    from tests.helpers import soup_of

    table = soup_of(html_dir / "index.html").find("table", id="tbl-scorecard")
    facts = PACKAGE.stated_facts()
    numbers = soup_of(html_dir / "numbers.html")
    for row in table.select("tbody tr"):
        cells = row.find_all("td")
        value = cells[1].get_text("", strip=True)
        anchor = cells[1].find("a")["href"].rsplit("#", 1)[-1]
        entry = numbers.find(id=anchor).get_text(" ", strip=True)
        if anchor.startswith("fact-"):
            key = re.search(r"键 (\w+)", entry).group(1)
            assert value.replace(" ", "") in facts[key].quote.replace(" ", ""), (value, facts[key].quote)
        else:
            file, line, column = re.search(r"所述数字： (\S+)", entry).group(1).split(":")
            raw = PACKAGE.printed_table(file.removesuffix(".csv"))
            assert value.removesuffix("%") == raw.loc[int(line) - 2, column], (value, file, line, column)
        change = cells[2].get_text("", strip=True)
        if change != "—":
            frame = PACKAGE.load_table(file.removesuffix(".csv")).set_index("year")[column]
            difference = frame.loc[EDITION.year] - frame.loc[EDITION.previous_year]
            assert float(change.split()[0]) == round(difference, 2), (change, difference)
