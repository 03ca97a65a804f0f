"""The site as a whole: offline (no external scripts or styles), plotly served locally, Chinese search."""

from __future__ import annotations

import json
import re
import subprocess

from tests.helpers import EVAL_NAME, PACKAGE, ROOT, all_pages, chapter_pages, soup_of, table_rows

EXTERNAL = re.compile(r"^(https?:)?//", re.I)


def test_no_external_scripts_or_stylesheets(html_dir):
    offenders = []
    for page in all_pages():
        soup = soup_of(page)
        for tag in soup.find_all("script", src=True):
            if EXTERNAL.match(tag["src"]):
                offenders.append((page.name, tag["src"]))
        for tag in soup.find_all("link", href=True):
            if EXTERNAL.match(tag["href"]) and set(tag.get("rel", [])) & {
                "stylesheet",
                "preload",
                "modulepreload",
                "icon",
            }:
                offenders.append((page.name, tag["href"]))
        for tag in soup.find_all(["img", "iframe"], src=True):
            if EXTERNAL.match(tag["src"]):
                offenders.append((page.name, tag["src"]))
    assert offenders == []


def test_figures_show_a_static_image_and_load_plotly_only_on_request(html_dir):
    """A figure page carries each figure as a static SVG image with a text alternative naming its data, and
    only the small deferred lazy-figures.js; plotly.js (vendored, local) is loaded by that script on request.
    No page has a script over 50 KB that blocks the first paint."""
    assert (html_dir / "_static" / "plotly-basic-4.1.1.min.js").stat().st_size > 1_000_000
    figure_pages = 0
    for page in all_pages():
        soup = soup_of(page)
        boxes = soup.select("div.lazy-figure")
        lazy = soup.find("script", src=re.compile(r"_static/lazy-figures\.js"))
        assert (lazy is not None) == bool(boxes), page.name
        assert "plotly-basic" not in " ".join(s["src"] for s in soup.find_all("script", src=True)), page.name
        for script in soup.find_all("script", src=True):
            path = (page.parent / script["src"].split("?")[0]).resolve()
            if path.is_file() and path.stat().st_size > 50_000:
                assert script.has_attr("defer") or script.has_attr("async"), (page.name, script["src"])
        for box in boxes:
            image = box.select_one("img.lazy-figure-image")
            assert image["src"].startswith("data:image/svg+xml,") and image.get("width") and image.get("height")
            traces = json.loads(box.select_one("script.lazy-figure-data").string)["data"]
            first = traces[0]
            values = first.get("values") or (first.get("x") if first.get("orientation") == "h" else first.get("y"))
            assert "数据——" in image["alt"] and f"{values[0]:g}" in image["alt"], (page.name, image["alt"][:80])
            assert box.select_one("button.lazy-figure-start").get_text().startswith("查看交互图")
        figure_pages += bool(boxes)
        if boxes:
            assert lazy["data-plotly"].endswith("_static/plotly-basic-4.1.1.min.js") and lazy.has_attr("defer")
    assert figure_pages >= 5


def test_each_page_asks_for_one_stylesheet_and_no_blocking_script(html_dir):
    """Before its first paint a page waits for one stylesheet (the bundle of the theme's and the book's
    styles) and no script; the bundle carries the book's own styles."""
    for page in all_pages():
        soup = soup_of(page)
        sheets = [link["href"] for link in soup.find_all("link", rel="stylesheet") if not link.get("media")]
        assert len(sheets) == 1 and "_static/styles/bundle-" in sheets[0], (page.name, sheets)
        bundle = (page.parent / sheets[0]).resolve().read_text(encoding="utf-8")
        assert "p.provenance" in bundle and ".lazy-figure-image" in bundle
        blocking = [
            s["src"] for s in soup.head.find_all("script", src=True) if not (s.has_attr("defer") or s.has_attr("async"))
        ]
        assert blocking == [], (page.name, blocking)


def test_search_text_holds_every_page_as_shown(html_dir):
    """The search page's text (_static/fulltext.js) holds each page's sections as the reader sees them: glued
    numbers inside their sentence, no code; it is loaded by the search page only."""
    text = (html_dir / "_static" / "fulltext.js").read_text(encoding="utf-8")
    pages = {page["url"]: page for page in json.loads(text[text.index("=") + 1 :].strip().rstrip(";"))}
    sections = pages["chapters/01-school-overview.html"]["sections"]
    ch1 = " ".join(section["text"] for section in sections)
    assert "全日制学历教育在校生1700余人" in ch1 and "汽车运用与维修" in ch1 and "load_table" not in ch1
    assert any(section["anchor"] == "sec-1-1" for section in sections)
    for page in all_pages():
        loads = "fulltext.js" in page.read_text(encoding="utf-8")
        assert loads == (page.name == "search.html"), page.name


