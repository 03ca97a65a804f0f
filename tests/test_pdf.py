"""The PDF of the whole book: chapters, captions, embedded CJK fonts, figures, numbers, no code, no missing glyphs."""

from __future__ import annotations

import re
import subprocess

import pytest
from pypdf import PdfReader

from tests.helpers import (
    EDITION,
    HTML_DIR,
    PACKAGE,
    PDF,
    ROOT,
    SOURCE_TEXT,
    all_pages,
    chapter_pages,
    plotly_figures,
    soup_of,
    squeeze,
)

LATEX_LOG = ROOT / "book" / "_build" / "work" / "_build" / "latex" / EDITION.pdf_name.replace(".pdf", ".log")


@pytest.fixture(scope="module")
def pdf_text() -> str:
    if not PDF.exists():
        pytest.fail("the PDF is not built: run `make pdf` (`make test` builds it first)")
    text = subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True, check=True).stdout
    return squeeze(text)


def test_pdf_is_published_and_linked_from_the_front_page(html_dir):
    assert (html_dir / PDF.name).read_bytes() == PDF.read_bytes()
    links = [a["href"] for a in soup_of(html_dir / "index.html").find_all("a", href=True)]
    assert PDF.name in links


def test_every_chapter_title_is_in_the_pdf(pdf_text):
    for page in chapter_pages():
        title = soup_of(page).find("h1").get_text(strip=True).rstrip("#")
        assert squeeze(title) in pdf_text, title
    assert "目录" in pdf_text and "Contents" not in pdf_text and "Chapter" not in pdf_text


def test_every_table_caption_is_in_the_pdf(pdf_text):
    # The front page is the HTML entry (with its scorecard); the PDF has its own title page and 目录.
    captions = [
        c.find("span", class_="caption-text").get_text()
        for page in all_pages()
        if page.name != "index.html"
        for c in soup_of(page).select("table caption")
    ]
    assert len(captions) >= 30
    for caption in captions:
        assert squeeze(caption) in pdf_text, caption


