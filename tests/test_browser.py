"""The book in a real browser (Playwright driving Debian's chromium): pages, figures, search, phones.

Screenshots of two pages at phone and desktop size are saved in tests/artifacts/ for people to look at.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from urllib.parse import unquote

import pytest

from tests.helpers import ARTIFACTS, HTML_DIR, TOOLS, all_pages, chapter_pages, plotly_figures, soup_of, squeeze

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(html_dir):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(HTML_DIR))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def open_page(browser, url, viewport=DESKTOP):
    """A loaded page plus the console errors and failed or external requests seen while loading it."""
    page = browser.new_page(viewport=viewport)
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.on(
        "request",
        lambda r: (
            problems.append(f"external request: {r.url}")
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    return page, problems


def relative(path):
    return path.relative_to(HTML_DIR).as_posix()


@pytest.mark.parametrize("path", all_pages(), ids=relative)
def test_page_loads_without_errors(browser, site, path):
    page, problems = open_page(browser, f"{site}/{relative(path)}")
    assert problems == []
    page.close()


@pytest.mark.parametrize("path", [p for p in chapter_pages() if plotly_figures(p)], ids=relative)
def test_every_figure_shows_at_once_and_draws_its_data_points_on_request(browser, site, path):
    """Each figure is a static image at first (plotly.js not loaded); its button loads plotly.js, once, and
    draws the figure with all its traces."""
    page, problems = open_page(browser, f"{site}/{relative(path)}")
    requested = []
    page.on("request", lambda r: requested.append(r.url) if "plotly-basic" in r.url else None)
    assert page.evaluate("typeof window.Plotly") == "undefined"
    for div_id, traces in plotly_figures(path).items():
        box = page.locator(f"div.lazy-figure[data-figure='{div_id}']")
        box.scroll_into_view_if_needed()
        assert box.locator("img.lazy-figure-image").evaluate("img => img.complete && img.naturalWidth > 0"), div_id
        box.locator("button.lazy-figure-start").click()
        figure = page.locator(f"#{div_id}")
        figure.locator("svg.main-svg").first.wait_for(timeout=15_000)
        marks = figure.locator("g.point, g.slice, g.points path, path.js-line").count()
        assert marks >= len(traces), f"{div_id}: {marks} marks drawn for {len(traces)} traces"
        assert box.locator("img.lazy-figure-image").is_hidden()
    assert len(requested) == 1, requested
    assert problems == []
    page.close()


@pytest.mark.parametrize("path", [p for p in chapter_pages() if plotly_figures(p)], ids=relative)
def test_a_phone_shows_each_chart_laid_out_for_its_width_with_text_it_can_read(browser, site, path):
    """On a 390 px phone each chart's static image is the one laid out for phones, and its smallest text shows at
    least 8 px high (the wide screen's image, shrunk to the phone, would set it at 6 px)."""
    page, problems = open_page(browser, f"{site}/{relative(path)}", PHONE)
    boxes = page.locator("div.lazy-figure").all()
    assert boxes
    for box in boxes:
        phone_image = box.locator("picture source").get_attribute("srcset")
        shown = box.locator("img.lazy-figure-image").evaluate(
            "img => ({src: img.currentSrc, width: img.getBoundingClientRect().width, natural: img.naturalWidth})"
        )
        assert shown["src"] == phone_image, box.get_attribute("data-figure")
        svg = unquote(phone_image.split(",", 1)[1])
        smallest = min(float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", svg))
        assert smallest * shown["width"] / shown["natural"] >= 8, (box.get_attribute("data-figure"), smallest, shown)
    assert problems == []
    page.close()


SEARCHES = [
    ("汽车运用与维修", "chapters/01-school-overview.html"),
    ("现代学徒制", "chapters/02-talent-cultivation.html"),
    ("中高级职称", "chapters/01-school-overview.html"),
    ("在校生1700余人", "chapters/01-school-overview.html"),
    ("794", "chapters/03-service-contribution.html"),
    ("2021", "chapters/01-school-overview.html"),
    ("1700", "chapters/01-school-overview.html"),  # also found inside a sha256 (版本说明): it must wrap on a phone
]


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_search_finds_chinese_phrases_and_numbers(browser, site, scheme):
    """Unspaced phrases of any length and numbers find their pages, with a snippet and the hit marked, from a
    server and from file:// (the offline reader)."""
    base = site if scheme == "http" else HTML_DIR.as_uri()
    for query, expected in SEARCHES:
        page, problems = (
            open_page(browser, f"{base}/search.html?q={query}", PHONE)
            if scheme == "http"
            else (browser.new_page(viewport=PHONE), [])
        )
        if scheme == "file":
            page.goto(f"{base}/search.html?q={query}", wait_until="load")
        page.wait_for_selector("#book-search-status:not(:empty)", timeout=10_000)
        links = page.locator("#book-search-results li a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert any(link.startswith(expected) for link in links), (query, links)
        marked = page.locator("#book-search-results mark").all_inner_texts()
        assert marked and all(text.lower() == query.lower() for text in marked), (query, marked[:3])
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], (query, "the results page scrolls sideways", width)
        if scheme == "http" and query == "现代学徒制":
            page.screenshot(path=str(ARTIFACTS / "phone-search.png"))
        assert problems == []
        page.close()


def _heading_only_phrases() -> list[tuple[str, str]]:
    """Headings of the chapter pages (without their section number) whose text is nowhere else on their page (a
    query's spaces separate its parts, each to be found):
    (phrase, the page and the section's anchor). Only the search's reading of the headings can find them."""
    found = []
    for path in chapter_pages():
        article = soup_of(path).select_one("article.bd-article")
        headings = article.select("h2, h3, h4")
        for heading in headings:
            heading.select_one("a.headerlink").decompose()
        titles = [
            (h.find_parent("section")["id"], re.sub(r"^[\d.]+ ", "", " ".join(h.get_text().split()))) for h in headings
        ]
        for heading in headings:
            heading.extract()
        rest = squeeze(article.get_text())
        for anchor, phrase in titles:
            if phrase and squeeze(phrase) not in rest:
                found.append((phrase, f"{relative(path)}#{anchor}"))
    return found


def test_search_finds_text_that_is_only_in_a_heading(browser, site):
    """A section's heading is searched with its text: a phrase that only a heading holds finds that section."""
    phrases = _heading_only_phrases()
    assert len(phrases) >= 3, phrases  # the report has such headings (e.g. 2.1's); if none, the test tests nothing
    for phrase, expected in phrases[:: max(1, len(phrases) // 8)]:  # eight or so, from every part of the book
        page, problems = open_page(browser, f"{site}/search.html?q={phrase}", PHONE)
        page.wait_for_selector("#book-search-status:not(:empty)", timeout=10_000)
        links = page.locator("#book-search-results li a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert expected in links, (phrase, links)
        assert problems == []
        page.close()


def test_navigation_between_chapters(browser, site):
    page, _ = open_page(browser, f"{site}/chapters/01-school-overview.html")
    page.locator("a.right-next").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("chapters/02-talent-cultivation.html")
    assert "人才培养" in page.locator("h1").first.inner_text()
    page.locator("a.left-prev").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("chapters/01-school-overview.html")
    page.close()


def test_phone_shows_tables_scrollable_not_cut_off(browser, site):
    page, _ = open_page(browser, f"{site}/chapters/04-cultural-heritage.html", PHONE)
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (
        "the page itself must not scroll sideways"
    )
    table = page.locator("table#tbl-mentor-pairs")
    table.scroll_into_view_if_needed()
    fits_or_scrolls = table.evaluate("""t => {
        let box = t.parentElement;
        while (box && box.scrollWidth <= box.clientWidth && box !== document.body) box = box.parentElement;
        if (t.scrollWidth <= t.parentElement.clientWidth + 1) return 'fits';
        const style = getComputedStyle(box);
        return ['auto', 'scroll'].includes(style.overflowX) ? 'scrolls' : 'cut';
    }""")
    assert fits_or_scrolls in ("fits", "scrolls")
    page.close()


@pytest.mark.parametrize("name, viewport", [("phone", PHONE), ("desktop", DESKTOP)])
def test_screenshots_for_people(browser, site, name, viewport):
    ARTIFACTS.mkdir(exist_ok=True)
    for chapter in ["01-school-overview", "06-industry-education"]:
        page, _ = open_page(browser, f"{site}/chapters/{chapter}.html", viewport)
        target = ARTIFACTS / f"{chapter}-{name}.png"
        page.screenshot(path=str(target), full_page=False)
        assert target.stat().st_size > 10_000
        page.close()


def test_pdf_download_link_works(browser, site):
    page, _ = open_page(browser, f"{site}/index.html")
    link = page.locator("a[href$='.pdf']").first
    assert "PDF" in link.inner_text()
    response = page.request.get(f"{site}/{link.get_attribute('href')}")
    assert response.status == 200
    assert response.body()[:5] == b"%PDF-" and len(response.body()) > 100_000
    page.close()


TABLE_SHAPES = """() => [...document.querySelectorAll('article table')].map(t => {
  const size = parseFloat(getComputedStyle(t.querySelector('td, th') || t).fontSize);
  const cells = [...t.rows].flatMap(r => [...r.cells].filter(c => c.colSpan === 1));
  return {id: t.id, narrowest: Math.min(...cells.map(c => c.getBoundingClientRect().width)) / size,
          tallest: Math.max(...[...t.rows].map(r => r.getBoundingClientRect().height))};
})"""


def test_phone_tables_keep_readable_columns(browser, site):
    """At 390 px every table keeps columns of at least four characters (wide ones scroll sideways in their
    own box) and no row grows into a column of single characters; the page itself never scrolls sideways."""
    problems = []
    for path in all_pages():
        page, _ = open_page(browser, f"{site}/{relative(path)}", PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, relative(path)
        for table in page.evaluate(TABLE_SHAPES):
            if table["narrowest"] < 4 or table["tallest"] > 360:
                problems.append(
                    f"{relative(path)} {table['id']}: narrowest column {table['narrowest']:.1f} characters, "
                    f"tallest row {table['tallest']:.0f} px"
                )
        if relative(path) in ("index.html", "chapters/10-audit.html"):
            ARTIFACTS.mkdir(exist_ok=True)
            table_id = "tbl-scorecard" if relative(path) == "index.html" else "tbl-audit-2"
            page.locator(f"#{table_id}").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"phone-{path.stem}-table.png"))
        page.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_tapping_a_number_on_a_phone_shows_its_row_and_verdict(browser, site, scheme):
    """On a phone, from a server and from file://: tap a computed and a stated number of chapter 1 and land on
    its entry (data file and row, the report's sentence, the verdict), in view."""
    base = site if scheme == "http" else HTML_DIR.as_uri()
    for number, expected in [
        ("majors-listed", ["majors.csv 第 2–11 行", "核查 A1-30：一致"]),
        ("fact-employment-rate", ["reported_facts.csv", "就业率为 90.81%", "不一致"]),
    ]:
        page = browser.new_page(viewport=PHONE, has_touch=True, is_mobile=True)
        page.goto(f"{base}/chapters/01-school-overview.html", wait_until="load")
        link = page.locator(f"a.number-source[href*='{number}']").first
        link.scroll_into_view_if_needed()
        link.tap()
        page.wait_for_url("**/numbers.html#*")
        page.wait_for_timeout(200)
        anchor = page.url.split("#")[1]
        assert page.url.split("#")[0].endswith("/numbers.html") and number in anchor
        entry = page.locator(f"[id='{anchor}']")
        box = entry.bounding_box()
        assert box is not None and 0 <= box["y"] < PHONE["height"], f"the entry {anchor} is not in view"
        text = entry.inner_text()
        for part in expected:
            assert part in text, (anchor, part, text)
        if scheme == "http" and number == "majors-listed":
            page.screenshot(path=str(ARTIFACTS / "phone-number-trace.png"))
        page.close()


AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_core_finds_no_violations(browser, site, viewport):
    """axe-core (WCAG 2.1 A and AA, and its best practices) on every page, at desktop and at phone size."""
    axe = (TOOLS / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    found = []
    for path in all_pages():
        page, _ = open_page(browser, f"{site}/{relative(path)}", viewport)
        page.add_script_tag(content=axe)
        violations = page.evaluate(
            """async rules => (await axe.run(document, {runOnly: {type: 'tag', values: rules}}))
            .violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(' | ')}`)""",
            AXE_RULES,
        )
        found += [f"{relative(path)} {v}" for v in violations]
        page.close()
    assert found == [], "\n".join(found)


def test_printing_a_chapter_gives_clean_a4_pages(browser, site, tmp_path):
    """Print a chapter from the browser (Chromium's print to PDF, A4): the report's text, tables and the
    figures' static images, without the site's navigation, buttons or code; read back with pdftotext."""
    import subprocess

    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{site}/chapters/01-school-overview.html", wait_until="load")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.bd-header', '.bd-sidebar-primary', 'details.hide', '.lazy-figure-start']
        .map(s => [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none'))""")
    assert all(hidden), hidden
    assert page.locator("img.lazy-figure-image").first.is_visible()
    pdf = tmp_path / "chapter.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.close()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert (
        "1.1 学校基本情况" in text
        and "表 1 2025 年专业设置情况一览表" in text
        and "图 2 在校学生专业分布数据分析" in text
    )
    for absent in ("显示计算代码", "查看交互图", "load_table", "上一页"):
        assert absent not in text, absent
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in pages or "A4" in pages