def test_code_is_folded_and_photo_notes_kept(html_dir):
    for page in chapter_pages():
        soup = soup_of(page)
        for cell in soup.select("div.cell"):
            source = cell.select_one("div.cell_input")
            if source is not None:
                assert "tag_hide-input" in cell.get("class", []), f"{page.name}: a code cell is not folded"
    ch1 = soup_of(html_dir / "chapters" / "01-school-overview.html").get_text()
    for number in [1, 5, 6, 7, 8, 9, 10, 11, 12]:
        assert f"编者注：此处为原报告图 {number}“" in ch1


def test_every_table_and_figure_has_provenance(html_dir):
    for page in chapter_pages():
        soup = soup_of(page)
        notes = soup.select("p.provenance")
        items = soup.select("table.report-table") + soup.select("div.lazy-figure")
        assert len(notes) == len(items), page.name
        for note in notes:
            link = note.find("a", href=re.compile(r"\.csv$"))
            assert link is not None and "sha256" in note.get_text(), page.name
            assert (page.parent / link["href"]).resolve().exists(), link["href"]


def test_missing_figures_are_registered_not_drawn(html_dir):
    """Charts whose numbers the report does not publish appear as notes, never as drawn figures."""

    text = "".join(soup_of(page).get_text() for page in chapter_pages())
    for figure in PACKAGE.load_table("missing_figures")["figure"]:
        assert f"原报告{figure}" in text.replace("原报告 图", "原报告图") or f"原报告图 {figure.split()[-1]}" in text, (
            figure
        )
    drawn = " ".join(str(soup_of(page).select("p.figure-caption")) for page in chapter_pages())
    for title in PACKAGE.load_table("missing_figures")["title"]:
        assert title not in drawn, f"{title} has no published data and must not be drawn"


def test_each_page_s_contents_list_every_section_of_the_page(html_dir):
    """The sidebar 目录 (the page's contents) links every h2 and h3 section of the article, also those written
    after Sphinx read the page (数字出处's 本书计算的数字 and its pages)."""
    for page in all_pages():
        soup = soup_of(page)
        article = soup.select_one("article.bd-article")
        if article is None:  # the search page
            continue
        sections = {h.find_parent("section")["id"] for h in article.select("section > h2, section > h3")}
        listed = {a["href"].removeprefix("#") for a in soup.select("nav#pst-page-toc-nav a[href^='#']")}
        assert sections <= listed, (page.name, sorted(sections - listed))


def test_colophon_names_commit_data_hashes_and_versions(html_dir):
    import subprocess
    from importlib import metadata

    text = soup_of(html_dir / "colophon.html").get_text()
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=html_dir).stdout.strip()
    assert commit and commit in text
    for resource in PACKAGE.descriptor["resources"]:
        assert resource["hash"].removeprefix("sha256:") in text, resource["path"]
    assert metadata.version("jupyter-book") in text and metadata.version("pandas") in text


def test_tables_are_styled_and_scroll_inside_their_own_box(html_dir):
    """The theme's table styling applies, and a wide table scrolls in its own container (phones)."""
    for page in chapter_pages():
        for table in soup_of(page).select("table.report-table"):
            assert "table" in table["class"], (page.name, table.get("id"))
            assert "pst-scrollable-table-container" in table.parent.get("class", []), (page.name, table.get("id"))


def test_every_page_weighs_under_1_mb_gzipped(html_dir):
    """HTML plus the scripts and styles it references, gzip-compressed as a web server sends them.
    (scripts/benchmark.py measures the same in a browser, fonts and images included.)"""
    import gzip

    def gz(path):
        return len(gzip.compress(path.read_bytes(), 6))

    for page in all_pages():
        soup = soup_of(page)
        refs = [t["src"] for t in soup.find_all("script", src=True)] + [
            t["href"] for t in soup.find_all("link", href=True) if "stylesheet" in t.get("rel", [])
        ]
        files = {(page.parent / ref.split("?")[0]).resolve() for ref in refs}
        total = gz(page) + sum(gz(f) for f in files if f.is_file())
        assert total < 1_000_000, f"{page.name}: {total / 1024:.0f} KB gzipped"


def test_every_stated_number_links_to_its_row_and_verdict(html_dir):
    """Tap a number the report states, land on its entry: value, sentence, data row with sha256, verdict."""
    from jzreport.audit.number_entries import label

    numbers = soup_of(html_dir / "numbers.html")
    entries = {
        div["id"]: div.get_text(" ", strip=True) for div in numbers.select("div.fact-source:not(.computed-source)")
    }
    facts = PACKAGE.stated_facts()
    assert len(entries) == len(facts)
    sha = PACKAGE.recorded_sha256("reported_facts")[:12]
    for row, fact in enumerate(facts.values(), start=2):
        text = entries[label(fact.key)]
        words = f"原文：“{fact.quote}”" if fact.quote else fact.place
        assert words in text and f"第 {row} 行" in text and sha in text and "核查" in text, fact.key


