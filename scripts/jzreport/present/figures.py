"""Figures of the report: `ReportFigure`, the counterpart of `tables.ReportTable`.

A chapter builds a plotly figure from its data and shows it with `report_figure(fig, label, caption, source)`.
A chart writes its numbers as the tables print them: each trace carries its numbers as text labels made by
`labels` (a count as a whole number, a number with the decimal places its schema fixes, as
jzreport.present.tables.format_cell prints it), drawn on its bars, slices or points (or only shown on hover) and never
formatted by plotly itself; `report_figure` checks this and makes the hover text show the same labels.
The figure is displayed as two outputs:
- the figure: its plotly JSON under the book's own mimetype (FIGURE_MIME), which the build renders
  (jzreport.build.figure_rendering: a static SVG image with a text alternative and the data for the interactive
  figure in the HTML, a PDF image in the printed book, both made once per build by jzreport.build.static_images),
  and plotly's own mimetype, which JupyterLab draws interactively;
- its caption, editor's note and provenance line as MyST, exactly as a table's (ReportTable.to_myst).
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from IPython.display import Markdown, display

from jzreport.datapackage.load import DataPackage
from jzreport.present import markup, provenance
from jzreport.present.displays import Display

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


def labels(
    values,
    package: DataPackage | None = None,
    source: str | None = None,
    *,
    decimals: int | None = None,
    unit: str = "",
) -> list[str]:
    """The numbers `values` as a chart writes them (on its bars, slices and points, and on hover): as the book's
    tables print them (jzreport.present.tables.format_cell), a count as a whole number (74, not 74.0) and a number with
    the decimal places its schema fixes: `decimals`, else those of the column `values.name` (a pandas Series'
    name) in the data file `source`. `unit` follows each number: labels(rates, unit="%")."""
    from jzreport.present.tables import format_cell, schema_decimals

    name = getattr(values, "name", None)
    if decimals is None and source is not None and package is not None and isinstance(name, str):
        decimals = schema_decimals(package, source).get(name)
    return [format_cell(value.item() if hasattr(value, "item") else value, decimals) + unit for value in values]


def _axes(trace) -> tuple[str, str]:
    """(category, value) keys of a trace's data: labels and values for a pie, else y and x for a horizontal bar,
    x and y otherwise."""
    if trace["type"] == "pie":
        return "labels", "values"
    return ("y", "x") if trace.get("orientation") == "h" else ("x", "y")


def _plain(text) -> str:
    return str(text).replace("<br>", " ")


def describe(spec: dict, caption: str) -> str:
    """A text alternative for the figure: its caption, then every trace's data as category–label pairs (the
    numbers as the chart writes them)."""
    parts = []
    for trace in spec["data"]:
        category, value = _axes(trace)
        shown = trace.get("text")
        shown = [shown] if isinstance(shown, str) else shown or trace.get(value, [])
        pairs = "、".join(f"{_plain(k)} {_plain(v)}" for k, v in zip(trace.get(category, []), shown))
        parts.append(f"{trace.get('name') or _KIND.get(trace['type'], trace['type'])}：{pairs}")
    return f"{caption}。数据——" + "；".join(parts) + "。"


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml," + quote(svg, safe="=:/;,.-_()'")


def figure_html(spec: dict, label: str, caption: str, svg: str, phone_svg: str) -> str:
    """The figure on the web page: its static SVG image (on a phone, the one laid out for a phone's width) with a
    text alternative, a button that makes it interactive, and the figure's data (plotly's JSON) for that, read by
    book/_vendor/lazy-figures.js."""
    from jzreport.present.figure_style import CONFIG, PHONE_MEDIA, PHONE_WIDTH, STATIC_WIDTH, height_of

    payload = json.dumps(
        {"data": spec["data"], "layout": spec.get("layout", {}), "config": CONFIG},
        ensure_ascii=False,
        separators=(",", ":"),
    ).replace("</", "<\\/")
    height = height_of(spec)
    return (
        f'<div class="lazy-figure" data-figure="plotly-{label}">\n<picture>'
        f'<source media="{PHONE_MEDIA}" srcset="{html.escape(_svg_uri(phone_svg))}" '
        f'width="{PHONE_WIDTH}" height="{height}">\n'
        f'<img class="lazy-figure-image" src="{html.escape(_svg_uri(svg))}" alt="{html.escape(describe(spec, caption))}" '
        f'width="{STATIC_WIDTH}" height="{height}"></picture>\n'
        '<button type="button" class="lazy-figure-start">查看交互图（缩放、查看各项数值）</button>\n'
        f'<div id="plotly-{label}" class="lazy-figure-plot" style="height:{height}px" hidden></div>\n'
        f'<script type="application/json" class="lazy-figure-data">{payload}</script>\n</div>'
    )


@dataclass
class ReportFigure:
    """A figure of the report (or of the book, drawn from a report table): the plotly figure with its label,
    caption, data files and place in the report."""

    package: DataPackage = field(repr=False, compare=False)
    fig: go.Figure
    display: Display
    note: str | None = None

    @property
    def label(self) -> str:
        return self.display.label

    @property
    def caption(self) -> str:
        return self.display.caption

    @property
    def in_report(self) -> bool:
        """Whether the report has this figure (its caption is then the report's: "图 42 …"); a figure the book
        draws on its own has a caption of the book's words."""
        return bool(self.display.report_number)

    def spec(self) -> dict:
        """The figure as plain plotly JSON (data and layout)."""
        return plain_json(self.fig.to_plotly_json())

    def figure_bundle(self) -> dict:
        from jzreport.present.figure_style import CONFIG

        spec = self.spec()
        return {
            FIGURE_MIME: {"label": self.label, "caption": self.caption, "figure": spec},
            PLOTLY_MIME: {**spec, "config": CONFIG},
            "text/plain": f"<figure {self.label}: {json.dumps([t['type'] for t in spec['data']])}>",
        }

    def to_myst(self) -> str:
        """Anchor, caption, editor's note and provenance line, as MyST (shown under the figure)."""
        lines = [f"({self.label})=", markup.note("figure-caption", self.caption, book=not self.in_report), ""]
        if self.note:
            lines += [markup.note("table-note", f"编者注：{self.note}"), ""]
        lines.append(markup.note("provenance", provenance.line(self.package, self.display.data, self.display.source)))
        return "\n".join(lines)

    def _ipython_display_(self) -> None:
        display(self.figure_bundle(), raw=True)
        display(Markdown(self.to_myst()))


def show_figure(package: DataPackage, fig: go.Figure, display: Display, *, note: str | None = None) -> ReportFigure:
    """A figure as its description says (jzreport.present.displays: caption, anchor, data, place in the report), in
    the book's style (jzreport.present.figure_style); display it to show it."""
    from jzreport.present.figure_style import TEMPLATE

    label = display.label
    for number, trace in enumerate(fig.data):
        plain = trace.to_plotly_json()
        _check_labels(plain, label)
        if trace.hovertemplate is None:
            trace.hovertemplate = _hover(plain)
        if trace.uid is None:
            # plotly.js gives a trace without uid a random one, which its SVG image carries in class names: an id
            # from the label makes the image's bytes the same in every build.
            trace.uid = f"{label}-{number}"
    return ReportFigure(package, fig.update_layout(template=TEMPLATE), display, note=note)


def _check_labels(trace: dict, label: str) -> None:
    """A chart's numbers are the book's labels: a trace carries one text label per data point (strings made by
    `labels`), and neither its templates nor a pie's textinfo ask plotly to format a number itself."""
    category, value = _axes(trace)
    text = trace.get("text")
    text = [text] if isinstance(text, str) else list(text if text is not None else [])
    problem = None
    if len(text) != len(trace.get(category, trace.get(value, []))) or not all(isinstance(t, str) for t in text):
        problem = f"每个数据点要有一个 labels() 写成的文字 (text must be one string from labels() per point: {text!r})"
    for option in ("texttemplate", "hovertemplate"):
        template = str(trace.get(option) or "")
        if any(code in template for code in ("%{value", "%{percent", "%{" + value)):
            problem = f"{option} 让 plotly 格式化数字，请用 %{{text}} (asks plotly to format a number: {template!r})"
    shown = set(str(trace.get("textinfo", "percent")).split("+"))
    if trace["type"] == "pie" and "texttemplate" not in trace and not shown <= {"label", "text", "none"}:
        problem = f"饼图的 textinfo 让 plotly 写数字 (a pie's textinfo draws plotly's numbers: {'+'.join(shown)})"
    if problem:
        raise ValueError(f"图 {label}，{trace['type']}“{trace.get('name', '')}”：{problem}")


def _hover(trace: dict) -> str:
    """The hover text of a trace that has no template of its own: its category and its label, as drawn."""
    name = "%{fullData.name}" if trace.get("name") else ""
    return "%{" + ("label" if trace["type"] == "pie" else _axes(trace)[0]) + "}：%{text}<extra>" + name + "</extra>"
