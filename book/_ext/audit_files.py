"""Sphinx extension of this book: the audit as data, published beside the HTML pages.

After an HTML build that wrote the audit page, `audit/audit.csv` (UTF-8 with BOM, for Excel) and `audit/audit.json` are
written into the site from the same checks the audit appendix shows (jzreport.audit): one row per check, with
its id and anchor, section, claim, stated and recomputed values, verdict, the values it contradicts, its
explanation, the stated numbers it verifies and those it reads (jzreport.audit.values.Ref ids), and the data
files it read with their sha256. The audit page and the colophon link to them.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = "audit"


AUDIT_PAGE = "chapters/10-audit"


def _note_audit_page(app, pagename, templatename, context, doctree) -> None:
    if pagename == AUDIT_PAGE:
        app._audit_page_written = True


def _publish(app, exception) -> None:
    """Write the files whenever the audit page was written (its data or code changed), or they are missing."""
    folder = Path(app.outdir) / FOLDER
    if (
        exception is None
        and app.builder.format == "html"
        and (getattr(app, "_audit_page_written", False) or not (folder / "audit.json").exists())
    ):
        from edition import package

        from jzreport import audit

        audit.publish(package(app), folder)
    app._audit_page_written = False  # a live preview's next build starts afresh (one Sphinx app, many builds)


def setup(app):
    app.connect("html-page-context", _note_audit_page)
    app.connect("build-finished", _publish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
