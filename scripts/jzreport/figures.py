"""Plotly figures of the book: one style, deterministic HTML, and a static PDF image for the LaTeX build.

`figure_output(fig, label)` returns a display bundle with
- `text/html`: the interactive figure (plotly.js is served once from the book's own _static folder),
- `application/pdf`: a vector image of the same figure, made by kaleido with Debian's chromium,
- `application/vnd.plotly.v1+json`: the figure for JupyterLab, drawn there by plotly's own lab
  extension (the book's `text/html` expects the page to carry plotly.js, which JupyterLab does not),
so the HTML shows the interactive figure, the PDF the static one (myst-nb picks by builder; it skips
the plotly mimetype) and JupyterLab the interactive one.
"""
from __future__ import annotations

import atexit
import base64
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
# The printed book's chart images: Chrome (kaleido) embeds a CJK OpenType font as Type 3 glyphs whose text
# extracts as CJK radicals (女 -> ⼥); a TrueType font is embedded as a CID font with a correct ToUnicode
# map, so the charts' text in the PDF can be searched and copied. Debian: fonts-wqy-microhei.
STATIC_FONT_FAMILY = "WenQuanYi Micro Hei"
PALETTE = ["#1f5fa8", "#e07b24", "#3a9b5b", "#c0392b", "#7b5ea7", "#8c6d31", "#17becf", "#7f7f7f"]
STATIC_WIDTH, STATIC_HEIGHT = 800, 450

pio.templates["jzreport"] = go.layout.Template(
    layout=dict(
        font=dict(family=FONT_FAMILY, size=14, color="#222"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=60, r=20, t=50, b=60),
        xaxis=dict(gridcolor="#e5e5e5", linecolor="#999", automargin=True),
        yaxis=dict(gridcolor="#e5e5e5", linecolor="#999", automargin=True, rangemode="tozero"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        separators=".",
    )
)
pio.templates.default = "jzreport"

def plain_json(obj):
    """The figure's JSON with numpy arrays as plain lists, so the page's data are readable (no base64 typed arrays)."""
    if isinstance(obj, dict) and set(obj) >= {"dtype", "bdata"}:
        array = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=obj["dtype"])
        return plain_json(array.reshape(obj["shape"]) if "shape" in obj else array)
    if isinstance(obj, dict):
        return {key: plain_json(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain_json(value) for value in obj]
    if isinstance(obj, np.ndarray):
        return plain_json(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


_kaleido_started = False


def _static_pdf(fig: go.Figure) -> bytes:
    global _kaleido_started
    import kaleido

    if not _kaleido_started:
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _kaleido_started = True
    static = go.Figure(fig).update_layout(font_family=STATIC_FONT_FAMILY)
    return kaleido.calc_fig_sync(static, opts=dict(format="pdf", width=STATIC_WIDTH, height=STATIC_HEIGHT))


CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["toImage"]}


def figure_html(fig: go.Figure, label: str) -> str:
    return pio.to_html(
        plain_json(fig.to_plotly_json()),
        validate=False,
        include_plotlyjs=False,
        full_html=False,
        div_id=f"plotly-{label}",
        default_width="100%",
        default_height="420px",
        config=CONFIG,
    )


class FigureOutput:
    """Display object: interactive HTML for the web book, vector PDF for the printed book."""

    def __init__(self, fig: go.Figure, label: str):
        self.fig = fig
        self.label = label

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/html": figure_html(self.fig, self.label),
            "application/pdf": base64.b64encode(_static_pdf(self.fig)).decode("ascii"),
            "application/vnd.plotly.v1+json": {**plain_json(self.fig.to_plotly_json()), "config": CONFIG},
            "text/plain": f"<figure {self.label}: {json.dumps([t.type for t in self.fig.data])}>",
        }


def figure_output(fig: go.Figure, label: str) -> FigureOutput:
    return FigureOutput(fig, label)
