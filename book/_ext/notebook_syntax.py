"""Sphinx extension of this book: the MyST that both the book and JupyterLab understand.

Editors open a chapter in JupyterLab, where jupyterlab-myst renders the Markdown cells; the book is
built by Sphinx with myst-nb. The chapters only use syntax that both render the same way:

- ``{eval}`name``` puts a number computed by the chapter into the prose. In JupyterLab,
  jupyterlab-myst evaluates ``name`` in the kernel after the cells ran; in the book, the build pastes
  the value the chapter glued under the same name (``jzreport.prose.say`` does both: it glues the text
  and binds the name in the kernel), from the cached execution. myst-nb's own ``{eval}`` would need
  inline execution, which has no cache; the book keeps its execution cache.
- ``:::{div}`` with ``:class:`` marks the book's notes (photo notes, table notes, provenance lines,
  figure captions). jupyterlab-myst renders it as formatted text; here a ``div`` around a single
  paragraph gives that paragraph the classes (exactly what ``{.class}`` gave before), anything else
  becomes a container with the classes.
- ``list-table`` accepts ``:enumerated: false``, which stops jupyterlab-myst from prefixing the caption
  with “Table 1:” (the report's own number is in the caption). Sphinx numbers no table here (numfig is
  off), so the option has nothing to change in the book.
"""
from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives.tables import ListTable
from myst_nb.ext.glue.roles import PasteTextRole


class Div(Directive):
    """``:::{div}`` with ``:class:``: the classes go on the single paragraph inside, else on a container."""

    has_content = True
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        holder = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, holder)
        classes = self.options.get("class", [])
        if len(holder.children) == 1 and isinstance(holder[0], nodes.paragraph):
            paragraph = holder[0]
            paragraph["classes"] += classes
            return [paragraph]
        container = nodes.container(classes=classes)
        container += holder.children
        return [container]


class ListTableWithEnumerated(ListTable):
    """Docutils' list-table, also accepting jupyterlab-myst's ``:enumerated:`` (no effect here)."""

    option_spec = {**ListTable.option_spec, "enumerated": directives.unchanged}


def setup(app):
    app.add_role("eval", PasteTextRole(), override=True)
    app.add_directive("div", Div, override=True)
    app.add_directive("list-table", ListTableWithEnumerated, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