def test_every_number_of_chapter_1_and_the_scorecard_links_to_its_trace(html_dir):
    """Every {eval} number of chapter 1 and every number cell of the scorecard is a link to an entry on
    数字出处: a stated number to its sentence and row, a computed one to what was computed, the data file's
    rows with its sha256, the report's statement and the audit verdict."""

    numbers = soup_of(html_dir / "numbers.html")
    entries = {div["id"]: div for div in numbers.select("div.fact-source")}
    chapter_1 = (ROOT / "book" / "chapters" / "01-school-overview.md").read_text(encoding="utf-8")
    links = soup_of(html_dir / "chapters" / "01-school-overview.html").select("a.number-source")
    assert len(links) == len(EVAL_NAME.findall(chapter_1)) > 20
    computed = 0
    for link in links:
        page, anchor = link["href"].split("#")
        assert page == "../numbers.html" and anchor in entries, link
        entry = entries[anchor].get_text(" ", strip=True)
        assert link.select_one("span.pasted-text").get_text() in entry
        if anchor.startswith("calc-"):
            computed += 1
            assert "本书的计算" in entry and "第 " in entry and "sha256" in entry, entry
    assert computed >= 2
    majors = entries["calc-chapters-01-school-overview-majors-listed"].get_text(" ", strip=True)
    assert "majors.csv 第 2–11 行" in majors and PACKAGE.recorded_sha256("majors")[:12] in majors
    assert PACKAGE.stated_facts()["majors_1_1"].quote in majors and "核查：" in majors
    scorecard = soup_of(html_dir / "index.html").select_one("table#tbl-scorecard")
    for row in scorecard.select("tbody tr"):
        cell = row.select("td")[1]
        link = cell.select_one("a.number-source")
        assert link is not None and link["href"].split("#")[1] in entries, row.get_text(" ", strip=True)


def test_book_words_are_marked_one_way(html_dir):
    """The book's glosses in 〔〕 carry the book's style; its notes say 编者注; the report's text is kept as
    printed (ASCII punctuation of 1.1, "(四)", the paragraph break of 2.2.3)."""
    ch1 = soup_of(html_dir / "chapters" / "01-school-overview.html")
    glosses = [span.get_text() for span in ch1.select("span.book-words")]
    assert "〔即本书表 1〕" in glosses and "〔即本书图 2〕" in glosses
    for page in chapter_pages():
        soup = soup_of(page)
        for note in soup.select("p.table-note, p.photo-note"):
            assert note.get_text().startswith("编者注："), (page.name, note.get_text()[:40])
        for text in soup.find_all(string=re.compile("〔")):
            if text.find_parent(["pre", "code", "script"]):
                continue  # the code of a cell
            assert text.parent.name == "span" and "book-words" in text.parent.get("class", []), (page.name, text)
    text_1_1 = ch1.get_text()
    assert "全日制中等职业学校,始建于" in text_1_1 and "7名;教师中高级职称" in text_1_1
    assert "(四) 构建成果转化与激励机制" in soup_of(html_dir / "chapters" / "09-model-worker-studio.html").get_text()
    ch2 = soup_of(html_dir / "chapters" / "02-talent-cultivation.html")
    assert any(p.get_text().startswith("并坚持让企业生产单元走进学校专业实训室") for p in ch2.select("p"))
    front = soup_of(html_dir / "index.html").get_text()
    assert "本书所加的文字一律以这种蓝灰色显示" in front


def test_published_checksums_cover_every_file(html_dir):
    result = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=html_dir, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {line.split("  ", 1)[1] for line in (html_dir / "SHA256SUMS").read_text(encoding="utf-8").splitlines()}
    files = {p.relative_to(html_dir).as_posix() for p in html_dir.rglob("*") if p.is_file() and p.name != "SHA256SUMS"}
    assert listed == files and "index.html" in listed and "audit/audit.csv" in listed


def test_audit_is_published_as_data(html_dir):

    records = json.loads((html_dir / "audit" / "audit.json").read_text(encoding="utf-8"))
    rows = sum(
        len(table_rows(t)) - 1
        for t in soup_of(html_dir / "chapters" / "10-audit.html").select("table")
        if (t.get("id") or "") in {f"tbl-audit-{n}" for n in range(2, 6)}
    )
    assert len(records) == rows > 50
    first = records[0]
    assert {"id", "section", "claim", "stated", "recomputed", "verdict", "data_files"} <= set(first)
    assert all(len(f["sha256"]) == 64 for f in first["data_files"])
    csv_text = (html_dir / "audit" / "audit.csv").read_bytes()
    assert csv_text.startswith(b"\xef\xbb\xbf") and len(csv_text.decode("utf-8-sig").splitlines()) == len(records) + 1
    links = [a["href"] for a in soup_of(html_dir / "chapters" / "10-audit.html").find_all("a", href=True)]
    assert "../audit/audit.csv" in links and "../audit/audit.json" in links
