"""What the book presents as the report's words is the report's, verbatim; units are the report's.

Everything labelled 原文 — on 数字出处, in the audit's table of stated-only numbers, and in the published data
(reported_facts.csv `quote`, name_mentions.csv `statement`) — must be found in the report's text
(source/<year>-quality-report.txt). The text comes from the published PDF, whose line breaks fall inside
sentences at page ends; they are the only thing the comparison ignores. A unit shown with a stated number is one
the report prints in those words.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from tests.helpers import EDITION, HTML_DIR, SOURCE_TEXT, soup_of

QUOTED = re.compile(r"原文：“(.*?)”(?=\s|$|　)")


def report_text() -> str:
    """The report's text with the PDF's line breaks removed (nothing else changed)."""
    return SOURCE_TEXT.read_text(encoding="utf-8").replace("\n", "")


def _published_csv(name: str) -> list[dict]:
    with zipfile.ZipFile(HTML_DIR / EDITION.data_zip_name) as bundle:
        text = bundle.read(f"data/{name}").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _labelled_quotes() -> list[tuple[str, str]]:
    """(where, text) of everything the published pages label 原文."""
    found = []
    numbers = soup_of(HTML_DIR / "numbers.html")
    for entry in numbers.select("div.fact-source"):
        for quote in QUOTED.findall(entry.get_text("", strip=False)):
            found.append((f"数字出处 #{entry.get('id')}", quote))
    table = soup_of(HTML_DIR / "chapters" / "10-audit.html").select_one("table#tbl-audit-stated")
    header = [cell.get_text(strip=True) for cell in table.select("thead th")]
    column = header.index("原文")
    for row in table.select("tbody tr"):
        text = row.find_all("td")[column].get_text("", strip=True)
        if not text.startswith("〔"):  # a place in a table, in the book's marked words
            found.append(("审计表 只陈述的数字", text))
    return found


def test_everything_labelled_yuanwen_is_the_report_s_text(html_dir):
    source = report_text()
    quotes = _labelled_quotes()
    assert len(quotes) > 150
    wrong = [(where, text) for where, text in quotes if text not in source]
    assert not wrong, "\n".join(f"{where}: “{text}”" for where, text in wrong)


@pytest.mark.parametrize(("name", "column"), [("reported_facts.csv", "quote"), ("name_mentions.csv", "statement")])
def test_the_data_s_yuanwen_columns_are_the_report_s_text(html_dir, name, column):
    source = report_text()
    rows = _published_csv(name)
    wrong = [row[column] for row in rows if row[column] and row[column] not in source]
    assert not wrong, wrong


def test_a_stated_number_has_the_report_s_words_or_a_marked_place(html_dir):
    """Every stated number carries the report's words around it, or (a number printed only in a table) the
    book's description of its place: never both, never neither. Its number and unit are in those words."""
    from jzreport.numbers import fmt_zh_count

    for row in _published_csv("reported_facts.csv"):
        assert bool(row["quote"]) != bool(row["place"]), row["key"]
        assert row["unit"] in (row["quote"] or row["place"]), f"{row['key']}: unit {row['unit']!r} is not the report's"
        if not row["quote"]:
            continue
        value = float(row["value"])
        zh = [fmt_zh_count(value), fmt_zh_count(value, ordinal=True)] if value.is_integer() and value < 100 else []
        digits = re.search(rf"(?<![\d.]){re.escape(row['value'])}(?![\d.])", row["quote"])
        assert digits or any(form in row["quote"] for form in zh), (row["key"], row["quote"])
