"""The charts' images as the book publishes them: the static SVGs on each web page (the `img.lazy-figure-image`'s
data: URI, and its `picture`'s source for phones) and each figure of the PDF. No text of a chart (axis title, tick label, bar or slice label, legend,
annotation) lies outside its image or is cut off at its edge, and no number is printed with decimal places that
its data do not have (a count reads 74, never 74.0).

The judges are outside tools: chromium (Playwright) lays out each SVG and measures its text elements; poppler reads
each PDF figure's words and their boxes (pdftotext -bbox) and draws the figure (pdftoppm), so that a word the
drawing cuts off shows as a word without ink in part of its box.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from jzreport.present.formatting import fmt_number
from tests.helpers import PACKAGE, PDF, chapter_pages, soup_of, squeeze

DPI = 144  # PDF figures are drawn at 2 px per point
CLEARANCE_PX = 2  # the least room between a web chart's text box and the edge of its image
# A number written with a last decimal place of 0 (74.0, 96.0, 80.930): only a number whose data fix its places
# may be printed so.
TRAILING_ZERO = re.compile(r"(?<![\d.])\d+\.\d*0(?![\d.])")
MEASURE = """() => {
  const root = document.querySelector('svg');
  const frame = root.getBoundingClientRect();
  return {width: frame.width, height: frame.height, texts: [...root.querySelectorAll('text')]
    .filter(text => text.textContent.trim())
    .map(text => {
      const box = text.getBoundingClientRect();
      const lines = [...text.querySelectorAll('tspan.line')].map(line => line.textContent);
      return {text: text.textContent, lines: lines.length ? lines : [text.textContent],
              kind: text.getAttribute('class') || text.parentNode.getAttribute('class'),
              left: box.left - frame.left, top: box.top - frame.top,
              right: box.right - frame.left, bottom: box.bottom - frame.top};
    })};
}"""


PHONE = " (phone)"  # after a figure id: the image made for phones


def web_images() -> dict[str, str]:
    """Every chart's static SVGs as the web pages publish them, for wide screens and for phones: figure id (with
    PHONE after it for a phone's) -> SVG text."""
    images = {}
    for page in chapter_pages():
        for box in soup_of(page).select("div.lazy-figure"):
            wide, phone = box.select_one("img.lazy-figure-image")["src"], box.select_one("picture source")["srcset"]
            for name, source in ((box["data-figure"], wide), (box["data-figure"] + PHONE, phone)):
                assert source.startswith("data:image/svg+xml,"), (page.name, name, source[:40])
                images[name] = unquote(source.split(",", 1)[1])
    return images


@pytest.fixture(scope="module")
def web_texts(html_dir, browser) -> dict[str, dict]:
    """figure id -> the SVG's size and its text elements with their boxes, as chromium lays them out."""
    page = browser.new_page()
    measured = {}
    for label, svg in web_images().items():
        page.set_content(f'<!DOCTYPE html><html><body style="margin:0">{svg}</body></html>')
        measured[label] = page.evaluate(MEASURE)
    page.close()
    assert len(measured) >= 2 * 9, measured.keys()
    return measured


def pdf_figures(pdf, folder) -> list:
    """Every figure the PDF draws (a form XObject: the chart image XeLaTeX placed), each written out as a PDF page
    of its own size."""
    figures = []
    for page in PdfReader(pdf).pages:
        for reference in page.get("/Resources", {}).get("/XObject", {}).values():
            form = reference.get_object()
            if form.get("/Subtype") != "/Form":
                continue
            left, bottom, right, top = (float(v) for v in form["/BBox"])
            writer = PdfWriter()
            sheet = writer.add_blank_page(right - left, top - bottom)
            xobjects = DictionaryObject({NameObject("/Figure"): form.clone(writer).indirect_reference})
            sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
            drawing = StreamObject()
            drawing.set_data(f"q 1 0 0 1 {-left} {-bottom} cm /Figure Do Q".encode())
            sheet.replace_contents(drawing)
            path = folder / f"figure-{len(figures) + 1}.pdf"
            writer.write(path)
            figures.append(path)
    return figures


def words_of(figure) -> tuple[float, float, list[dict]]:
    """(width, height, words with boxes in points) of a one-page PDF, read by pdftotext -bbox."""
    found = subprocess.run(["pdftotext", "-bbox", str(figure), "-"], capture_output=True, text=True, check=True).stdout
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', found)
    words = [
        {"text": text, "left": float(x0), "top": float(y0), "right": float(x1), "bottom": float(y1)}
        for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>', found
        )
    ]
    return float(size.group(1)), float(size.group(2)), words


