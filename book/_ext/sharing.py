"""Sphinx extension of this book: pages ready to share and to index.

sphinxext-opengraph (configured in _config.yml) writes each page's meta description and Open Graph title
and description from the page's own title and first paragraph. Here:
- a page without a paragraph of its own (search, index) is described by the book's and the page's titles;
- the front page's <title> names the book once ("首页 — <book title>": the theme adds the book's title to every
  page's title, which on the front page is the same text);
- ``robots.txt`` allows every page; when a base URL is configured (``html_baseurl``), it names the
  ``sitemap.xml`` written beside it, which lists every page.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape


def _front_page_title_once(app, pagename, templatename, context, doctree) -> None:
    """The front page's title is the book's title, which the theme appends to every page's title: call the
    front page 首页 there, so its <title> reads "首页 — <book title>"."""
    if pagename == app.config.root_doc:
        context["title"] = "首页"


def _description_everywhere(app, pagename, templatename, context, doctree) -> None:
    """Pages without a first paragraph of their own (the search page, the index) still get a description."""
    from html import escape

    if 'name="description"' not in context.get("metatags", ""):
        page = {"search": "全书搜索，查找任何字词、短语或数字", "genindex": "索引"}.get(pagename) or context.get(
            "title", ""
        )
        text = f"{context.get('docstitle', '')}：{page}"
        context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{escape(text)}" />'


def _robots_and_sitemap(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    base = (app.config.html_baseurl or "").rstrip("/")
    robots = "User-agent: *\nAllow: /\n"
    if base:
        pages = sorted(app.env.found_docs)
        urls = "".join(
            f"  <url><loc>{escape(f'{base}/{app.builder.get_target_uri(page)}')}</loc></url>\n" for page in pages
        )
        (outdir / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n",
            encoding="utf-8",
        )
        robots += f"Sitemap: {base}/sitemap.xml\n"
    (outdir / "robots.txt").write_text(robots, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _front_page_title_once)
    app.connect("html-page-context", _description_everywhere, priority=900)  # after sphinxext-opengraph
    app.connect("build-finished", _robots_and_sitemap)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
