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

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from lxml.html import HtmlElement

FULLTEXT_JS = Path("_static") / "fulltext.js"
KNOWN_PAGES = "fulltext-pages.json"  # in Sphinx's doctree folder: the sections of each page read, by its sha256
SKIPPED_TAGS = {"script", "style", "nav"}
SKIPPED_CLASSES = {"cell_input", "lazy-figure-data", "headerlink", "lazy-figure-start", "prev-next-area"}
HEADINGS = {"h1", "h2", "h3", "h4"}
BLOCKS = ("p", "li", "td", "th", "caption", "dt", "dd")


def _words(element) -> str:
    """The element's text as shown: inline links and numbers joined, whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())


def _drop_skipped(article) -> None:
    for element in list(article.iter()):
        if element.getparent() is not None and (
            element.tag in SKIPPED_TAGS or SKIPPED_CLASSES & set(element.get("class", "").split())
        ):
            element.drop_tree()


@dataclass
class _Section:
    """A section of a page as the search reads it: its heading's anchor and title, its blocks' text."""

    anchor: str = ""
    title: str = ""
    parts: list[str] = field(default_factory=list)


def _sections(article) -> list[dict]:
    """The article as sections (heading anchor, title, text), in reading order."""
    sections, current = [], _Section()
    for element in article.iter(*HEADINGS, *BLOCKS):
        if element.tag in HEADINGS:
            sections.append(current)
            section = next(element.iterancestors("section"), None)
            title = " ".join(text.strip() for text in element.itertext() if text.strip())
            current = _Section(section.get("id", "") if section is not None else "", title)
        elif not element.xpath(".//p|.//li|.//table"):  # the innermost blocks only: no text twice
            current.parts.append(_words(element))
    sections.append(current)
    return [
        {"anchor": s.anchor, "title": s.title, "text": " ".join(p for p in s.parts if p)}
        for s in sections
        if s.parts or s.title  # a heading is found too, also one with no text of its own under it
    ]


def _page_sections(content: bytes) -> tuple[str | None, list[dict]]:
    """A written page's title and sections, read with lxml (a tenth of the time BeautifulSoup takes)."""
    import lxml.html

    page = lxml.html.fromstring(content)
    # this XPath selects elements, so its result is a list of them (the stubs allow any XPath's result)
    articles = cast("list[HtmlElement]", page.xpath("//article[contains(concat(' ', @class, ' '), ' bd-article ')]"))
    article = next(iter(articles), None)
    article = article if article is not None else page.find("body")
    _drop_skipped(article)
    return page.findtext(".//title"), _sections(article)


def fulltext(outdir: Path, pages: list[str], builder, known: dict[str, list] | None = None) -> list[dict]:
    """Every page's sections. `known` (a page's sha256 -> its title and sections) holds the pages read by the last
    build: a rebuild reads again only the pages it wrote, not every page of the book. On return it holds the
    pages as they are now."""
    before = dict(known or {})
    known = {} if known is None else known
    known.clear()
    found = []
    for docname in pages:
        path = outdir / builder.get_target_uri(docname)
        if not path.exists():
            continue
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        title, sections = known[digest] = before.get(digest) or list(_page_sections(content))
        found.append(
            {
                "url": builder.get_target_uri(docname),
                "title": title.split(" — ")[0] if title else docname,
                "sections": sections,
            }
        )
    return found


def _write_fulltext(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    # Beside Sphinx's saved pages: dropped with them when the book's extensions change (jzreport.build.cache).
    read_before = Path(app.doctreedir) / KNOWN_PAGES
    known = json.loads(read_before.read_text(encoding="utf-8")) if read_before.exists() else {}
    text = json.dumps(
        fulltext(outdir, sorted(app.env.found_docs), app.builder, known), ensure_ascii=False, separators=(",", ":")
    )
    (outdir / FULLTEXT_JS).write_text(f"window.BOOK_FULLTEXT = {text};\n", encoding="utf-8")
    read_before.write_text(json.dumps(known, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _no_sphinx_index(app) -> None:
    """Sphinx's own search index (searchindex.js, jieba's segments) is read by no page of this book: not built
    (it was about 3 s of every clean build). The search page is still written: its template is the book's."""
    builder = app.builder
    if builder.format != "html" or not getattr(builder, "search", False):
        return
    prepare_writing = builder.prepare_writing

    def prepare_writing_without_index(docnames) -> None:
        builder.search = False  # no IndexBuilder: pages are not fed to an index, and none is dumped
        try:
            prepare_writing(docnames)
        finally:
            builder.search = True  # the search page is generated with the other additional pages

    builder.prepare_writing = prepare_writing_without_index


def setup(app):
    app.connect("builder-inited", _no_sphinx_index)
    app.connect("build-finished", _write_fulltext, priority=900)  # after the other extensions changed pages
    return {"parallel_read_safe": True, "parallel_write_safe": True}
