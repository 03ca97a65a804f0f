"""Sphinx extension of this book: each chapter's executed notebook in the page's download menu.

sphinx-book-theme's download menu (`use_download_button`) offers `.ipynb` beside `.md` and `.pdf` when the page's
context names a notebook under `_sources/` (`ipynb_source`, read by header_buttons.add_header_buttons at
priority 501). The theme sets it only when launch buttons are configured, and then copies myst-nb's notebook
from jupyter_execute/, which has no outputs when the execution came from the cache. Here, before the theme
builds the menu, every notebook page gets its notebook as the book executed it, outputs included
(jzreport.build.executed_notebooks), written to `_sources/<page>.ipynb` and named in `ipynb_source`; it is published
with the site and listed in SHA256SUMS.
"""

from __future__ import annotations

from pathlib import Path

from edition import package
from sphinx.util import logging

from jzreport.build import cache, executed_notebooks

logger = logging.getLogger(__name__)
BEFORE_THE_THEME = 500  # the theme builds its download menu at 501


def _offer_notebook(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html" or doctree is None or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    chapter = Path(app.env.doc2path(pagename))  # a notebook of the book (it has a kernelspec): has it code?
    content = executed_notebooks.for_download(
        package(app), Path(app.env.mystnb_config.execution_cache_path), chapter, cache.has_code(chapter)
    )
    if content is None:
        logger.warning(
            f"{pagename}: 执行缓存中没有本章的执行结果，无法提供 .ipynb 下载 (no execution of this chapter in the cache: "
            f"no .ipynb to offer)",
            location=pagename,
        )
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    app.connect("html-page-context", _offer_notebook, priority=BEFORE_THE_THEME)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
