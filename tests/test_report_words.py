"""What the book presents as the report's words is the report's, verbatim; units are the report's.

Everything labelled 原文 — on 数字出处, in the audit's table of stated-only numbers, and in the published data
(reported_facts.csv `quote`, name_mentions.csv `statement`) — must be found in the report's text
(source/<year>-quality-report.txt). The text comes from the published PDF, whose line breaks fall inside
sentences at page ends; they are the only thing the comparison ignores. A unit shown with a stated number is one
the report prints in those words.
"""

from __future__ import annotations

import csv
import functools
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
    from jzreport.present.formatting import fmt_zh_count

    for row in _published_csv("reported_facts.csv"):
        assert bool(row["quote"]) != bool(row["place"]), row["key"]
        assert row["unit"] in (row["quote"] or row["place"]), f"{row['key']}: unit {row['unit']!r} is not the report's"
        if not row["quote"]:
            continue
        value = float(row["value"])
        zh = [fmt_zh_count(value), fmt_zh_count(value, ordinal=True)] if value.is_integer() and value < 100 else []
        digits = re.search(rf"(?<![\d.]){re.escape(row['value'])}(?![\d.])", row["quote"])
        assert digits or any(form in row["quote"] for form in zh), (row["key"], row["quote"])


# ---- every sentence of the report's pages --------------------------------------------------------------------

SENTENCE_END = re.compile(r"(?<=[。！？])")
NOT_CONTENT = (
    "table tbody, table thead, div.cell_input, details, summary, button, .lazy-figure, script, style, a.headerlink"
)


def report_pages() -> list:
    """The pages of the report: those whose title is a heading of the report's text (the book's own pages, such
    as 数字出处 or the audit, are not)."""
    lines = {line.strip() for line in SOURCE_TEXT.read_text(encoding="utf-8").splitlines()}
    pages = []
    for page in sorted(HTML_DIR.rglob("*.html")):
        title = soup_of(page).select_one("article h1")
        if title is not None and title.get_text("", strip=True).removesuffix("#") in lines:
            pages.append(page)
    return pages


def _without_book_words(block) -> str:
    """The block's text with the book's marked words (class book-words, anywhere inside) taken out."""
    import copy

    block = copy.copy(block)
    for marked in block.select(".book-words"):
        marked.decompose()
    return block.get_text("").replace("\n", "")


def page_sentences(page) -> list[str]:
    """Every sentence of the page's content that is not the book's marked words: headings, paragraphs, list items,
    captions; not tables' cells (compared cell by cell elsewhere), code, buttons or figures' images."""
    import copy

    article = copy.copy(soup_of(page).select_one("article"))
    for node in article.select(NOT_CONTENT):
        node.decompose()
    sentences = []
    for block in article.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "caption", "dt", "dd"]):
        if block.find(["p", "li"]) is not None or any(
            "book-words" in p.get("class", []) for p in [block, *block.parents]
        ):
            continue
        text = _without_book_words(block).strip()
        sentences += [s.strip() for s in SENTENCE_END.split(text) if s.strip()]
    return sentences


def test_every_sentence_of_the_report_pages_is_the_report_s_or_marked(html_dir):
    pages = report_pages()
    assert len(pages) >= 10, [p.name for p in pages]
    source = report_text()
    total, wrong = 0, []
    for page in pages:
        for sentence in page_sentences(page):
            total += 1
            if sentence not in source:
                wrong.append(f"{page.relative_to(html_dir)}: {sentence}")
    assert total > 500
    assert not wrong, f"{len(wrong)} of {total} sentences are neither the report's nor marked:\n" + "\n".join(wrong)


# ---- the same in the PDF ----------------------------------------------------------------------------------

# The PDF's book words are set in one colour (BookWords, #3D5670, book/_latex/jzbook.sty); the running text of
# the report in the body size (10.9 pt), its headings larger; tables, captions and running heads at 10 pt or
# less are compared elsewhere, the charts' own text is set in their TrueType font.
BOOK_WORDS_RGB = (0.239, 0.337, 0.439)
TITLE_RGB = (0.12, 0.26, 0.45)  # headings (TitleColor, _config.yml), the smallest at the body's size
BODY_PT = 10.5
CHART_FONT = "WenQuanYi"
# Sentences of the report's chapters in the PDF that the report's text does not have, each with the reason.
PDF_EXCEPTIONS: dict[str, str] = {}
# pypdf reads each glyph's own code: a hyphen is drawn with the non-breaking hyphen's glyph (U+2011, so no line
# breaks inside "0416-7915556"), whose /ActualText says "-"; copying, searching and pdftotext take the ActualText
# (tests/test_pdf.py checks that with pdftotext). Here the glyph is read as the hyphen it stands for.
DRAWN_AS = {"\u2011": "-"}


def pdf_report_text() -> str:
    """The running text of the report's chapters in the PDF (from 前言 to the book's audit appendix), without the
    book's coloured words, as pypdf extracts it; whitespace removed (its spacing is the layout's)."""
    return "".join(_running_text()[0])


def pdf_colours() -> set[tuple[float, ...]]:
    """The colours of the running text of the report's chapters in the PDF (body size and larger headings)."""
    return _running_text()[1]


@functools.cache
def _running_text() -> tuple[list[str], set[tuple[float, ...]]]:
    from pypdf import PdfReader

    chunks: list[str] = []
    colours: set[tuple[float, ...]] = set()
    state = {"colour": (0.0, 0.0, 0.0), "saved": [], "inside": False, "done": False}

    def operator(op, args, cm, tm):
        if op == b"q":
            state["saved"].append(state["colour"])
        elif op == b"Q":
            state["colour"] = state["saved"].pop() if state["saved"] else (0.0, 0.0, 0.0)
        elif op == b"rg":
            state["colour"] = tuple(round(float(a), 3) for a in args)
        elif op == b"g":
            state["colour"] = (round(float(args[0]), 3),) * 3

    def text(found, cm, tm, font, size):
        points = size * abs(tm[3] or 1) * abs(cm[3] or 1)
        plain = re.sub(r"\s+", "", found)
        if points > 15 and plain == "前言":
            state["inside"] = True
        elif points > 15 and plain == "审计与数据核查" and state["inside"]:
            state["done"] = True
        if not state["inside"] or state["done"] or points < BODY_PT:
            return
        if CHART_FONT in str((font or {}).get("/BaseFont", "")):
            return
        if plain and points < 12:  # text at the body's size
            colours.add(state["colour"])
        if state["colour"] != BOOK_WORDS_RGB:
            chunks.append(plain.translate(str.maketrans(DRAWN_AS)))

    for page in PdfReader(HTML_DIR / EDITION.pdf_name).pages:
        state["colour"], state["saved"] = (0.0, 0.0, 0.0), []
        page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return chunks, colours


def test_the_pdf_s_report_text_is_the_report_s(html_dir):
    source = re.sub(r"\s+", "", report_text())
    sentences = [s for s in SENTENCE_END.split(pdf_report_text()) if s]
    assert len(sentences) > 300
    wrong = [s for s in sentences if s not in source and s not in PDF_EXCEPTIONS]
    share = 1 - len(wrong) / len(sentences)
    assert share >= 0.99 and not wrong, f"{share:.1%} of {len(sentences)} found; not found:\n" + "\n".join(wrong)
