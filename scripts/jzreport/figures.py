"""Plotly figures of the book: one style, deterministic HTML, and a static PDF image for the LaTeX build.

`figure_output(fig, label, caption)` returns a display bundle with
- `text/html`: the figure as a static SVG image of itself (made by kaleido, with a text alternative that
  says what it shows), which a reader on a phone sees at once, and the figure's data; a button makes it
  interactive, and only then does the page load plotly.js (book/_vendor/lazy-figures.js),
- `application/pdf`: a vector image of the same figure, made by kaleido with Debian's chromium,
- `application/vnd.plotly.v1+json`: the figure for JupyterLab, drawn there by plotly's own lab
  extension (the book's `text/html` expects the page to carry plotly.js, which JupyterLab does not),
so the HTML shows the interactive figure, the PDF the static one (myst-nb picks by builder; it skips
the plotly mimetype) and JupyterLab the interactive one.
"""
from __future__ import annotations

import atexit
import base64
import html
import json
import re
from urllib.parse import quote

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


def _kaleido_image(fig: go.Figure, fmt: str, font_family: str) -> bytes:
    global _kaleido_started
    import kaleido

    if not _kaleido_started:
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _kaleido_started = True
    static = go.Figure(fig).update_layout(font_family=font_family)
    return kaleido.calc_fig_sync(static, opts=dict(format=fmt, width=STATIC_WIDTH, height=_height(fig)))


def _height(fig: go.Figure) -> int:
    return int(fig.layout.height or STATIC_HEIGHT)


def _static_pdf(fig: go.Figure) -> bytes:
    return _kaleido_image(fig, "pdf", STATIC_FONT_FAMILY)


def static_svg(fig: go.Figure, label: str) -> str:
    """The figure as SVG for the web page, its random plotly ids replaced by the label (stable bytes)."""
    svg = _kaleido_image(fig, "svg", FONT_FAMILY).decode("utf-8")
    uid = re.search(r'id="defs-(\w+)"', svg)
    return svg.replace(uid.group(1), label.replace("-", "")) if uid else svg


CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["toImage"]}
_KIND = {"bar": "柱", "pie": "饼图", "scatter": "折线"}


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def describe(fig: go.Figure, caption: str) -> str:
    """A text alternative for the figure: its caption, then every trace's data as category–value pairs."""
    parts = []
    for trace in plain_json(fig.to_plotly_json())["data"]:
        if trace["type"] == "pie":
            pairs = zip(trace.get("labels", []), trace.get("values", []))
        elif trace.get("orientation") == "h":
            pairs = zip(trace.get("y", []), trace.get("x", []))
        else:
            pairs = zip(trace.get("x", []), trace.get("y", []))
        values = "、".join(f"{_number(k)} {_number(v)}" for k, v in pairs)
        parts.append(f"{trace.get('name') or _KIND.get(trace['type'], trace['type'])}：{values}")
    return f"{caption}。数据——" + "；".join(parts) + "。"


def figure_html(fig: go.Figure, label: str, caption: str) -> str:
    """The figure for the web page: a static SVG image with a text alternative, a button that makes it
    interactive, and the figure's data (plotly's JSON) for that, read by book/_vendor/lazy-figures.js."""
    spec = plain_json(fig.to_plotly_json())
    data = json.dumps({"data": spec["data"], "layout": spec.get("layout", {}), "config": CONFIG},
                      ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    image = "data:image/svg+xml," + quote(static_svg(fig, label), safe="=:/;,.-_()'")
    height = _height(fig)
    return (f'<div class="lazy-figure" data-figure="plotly-{label}">\n'
            f'<img class="lazy-figure-image" src="{html.escape(image)}" alt="{html.escape(describe(fig, caption))}" '
            f'width="{STATIC_WIDTH}" height="{height}">\n'
            '<button type="button" class="lazy-figure-start">查看交互图（缩放、查看各项数值）</button>\n'
            f'<div id="plotly-{label}" class="lazy-figure-plot" style="height:{height}px" hidden></div>\n'
            f'<script type="application/json" class="lazy-figure-data">{data}</script>\n</div>')


class FigureOutput:
    """Display object: interactive HTML for the web book, vector PDF for the printed book."""

    def __init__(self, fig: go.Figure, label: str, caption: str):
        self.fig = fig
        self.label = label
        self.caption = caption

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/html": figure_html(self.fig, self.label, self.caption),
            "application/pdf": base64.b64encode(_static_pdf(self.fig)).decode("ascii"),
            "application/vnd.plotly.v1+json": {**plain_json(self.fig.to_plotly_json()), "config": CONFIG},
            "text/plain": f"<figure {self.label}: {json.dumps([t.type for t in self.fig.data])}>",
        }


def figure_output(fig: go.Figure, label: str, caption: str) -> FigureOutput:
    return FigureOutput(fig, label, caption)
