"""How the build shows a `ReportFigure` (jzreport.present.figures): a myst-nb mime renderer plugin (registered in
pyproject.toml under the entry point group `myst_nb.mime_renderers`) and a Sphinx extension (in _config.yml).

Reading a chapter, the plugin keeps the figure's plotly JSON in a `report_figure` node: the doctree is shared by
the HTML and the LaTeX builds. Writing, the post-transform turns the node into what the builder shows:
- HTML: the figure's static SVG images (wide screens, phones), its text alternative and its data
  (jzreport.present.figures.figure_html);
- LaTeX: a PDF image of the figure, in the TrueType font whose text extracts correctly, beside the .tex file.
The images come from the build's one kaleido session, cached by content (jzreport.build.static_images).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from docutils import nodes

from jzreport.present.figures import FIGURE_MIME, figure_html


class report_figure(nodes.General, nodes.Element):
    """A figure of the book, as the notebook displayed it: attributes `spec` (plotly JSON), `label`, `caption`."""


def _stable_svg(svg: str, label: str) -> str:
    """plotly names the SVG's definitions with a random id; the label makes the page's bytes reproducible (each
    trace's own id is set from the label when the figure is made: jzreport.present.figures.report_figure)."""
    uid = re.search(r'id="defs-(\w+)"', svg)
    return svg.replace(uid.group(1), label.replace("-", "")) if uid else svg


class FigureRenderPlugin:
    # The book's figure before every other representation, for every builder.
    mime_priority_overrides = [("*", FIGURE_MIME, 1)]

    @staticmethod
    def handle_mime(renderer, data, inline: bool):
        if inline or data.mime_type != FIGURE_MIME:
            return None
        content = data.content
        return [report_figure("", spec=content["figure"], label=content["label"], caption=content["caption"])]


def _html(node: report_figure) -> nodes.Node:
    from jzreport.build import static_images

    svgs = [
        _stable_svg(static_images.figure_image(node["spec"], "svg", width).decode("utf-8"), node["label"])
        for width in static_images.WIDTHS["svg"]
    ]
    return nodes.raw("", figure_html(node["spec"], node["label"], node["caption"], *svgs), format="html")


def _latex(node: report_figure, outdir: Path) -> nodes.Node:
    from jzreport.build import static_images

    pdf = static_images.figure_image(node["spec"], "pdf")
    name = f"figure-{hashlib.sha256(pdf).hexdigest()[:16]}.pdf"  # beside the .tex file, where XeLaTeX finds it
    (outdir / name).write_bytes(pdf)
    return nodes.image(uri=name, candidates={"*": name}, alt=node["caption"])


def _show_figures(app, doctree, docname) -> None:
    for node in list(doctree.findall(report_figure)):
        if app.builder.format == "html":
            node.replace_self(_html(node))
        elif app.builder.format == "latex":
            node.replace_self(_latex(node, Path(app.outdir)))
        else:
            node.replace_self(nodes.paragraph(text=node["caption"]))


def setup(app):
    app.add_node(report_figure)
    app.connect("doctree-resolved", _show_figures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
