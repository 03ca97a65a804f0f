"""Sphinx extension of this book: the audit as data, published beside the HTML pages.

After a successful HTML build, `audit/audit.csv` (UTF-8 with BOM, for Excel) and `audit/audit.json` are
written into the site from the same checks the audit appendix shows (jzreport.audit_checks): one row per
check, with its id, section, claim, stated and recomputed values, verdict, explanation and the data files
read by its group of checks with their sha256. The audit page and the colophon link to them.
"""
from __future__ import annotations

from pathlib import Path

FOLDER = "audit"


def _publish(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        from jzreport import audit_checks

        audit_checks.publish(Path(app.outdir) / FOLDER)


def setup(app):
    app.connect("build-finished", _publish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
