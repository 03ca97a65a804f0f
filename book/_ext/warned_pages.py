"""Sphinx extension of this book: a page that warned is read again on the next build.

Sphinx re-reads only pages whose source changed. A build that warned (a broken reference, an unknown
{eval} name) fails, but the page is already in Sphinx's saved environment: run the build again and it
would pass, the warning hidden in the cache. This extension records the pages that warned (in the
doctree folder, beside Sphinx's environment) and names them as outdated on the next build, so the same
warning comes back until the page is fixed.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from docutils import nodes
from sphinx.util.logging import is_suppressed_warning

STATE_FILE = "warned-pages.json"


class WarnedPages(logging.Handler):
    """Collects the document names of the warnings Sphinx logs during a build."""

    def __init__(self, app):
        super().__init__(level=logging.WARNING)
        self.app = app
        self.docnames: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        env = getattr(self.app, "env", None)
        if env is None or is_suppressed_warning(  # "" when not set, as Sphinx's own filter reads them
            getattr(record, "type", ""), getattr(record, "subtype", ""), self.app.config.suppress_warnings
        ):
            return
        docname = self._docname(getattr(record, "location", None), env)
        if docname:
            self.docnames.add(docname)

    @staticmethod
    def _docname(location, env) -> str | None:
        if isinstance(location, tuple):
            location = location[0]
        if isinstance(location, nodes.Node):
            location = location.source or ""
        if isinstance(location, str) and location:
            if location in env.all_docs or location in env.found_docs:
                return location
            path = location.split(":", 1)[0]
            return env.path2doc(path) if Path(path).is_absolute() else None
        return env.temp_data.get("docname")


def _state_path(app) -> Path:
    return Path(app.doctreedir) / STATE_FILE


def _previously_warned(app, env, added, changed, removed) -> list[str]:
    path = _state_path(app)
    if not path.exists():
        return []
    return [name for name in json.loads(path.read_text(encoding="utf-8")) if name in env.found_docs]


def _record(app, exception) -> None:
    handler: WarnedPages = app._warned_pages
    path = _state_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sorted(handler.docnames), ensure_ascii=False), encoding="utf-8")
    handler.docnames.clear()  # the next build (a live preview's, in the same application) records its own


def setup(app):
    handler = WarnedPages(app)
    app._warned_pages = handler
    logging.getLogger("sphinx").addHandler(handler)
    app.connect("env-get-outdated", _previously_warned)
    app.connect("build-finished", _record)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
