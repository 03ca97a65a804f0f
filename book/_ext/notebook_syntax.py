"""Sphinx extension of this book: the MyST that both the book and JupyterLab understand.

Editors open a chapter in JupyterLab, where jupyterlab-myst renders the Markdown cells; the book is
built by Sphinx with myst-nb. The chapters only use syntax that both render the same way:

- ``{eval}`name``` puts a number computed by the chapter into the prose. In JupyterLab,
  jupyterlab-myst evaluates ``name`` in the kernel after the cells ran; in the book, the build pastes
  the value the chapter glued under the same name (``jzreport.present.prose.say`` does both: it glues the text
  and binds the name in the kernel), from the cached execution. A number the report states (a key of
  reported_facts.csv) is pasted from that file as printed (``bind_stated_facts`` binds the keys in the
  kernel for JupyterLab). myst-nb's own ``{eval}`` would need
  inline execution, which has no cache; the book keeps its execution cache.
- ``:::{div}`` with ``:class:`` marks the book's notes (photo notes, table notes, provenance lines,
  figure captions). jupyterlab-myst renders it as formatted text; here a ``div`` around a single
  paragraph gives that paragraph the classes (exactly what ``{.class}`` gave before), anything else
  becomes a container with the classes.
- Every number ``{eval}`` puts into the prose links to its entry on the page 数字出处: a number the report
  states (a row of reported_facts.csv) to its stated entry (value, original sentence, data row, audit
  verdict), a number the chapter computed to the entry of its trace (computed_numbers.py). The links are
  made after reading, when the anchors are known (`link_numbers`). A cell of a table made by code links
  the same way when its text is a Markdown link to ``#number-<name>``.
- The book's own glosses inside the report's text are written in 〔〕 (〔即本书表 1〕); each becomes an inline
  with the class ``book-words``, the one style of the book's words (book.css, jzbook.sty), explained on the
  front page. In JupyterLab the brackets alone mark them.
- ``{check}`A1-06``` in the audit's tables gives each check its own anchor (audit-a1-06), the target of every
  verdict shown beside a number.
- ``list-table`` accepts ``:enumerated: false``, which stops jupyterlab-myst from prefixing the caption
  with “Table 1:” (the report's own number is in the caption). Sphinx numbers no table here (numfig is
  off), so the option has nothing to change in the book.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives.tables import ListTable
from myst_nb.ext.glue.roles import PasteTextRole
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode


class stated_number(nodes.inline):
    """A number of the prose that the report states: linked to its entry once anchors are known."""


class computed_number(nodes.inline):
    """A number of the prose that the chapter computed (it has a trace): linked to its trace's entry."""


NUMBER_LINK = "#number-"


def _stated(env) -> dict[str, dict]:
    """The rows of reported_facts.csv by key (read once per build)."""
    from computed_numbers import read_stated
    from edition import package

    if not hasattr(env.app, "jzreport_stated"):
        env.app.jzreport_stated = read_stated(package(env.app).folder)
    return env.app.jzreport_stated


def _stated_keys(env) -> frozenset[str]:
    return frozenset(_stated(env))


def _stated_text(env, key: str) -> str:
    """A stated number as the report prints it (the `value` column)."""
    return _stated(env)[key]["value"]


def _has_trace(document, key: str) -> bool:
    """Whether the page's notebook glued a trace for `key`: asked of the notebook while it is being read
    (a role), of the keys myst-nb recorded for the page afterwards (a transform)."""
    from myst_nb.core.variables import RetrievalError
    from myst_nb.ext.glue.utils import retrieve_glue_data
    from myst_nb.sphinx_ import NbMetadataCollector

    from jzreport.present.prose import TRACE_SUFFIX

    if "nb_renderer" in document:
        try:
            retrieve_glue_data(document, key + TRACE_SUFFIX)
        except RetrievalError:
            return False
        return True
    env = document.settings.env
    return key + TRACE_SUFFIX in NbMetadataCollector.get_doc_data(env).get(env.docname, {}).get("glue", [])


def _number_node(document, key: str, children: list[nodes.Node]) -> nodes.Node | None:
    """The children marked as the stated or computed number `key`, or None if it is neither."""
    if key in _stated_keys(document.settings.env):
        return stated_number("", "", *children, key=key)
    if _has_trace(document, key):
        return computed_number("", "", *children, key=key)
    return None