def test_cjk_fonts_are_embedded():
    fonts = subprocess.run(["pdffonts", str(PDF)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk), "every CJK font must be embedded"


def test_figure_count_equals_data_figures_in_html():
    html_figures = sum(len(plotly_figures(page)) for page in chapter_pages())
    forms = 0
    for page in PdfReader(PDF).pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        forms += sum(1 for obj in xobjects.values() if obj.get_object().get("/Subtype") == "/Form")
    assert forms == html_figures


def test_no_missing_glyphs_in_latex_log():
    assert "Missing character" not in LATEX_LOG.read_text(encoding="utf-8", errors="replace")


def test_numbers_from_the_notebooks_are_in_the_pdf(pdf_text):
    glued = {squeeze(span.get_text()) for page in chapter_pages() for span in soup_of(page).select("span.pasted-text")}
    assert len(glued) > 50
    missing = sorted(value for value in glued if value not in pdf_text)
    assert missing == []


def test_no_code_in_the_pdf(pdf_text):
    """No notebook code is printed. The editor's guide shows a few lines of code on purpose: left out here."""
    guide_start, colophon_start = pdf_text.index("本页写给修订本书的编辑"), pdf_text.index("本书由仓库中的原报告文本")
    assert guide_start < colophon_start
    report = pdf_text[:guide_start] + pdf_text[colophon_start:]
    for code in ["fromjzreport", "load_table(", "report_table(", "import"]:
        assert code not in report, code


def test_missing_glyph_check_reads_the_latex_log(tmp_path):
    from jzreport.build.run import missing_glyphs

    log = tmp_path / "book.log"
    log.write_text("ok line\nMissing character: There is no 😀 (U+1F600) in font NotoSerifCJK!\n", encoding="utf-8")
    assert missing_glyphs(log) == ["Missing character: There is no 😀 (U+1F600) in font NotoSerifCJK!"]
    log.write_text("ok line\n", encoding="utf-8")
    assert missing_glyphs(log) == []


def test_chart_text_extracts_as_the_right_characters(pdf_text):
    """The charts' labels are searchable text: no CJK radical code points stand in for characters."""
    radicals = sorted({c for c in pdf_text if 0x2E80 <= ord(c) <= 0x2FDF})
    assert radicals == [], f"radical forms in the PDF text: {''.join(radicals)}"
    assert "女生" in pdf_text and "汽车运用与维修" in pdf_text


def test_pdf_carries_xmp_metadata():
    xmp = PdfReader(PDF).xmp_metadata
    assert xmp is not None, "no XMP metadata"
    assert "锦州市机电工程学校" in "".join(xmp.dc_title.values()) and "锦州市机电工程学校" in "".join(xmp.dc_creator)
    assert "zh-CN" in xmp.dc_language


def test_hyphens_copy_as_hyphens(pdf_text):
    """Every hyphen of the text reads as "-" (U+002D) when copied or searched: no hyphenated word of the report
    that the book prints (a test's name, a phone number, a range of years) comes out with U+2010/U+2011, and
    none is missing. The words are the source text's, as the HTML book shows them."""
    web = squeeze(" ".join(soup_of(page).get_text(" ") for page in all_pages()))
    hyphenated = set(re.findall(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+", SOURCE_TEXT.read_text(encoding="utf-8")))
    printed = {word for word in hyphenated if word in web}
    assert {"SCL-90", "0416-7915556"} <= printed, sorted(printed)
    assert sorted(word for word in printed if word not in pdf_text) == []
    assert [c for c in pdf_text if c in "\u2010\u2011"] == [], "hyphens that copy as U+2010/U+2011"


SPACED_NUMBER = re.compile(r"[\u4e00-\u9fff] [\d.,]+%? ?[\u4e00-\u9fff]")  # the report's "总数 567 人"


def test_the_report_s_numbers_print_as_the_report_prints_them():
    """A number the book links to its source (数字出处) prints like the report's text around it: with the
    spaces the report puts around it (xeCJK dropped the one between a Chinese character and a link), and in the
    text's colour (links were coloured like the book's own words)."""
    from tests.test_report_words import BOOK_WORDS_RGB, TITLE_RGB, pdf_colours

    text = subprocess.run(["pdftotext", str(PDF), "-"], capture_output=True, text=True, check=True).stdout
    running = re.sub(r" +", " ", text.replace("\n", ""))
    quotes = [fact.quote for fact in PACKAGE.stated_facts().values()]
    spaced = sorted({m.group() for quote in quotes for m in SPACED_NUMBER.finditer(quote)})
    assert len(spaced) > 20
    # the report's spaces are required; xeCJK's own space between a Western and a Chinese character (which
    # pdftotext gives as a space) is allowed where the report has none
    missing = [s for s in spaced if not re.search(" ?".join(" " if c == " " else re.escape(c) for c in s), running)]
    assert not missing, missing
    assert pdf_colours() == {(0.0, 0.0, 0.0), BOOK_WORDS_RGB, TITLE_RGB}


# ---- what a reader sees on the page ------------------------------------------------------------------------------


def _layout_pages() -> list[list[str]]:
    """The PDF's pages as pdftotext lays them out: each page's non-empty lines, without its page number."""
    text = subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in text.split("\f"):
        lines = [line for line in page.splitlines() if line.strip()]
        if lines and re.fullmatch(r"\s*[\divxlc]+\s*", lines[-1]):
            lines = lines[:-1]
        pages.append(lines)
    return pages


def _headings() -> set[str]:
    """Every heading of the book as the HTML pages have it: h1–h6, and a paragraph that is one bold phrase (the
    report's run-in headings, “一、…”)."""
    found = set()
    for page in all_pages():
        article = soup_of(page).select_one("article")
        if article is None:
            continue
        found |= {squeeze(h.get_text("")).rstrip("#") for h in article.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])}
        for paragraph in article.find_all("p"):
            children = [c for c in paragraph.contents if not (isinstance(c, str) and not c.strip())]
            if len(children) == 1 and getattr(children[0], "name", None) == "strong":
                found.add(squeeze(paragraph.get_text("")))
    return found - {""}


def test_the_convention_of_the_book_s_words_is_printed_as_book_words():
    """The front page's paragraph on the book's words (not otherwise printed) is on the title page's verso, before
    目录, in the book's words' colour: the same text, taken from the front page."""
    from tests.test_report_words import BOOK_WORDS_RGB

    convention = soup_of(HTML_DIR / "index.html").select("p.book-words-convention")
    assert len(convention) == 1
    words = squeeze(convention[0].get_text(""))
    assert words.startswith("本书的文字与原报告的文字") and "〔〕" in words
    pages = _layout_pages()
    toc = next(n for n, lines in enumerate(pages) if lines and squeeze(lines[0]) == "目录")
    # (the CJK fonts' ellipsis glyph is also their U+22EF's, and extracts as that: "本书据表⋯绘制")
    assert words.replace("\u2026", "\u22ef") in squeeze("".join("".join(lines) for lines in pages[:toc]))
    colours: set[tuple[float, ...]] = set()
    state = {"colour": (0.0, 0.0, 0.0)}

    def operator(op, args, cm, tm):
        if op == b"rg":
            state["colour"] = tuple(round(float(a), 3) for a in args)

    def text(found, cm, tm, font, size):
        if found.strip():
            colours.add(state["colour"])

    PdfReader(PDF).pages[toc - 1].extract_text(visitor_operand_before=operator, visitor_text=text)
    assert colours == {BOOK_WORDS_RGB}


def test_no_heading_is_the_last_line_of_a_page():
    headings = _headings()
    assert len(headings) > 100
    alone = []
    for number, lines in enumerate(_layout_pages(), 1):
        if lines and {squeeze(lines[-1]), squeeze("".join(lines[-2:]))} & headings:
            alone.append(f"page {number}: {lines[-1].strip()}")
    assert not alone


def test_no_entry_of_the_numbers_page_is_split_across_pages():
    """An entry of 数字出处 (value, the report's words; then its data row and verdict) is on one page: no page of
    数字出处 starts with the second half of an entry."""
    pages = [lines for lines in _layout_pages() if lines and lines[0].split()[0] == "数字出处" and len(lines) > 1]
    assert len(pages) > 10
    split = [squeeze(lines[1])[:40] for lines in pages if squeeze(lines[1]).startswith(("数据：", "核查："))]
    assert not split


def test_english_apostrophes_are_not_set_full_width():
    """The Noto CJK fonts draw ’ full-width; in English text (TeX makes it of ') it is set proportional: "report’s"
    is wider than "report" on the same page by an "s" and an apostrophe, less than the font's size (a full-width
    ’ alone takes the font's size)."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(PDF), "-"], capture_output=True, text=True, check=True).stdout
    word = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<')
    compared = []
    for page in bbox.split("<page ")[1:]:
        widths: dict[tuple[str, float], float] = {}
        for x0, y0, x1, y1, text in word.findall(page):
            widths.setdefault((text, round(float(y1) - float(y0), 1)), float(x1) - float(x0))
        for (text, size), width in widths.items():
            possessive = re.fullmatch(r"([A-Za-z]+)’s", text)
            if possessive and (possessive[1], size) in widths:
                compared.append((text, width - widths[possessive[1], size], size))
    assert len(compared) >= 3, compared
    wide = [c for c in compared if c[1] >= c[2]]
    assert not wide, wide
