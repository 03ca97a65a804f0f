"""Figures of the report: `ReportFigure`, the counterpart of `tables.ReportTable`.

A chapter builds a plotly figure from its data and shows it with `report_figure(fig, label, caption, source)`.
The figure is displayed as two outputs:
- the figure: its plotly JSON under the book's own mimetype (FIGURE_MIME), which the build renders
  (jzreport.figure_rendering: a static SVG image with a text alternative and the data for the interactive
  figure in the HTML, a PDF image in the printed book, both made once per build by jzreport.static_images),
  and plotly's own mimetype, which JupyterLab draws interactively;
- its caption, editor's note and provenance line as MyST, exactly as a table's (ReportTable.to_myst).
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from IPython.display import Markdown, display

from . import markup, provenance

if TYPE_CHECKING:  # plotly is imported by the chapters that draw, not by every chapter's first cell
    import plotly.graph_objects as go

FIGURE_MIME = "application/vnd.jzreport.figure+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
_KIND = {"bar": "柱", "pie": "饼图", "scatter": "折线"}


def plain_json(obj):
    """The figure's JSON with numpy arrays as plain lists, so the page's data are readable (no base64 typed arrays)."""
    import numpy as np

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


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def describe(spec: dict, caption: str) -> str:
    """A text alternative for the figure: its caption, then every trace's data as category–value pairs."""
    parts = []
    for trace in spec["data"]:
        if trace["type"] == "pie":
            pairs = zip(trace.get("labels", []), trace.get("values", []))
        elif trace.get("orientation") == "h":
            pairs = zip(trace.get("y", []), trace.get("x", []))
        else:
            pairs = zip(trace.get("x", []), trace.get("y", []))
        values = "、".join(f"{_number(k)} {_number(v)}" for k, v in pairs)
        parts.append(f"{trace.get('name') or _KIND.get(trace['type'], trace['type'])}：{values}")
    return f"{caption}。数据——" + "；".join(parts) + "。"


def figure_html(spec: dict, label: str, caption: str, svg: str) -> str:
    """The figure on the web page: its static SVG image with a text alternative, a button that makes it
    interactive, and the figure's data (plotly's JSON) for that, read by book/_vendor/lazy-figures.js."""
    from .figure_style import CONFIG, STATIC_WIDTH, height_of

    payload = json.dumps(
        {"data": spec["data"], "layout": spec.get("layout", {}), "config": CONFIG},
        ensure_ascii=False,
        separators=(",", ":"),
    ).replace("</", "<\\/")
    image = "data:image/svg+xml," + quote(svg, safe="=:/;,.-_()'")
    height = height_of(spec)
    return (
        f'<div class="lazy-figure" data-figure="plotly-{label}">\n'
        f'<img class="lazy-figure-image" src="{html.escape(image)}" alt="{html.escape(describe(spec, caption))}" '
        f'width="{STATIC_WIDTH}" height="{height}">\n'
        '<button type="button" class="lazy-figure-start">查看交互图（缩放、查看各项数值）</button>\n'
        f'<div id="plotly-{label}" class="lazy-figure-plot" style="height:{height}px" hidden></div>\n'
        f'<script type="application/json" class="lazy-figure-data">{payload}</script>\n</div>'
    )


@dataclass
class ReportFigure:
    """A figure of the report (or of the book, drawn from a report table): the plotly figure with its label,
    caption, data files and place in the report."""

    fig: go.Figure
    label: str
    caption: str
    sources: list[str]
    report_ref: str | None = None
    note: str | None = None

    def spec(self) -> dict:
        """The figure as plain plotly JSON (data and layout)."""
        return plain_json(self.fig.to_plotly_json())

    def figure_bundle(self) -> dict:
        from .figure_style import CONFIG

        spec = self.spec()
        return {
            FIGURE_MIME: {"label": self.label, "caption": self.caption, "figure": spec},
            PLOTLY_MIME: {**spec, "config": CONFIG},
            "text/plain": f"<figure {self.label}: {json.dumps([t['type'] for t in spec['data']])}>",
        }

    def to_myst(self) -> str:
        """Anchor, caption, editor's note and provenance line, as MyST (shown under the figure)."""
        lines = [f"({self.label})=", markup.note("figure-caption", self.caption), ""]
        if self.note:
            lines += [markup.note("table-note", f"编者注：{self.note}"), ""]
        lines.append(markup.note("provenance", provenance.line(self.sources, report_ref=self.report_ref)))
        return "\n".join(lines)

    def _ipython_display_(self) -> None:
        display(self.figure_bundle(), raw=True)
        display(Markdown(self.to_myst()))


def report_figure(
    fig: go.Figure,
    label: str,
    caption: str,
    source: str | list[str],
    *,
    report_ref: str | None = None,
    note: str | None = None,
) -> ReportFigure:
    """A report figure drawn from the data file(s) `source`, in the book's style (jzreport.figure_style); display
    it to show it."""
    from .figure_style import TEMPLATE

    sources = [source] if isinstance(source, str) else list(source)
    for number, trace in enumerate(fig.data):
        if trace.uid is None:
            # plotly.js gives a trace without uid a random one, which its SVG image carries in class names: an id
            # from the label makes the image's bytes the same in every build.
            trace.uid = f"{label}-{number}"
    return ReportFigure(fig.update_layout(template=TEMPLATE), label, caption, sources, report_ref=report_ref, note=note)