class PastedValueRole(PasteTextRole):
    """``{eval}`name```: a number the report states (a key of reported_facts.csv), as printed there; else the
    value the chapter glued under `name`. Marked for its link to 数字出处."""

    def run(self):
        key = self.text.strip()
        env = self.document.settings.env
        if key in _stated_keys(env):
            text = _stated_text(env, key)
            pasted = nodes.inline(text, text, classes=["pasted-text"])
            self.set_source_info(pasted)
            return [stated_number("", "", pasted, key=key)], []
        pasted, messages = super().run()
        marked = _number_node(self.document, self.text.strip(), pasted) if pasted else None
        return ([marked] if marked else pasted), messages


class mark_number_links(SphinxTransform):
    """A link to ``#number-<name>`` (a table cell written by code) marks its text as the number `name`."""

    default_priority = 700  # before myst-parser resolves local links (879)

    def apply(self, **kwargs) -> None:
        for reference in list(self.document.findall(nodes.reference)):
            uri = reference.get("refuri", "")
            if uri.startswith(NUMBER_LINK):
                key = uri.removeprefix(NUMBER_LINK)
                marked = _number_node(self.document, key, list(reference.children))
                if marked is None:
                    raise ValueError(
                        f"{self.env.docname}: 表格中的数字链接 {uri} 没有对应的数字 (no number {key!r} glued)"
                    )
                reference.replace_self(marked)


class link_numbers(SphinxPostTransform):
    """Each marked number becomes a link to its entry on the page 数字出处; in the PDF it stays plain text."""

    default_priority = 5

    def run(self, **kwargs) -> None:
        from computed_numbers import NUMBERS_PAGE, calc_label, use_label

        from jzreport.audit.number_entries import label

        anchors = self.env.domaindata["std"]["anonlabels"]
        html = self.app.builder.format == "html"
        used = set()
        numbers = [n for n in self.document.findall(nodes.inline) if isinstance(n, (stated_number, computed_number))]
        for node in numbers:
            content = nodes.inline("", "", *node.children) if len(node.children) != 1 else node.children[0]
            if isinstance(node, stated_number):
                target = anchors.get(label(node["key"]))
            else:
                target = (NUMBERS_PAGE, calc_label(self.env.docname, node["key"])) if html else None
            if target is None:
                node.replace_self(content)
                continue
            docname, anchor = target
            link = make_refnode(
                self.app.builder,
                self.env.docname,
                docname,
                anchor,
                content,
                title="数字出处：数值、原文、数据行与核查结论",
            )
            link["classes"].append("number-source")
            if isinstance(node, computed_number) and node["key"] not in used:
                used.add(node["key"])
                link["ids"].append(use_label(node["key"]))
            node.replace_self(link)


BOOK_GLOSS = re.compile(r"〔[^〔〕]*〕")


class mark_book_glosses(SphinxTransform):
    """Each 〔…〕 in running text becomes an inline of class ``book-words`` (the book's own words)."""

    default_priority = 700

    def apply(self, **kwargs) -> None:
        for text in list(self.document.findall(nodes.Text)):
            if "〔" not in text or isinstance(text.parent, (nodes.literal, nodes.literal_block, nodes.raw)):
                continue
            source, start = str(text), 0
            parts: list[nodes.Node] = []
            for match in BOOK_GLOSS.finditer(source):
                if match.start() > start:
                    parts.append(nodes.Text(source[start : match.start()]))
                parts.append(nodes.inline(match.group(), match.group(), classes=["book-words"]))
                start = match.end()
            if not parts:
                continue
            if start < len(source):
                parts.append(nodes.Text(source[start:]))
            parent = text.parent
            index = parent.index(text)
            parent.remove(text)
            for offset, part in enumerate(parts):
                parent.insert(index + offset, part)


def check_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{check}`A1-06```: the id of an audit check, shown as text, with the check's own anchor (audit-a1-06) that
    the verdicts beside numbers link to (jzreport.audit.traces)."""
    from jzreport.audit.ledger import anchor_of

    ident = text.strip()
    anchor = anchor_of(ident)
    target = nodes.target("", "", ids=[anchor], names=[anchor])
    inliner.document.note_explicit_target(target, target)
    return [target, nodes.Text(ident)], []


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
    app.add_role("check", check_role)
    app.add_post_transform(link_numbers)
    app.add_transform(mark_book_glosses)
    app.add_transform(mark_number_links)
    app.add_directive("div", Div, override=True)
    app.add_directive("list-table", ListTableWithEnumerated, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
