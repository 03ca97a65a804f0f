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
- Every number the report states (a row of reported_facts.csv) that ``{eval}`` puts into the prose links
  to its entry on the page 数字出处 (value, original sentence, data file and row, audit verdict); the
  link is made after reading, when the page's anchors are known (`link_stated_numbers`).
- ``list-table`` accepts ``:enumerated: false``, which stops jupyterlab-myst from prefixing the caption
  with “Table 1:” (the report's own number is in the caption). Sphinx numbers no table here (numfig is
  off), so the option has nothing to change in the book.
"""
from __future__ import annotations

from functools import lru_cache

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives.tables import ListTable
from myst_nb.ext.glue.roles import PasteTextRole
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode


class stated_number(nodes.inline):
    """A number of the prose that the report states: linked to its entry once anchors are known."""


@lru_cache(maxsize=1)
def _stated_keys() -> frozenset[str]:
    """The keys of reported_facts.csv (read with the csv module: pandas would add a third of a second to
    every rebuild of the live preview)."""
    import csv

    from jzreport import paths

    with open(paths.DATA_DIR / "reported_facts.csv", encoding="utf-8-sig", newline="") as handle:
        return frozenset(row["key"] for row in csv.DictReader(handle))


class PastedValueRole(PasteTextRole):
    """``{eval}`name```: the value the chapter glued under `name`; a stated number is marked for its link."""

    def run(self):
        pasted, messages = super().run()
        key = self.text.strip()
        if pasted and key in _stated_keys():
            pasted = [stated_number("", "", *pasted, key=key)]
        return pasted, messages


class link_stated_numbers(SphinxPostTransform):
    """Each stated number becomes a link to its entry on the page 数字出处 (jzreport.number_sources)."""

    default_priority = 5

    def run(self, **kwargs) -> None:
        from jzreport.number_sources import label

        anchors = self.env.domaindata["std"]["anonlabels"]
        for node in list(self.document.findall(stated_number)):
            target = anchors.get(label(node["key"]))
            content = nodes.inline("", "", *node.children) if len(node.children) != 1 else node.children[0]
            if target is None:
                node.replace_self(content)
                continue
            docname, anchor = target
            link = make_refnode(self.app.builder, self.env.docname, docname, anchor, content,
                                title="数字出处：数值、原文、数据行与核查结论")
            link["classes"].append("number-source")
            node.replace_self(link)


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
    app.add_role("eval", PastedValueRole(), override=True)
    app.add_post_transform(link_stated_numbers)
    app.add_directive("div", Div, override=True)
    app.add_directive("list-table", ListTableWithEnumerated, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
