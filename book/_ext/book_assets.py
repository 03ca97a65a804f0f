"""Sphinx extension of this book: plotly.js served locally, and only to pages that draw a figure.

The book's figures use only the bar, pie and scatter trace types, so the site ships plotly.js's
"basic" bundle (1.2 MB, 0.4 MB gzipped, instead of 4.8 MB / 1.5 MB), vendored in
book/_vendor/ with its licence (npm package plotly.js-basic-dist-min, same plotly.js version as
the plotly Python package). A <script> tag is added to the body, not deferred (figure code calls
Plotly.newPlot inline), only of pages whose body contains a plotly figure. Nothing is loaded from
the internet.
"""
from __future__ import annotations

import shutil
from pathlib import Path

# Kept in book/_vendor, not _static: Jupyter Book adds every .js under a static path to every page.
VENDOR_DIR = Path(__file__).resolve().parents[1] / "_vendor"
PLOTLY_JS = "plotly-basic-4.1.1.min.js"


def _add_plotly_to_figure_pages(app, pagename, templatename, context, doctree):
    # The tag goes at the top of the page body: it loads (blocking) before the first figure's inline code.
    body = context.get("body", "")
    if "Plotly.newPlot" in body:
        src = context["pathto"](f"_static/{PLOTLY_JS}", 1)
        context["body"] = f'<script src="{src}"></script>\n' + body


def _is_thebe(script) -> bool:
    text = f"{getattr(script, 'filename', '') or ''} {(getattr(script, 'attributes', None) or {}).get('body', '')}"
    return "thebe" in text.lower()


def _drop_thebe(app, pagename, templatename, context, doctree):
    """Jupyter Book always loads sphinx-thebe (live code from a CDN, declared twice: a page error). The book
    does not offer live code, so its scripts are left out of every page."""
    context["script_files"] = [js for js in context["script_files"] if not _is_thebe(js)]
    context["css_files"] = [css for css in context["css_files"] if "thebe" not in str(getattr(css, "filename", ""))]


def _copy_vendor_files(app, exception):
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        for path in VENDOR_DIR.iterdir():
            shutil.copyfile(path, static / path.name)


def setup(app):
    app.connect("html-page-context", _add_plotly_to_figure_pages)
    app.connect("html-page-context", _drop_thebe)
    app.connect("build-finished", _copy_vendor_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
