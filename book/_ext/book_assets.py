"""Sphinx extension of this book: serve plotly.js locally, and only to pages that draw a figure.

plotly.js ships inside the plotly Python package; it is copied once into the built site's _static
folder, and a <script> tag is added (not deferred: figure code calls Plotly.newPlot inline) to the
pages whose body contains a plotly figure. Nothing is loaded from the internet.
"""
from __future__ import annotations

import shutil
from pathlib import Path

PLOTLY_JS = "plotly.min.js"


def _plotly_source() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / PLOTLY_JS


def _add_plotly_to_figure_pages(app, pagename, templatename, context, doctree):
    if "Plotly.newPlot" in context.get("body", ""):
        from sphinx.builders.html._assets import _JavaScript

        context["script_files"] = list(context["script_files"]) + [_JavaScript(f"_static/{PLOTLY_JS}")]


def _copy_plotly(app, exception):
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / PLOTLY_JS
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_plotly_source(), target)


def setup(app):
    app.connect("html-page-context", _add_plotly_to_figure_pages)
    app.connect("build-finished", _copy_plotly)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
