"""Sphinx extension of this book: valid, accessible markup for the folded code cells.

myst-nb writes each folded cell's toggle as ``<summary aria-label="Toggle hidden content"><p …>显示计算代码</p>
<p …>隐藏计算代码</p></summary>``: a ``<p>`` is not allowed in ``<summary>`` (the Nu Html Checker reports
it on every chapter), and the English accessible name differs from the visible Chinese label (WCAG 2.5.3,
label in name). Here the labels are ``<span>`` elements and the summary has no aria-label, so its
accessible name is the label it shows; book.css gives the spans the look myst-nb gives the paragraphs.
"""

from __future__ import annotations

from html import escape

from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput


def visit_folded_cell(self, node) -> None:
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<span class="collapsed admonition-title">{escape(node["prompt_show"])}</span>\n')
    self.body.append(f'<span class="expanded admonition-title">{escape(node["prompt_hide"])}</span>\n')
    self.body.append("</summary>\n")


def setup(app):
    app.add_node(HideCodeCellNode, override=True, html=(visit_folded_cell, depart_HideCellInput))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
