"""Sphinx extension of this book: search that finds any Chinese phrase or number, offline and from file://.

Sphinx's search index holds words (jieba's segments) and does not segment a query, so an unspaced phrase
(汽车运用与维修, 现代学徒制) or a number (1700) finds nothing. The book's search page instead looks for the
query's text itself in the text of every section of the book: every phrase of any length and every number
that a page shows is found, with a snippet and the hit marked. The text is written after the build, from
the published pages (their article, without code or figure data), to `_static/fulltext.js`, a script the
search page loads (a script also loads from file://, where a fetched index would be blocked); no other
page loads it or any search code (book/_templates/layout.html, search.html; the searching is
book/_vendor/fulltext-search.js).
"""
from __future__ import annotations

import json
from pathlib import Path

FULLTEXT_JS = Path("_static") / "fulltext.js"
SKIPPED = "div.cell_input, script, style, .lazy-figure-data, .headerlink, .lazy-figure-start, nav, .prev-next-area"
HEADINGS = ["h1", "h2", "h3", "h4"]


def _sections(article) -> list[dict]:
    """The article as sections (heading anchor, title, text), in reading order."""
    sections, current = [], {"anchor": "", "title": "", "parts": []}
    for element in article.find_all(HEADINGS + ["p", "li", "td", "th", "caption", "dt", "dd"]):
        if element.name in HEADINGS:
            sections.append(current)
            section = element.find_parent("section")
            current = {"anchor": section.get("id", "") if section else "", "title": element.get_text(" ", strip=True),
                       "parts": []}
        elif not element.find(["p", "li", "table"]):  # the innermost blocks only: no text twice
            current["parts"].append(" ".join(element.get_text().split()))  # inline links and numbers joined as shown
    sections.append(current)
    return [{"anchor": s["anchor"], "title": s["title"], "text": " ".join(p for p in s["parts"] if p)}
            for s in sections if s["parts"]]


def fulltext(outdir: Path, pages: list[str], builder) -> list[dict]:
    from bs4 import BeautifulSoup

    found = []
    for docname in pages:
        path = outdir / builder.get_target_uri(docname)
        if not path.exists():
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article.bd-article") or soup.body
        for skipped in article.select(SKIPPED):
            skipped.decompose()
        title = soup.title.get_text().split(" — ")[0] if soup.title else docname
        found.append({"url": builder.get_target_uri(docname), "title": title, "sections": _sections(article)})
    return found


def _write_fulltext(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    text = json.dumps(fulltext(outdir, sorted(app.env.found_docs), app.builder), ensure_ascii=False, separators=(",", ":"))
    (outdir / FULLTEXT_JS).write_text(f"window.BOOK_FULLTEXT = {text};\n", encoding="utf-8")


def setup(app):
    app.connect("build-finished", _write_fulltext, priority=900)  # after the other extensions changed pages
    return {"parallel_read_safe": True, "parallel_write_safe": True}