def drawing_of(figure) -> np.ndarray:
    """The one-page PDF drawn by pdftoppm in grey at DPI (rows × columns of 0–255)."""
    pgm = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(DPI), "-singlefile", str(figure)], capture_output=True, check=True
    ).stdout
    magic, width, height, depth, pixels = re.match(rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", pgm, re.S).groups()
    return np.frombuffer(pixels, dtype=np.uint8 if int(depth) < 256 else ">u2").reshape(int(height), int(width))


@pytest.fixture(scope="module")
def print_figures(tmp_path_factory) -> list[dict]:
    """Each figure of the PDF: its size, its words with their boxes, and its drawing."""
    if not PDF.exists():
        pytest.fail("the PDF is not built: run `make pdf` (`make test` builds it first)")
    figures = []
    for figure in pdf_figures(PDF, tmp_path_factory.mktemp("pdf-figures")):
        width, height, words = words_of(figure)
        figures.append(
            {"name": figure.name, "width": width, "height": height, "words": words, "ink": drawing_of(figure)}
        )
    return figures


def outside(box: dict, width: float, height: float, clearance: float) -> bool:
    """The box reaches closer than `clearance` to an edge of the image, or past it."""
    return (
        min(box["left"], box["top"]) < clearance
        or box["right"] > width - clearance
        or box["bottom"] > height - clearance
    )


def test_every_text_of_a_web_chart_lies_inside_its_image(web_texts):
    """Each text element's box (its font's full height, with every transform applied, as chromium lays it out) lies
    inside the SVG, clear of its edges by CLEARANCE_PX: a title set flush against the edge is cut as soon as the
    reader's font is a little taller."""
    out = [
        (label, t["text"], t["kind"], [round(t[side], 1) for side in ("left", "top", "right", "bottom")])
        for label, image in web_texts.items()
        for t in image["texts"]
        if outside(t, image["width"], image["height"], CLEARANCE_PX)
    ]
    assert not out, f"text outside the image or touching its edge: {out}"


def test_every_word_of_a_printed_chart_lies_inside_its_image_and_is_drawn_whole(print_figures):
    """Each word's box lies inside its figure, and the figure draws ink in the top and in the bottom third of the
    box: a word the figure's drawing cuts off (a clipped image) has none in the part cut away."""
    scale = DPI / 72
    out, cut = [], []
    for figure in print_figures:
        assert figure["words"], figure["name"]
        out += [
            (figure["name"], w["text"]) for w in figure["words"] if outside(w, figure["width"], figure["height"], 0)
        ]
        for word in figure["words"]:
            top, bottom = round(word["top"] * scale), round(word["bottom"] * scale)
            columns = slice(round(word["left"] * scale), round(word["right"] * scale))
            third = max(1, (bottom - top) // 3)
            parts = [figure["ink"][rows, columns] for rows in (slice(top, top + third), slice(bottom - third, bottom))]
            if any(part.size == 0 or int(part.max()) - int(part.min()) < 64 for part in parts):
                cut.append((figure["name"], word["text"]))
    assert not out, f"words outside the image: {out}"
    assert not cut, f"words not drawn whole (cut off at the image's edge): {cut}"


def test_the_printed_charts_draw_every_text_of_the_web_charts(web_texts, print_figures):
    """The PDF has one figure per web chart, and each draws every line of text its web chart (the wide screen's)
    draws (a text that the PDF figure lost, past its edge, is missing from its words)."""
    wide = {label: image for label, image in web_texts.items() if not label.endswith(PHONE)}
    assert len(print_figures) == len(wide)
    printed = ["".join(squeeze(w["text"]) for w in figure["words"]) for figure in print_figures]
    for label, image in wide.items():
        lines = [squeeze(line) for text in image["texts"] for line in text["lines"] if line.strip()]
        best = max(printed, key=lambda words: sum(line in words for line in lines))
        missing = [line for line in lines if line not in best]
        assert not missing, f"{label}: the PDF figure lacks {missing}"


def fixed_place_numbers() -> set[str]:
    """Every number the data print with fixed decimal places (a schema's `decimals`: 96.0, 2164.12), as the tables
    print it, with the totals and running totals a chart may add up from them."""
    printed = set()
    for name in PACKAGE.tables():
        frame = PACKAGE.load_table(name)
        for column, places in PACKAGE.field_decimals(name).items():
            values = frame[column].dropna().astype(float)
            printed.update(fmt_number(v, places) for v in [*values, values.sum(), *values.cumsum()])
    return printed


def test_charts_print_numbers_as_the_tables_do(web_texts, print_figures):
    """A number with a last decimal 0 is drawn only where its data fix the decimal places (表 15's 96.0%): a count
    is a whole number, on the web page and in the PDF."""
    allowed = fixed_place_numbers()
    assert "96.0" in allowed and "74.0" not in allowed
    drawn = [(label, t["text"]) for label, image in web_texts.items() for t in image["texts"]]
    drawn += [(figure["name"], w["text"]) for figure in print_figures for w in figure["words"]]
    wrong = [(where, text) for where, text in drawn for n in TRAILING_ZERO.findall(text) if n not in allowed]
    assert not wrong, f"numbers printed with decimals their data do not have: {wrong}"


def test_a_finished_renderer_is_not_waited_for():
    """Sphinx waits for the background renderer only while it runs: a renderer that has exited, not yet collected
    by its parent (a zombie), made no more images (the released edition's build once waited 120 s per image)."""
    from jzreport.build.static_images import running

    renderer = subprocess.Popen(["sleep", "0.1"])
    assert running(renderer.pid)
    deadline = time.monotonic() + 10
    while running(renderer.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert Path(f"/proc/{renderer.pid}").exists(), "exited but not collected: a zombie"
    assert not running(renderer.pid)
    renderer.wait()
    assert not running(renderer.pid)
