"""Sphinx extension of this book: a page's contents (the sidebar 目录) list the sections written after reading.

Sphinx lists a page's sections as it read them. Sections that an extension adds later, when the page is written
(数字出处's 本书计算的数字 with one part per page: computed_numbers.py; 修订记录's comparison with the last release:
revisions_page.py), would be missing from the page's contents. For such a page only, the contents are made again
from the page as written; every other page keeps Sphinx's own.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.environment.adapters.toctree import document_toc


def _entry(section: nodes.section, anchor: str) -> nodes.list_item:
    """A section as an entry of the contents (as Sphinx writes one), with its subsections under it."""
    title = section.next_node(nodes.title).astext()
    reference = nodes.reference("", title, internal=True, refuri=anchor or "#", anchorname=anchor)
    item = nodes.list_item("", addnodes.compact_paragraph("", "", reference))
    parts = [child for child in section.children if isinstance(child, nodes.section)]
    if parts:
        item += nodes.bullet_list("", *(_entry(part, "#" + part["ids"][0]) for part in parts))
    return item


def _list_sections_written_after_reading(app, pagename, templatename, context, doctree) -> None:
    if doctree is None or "toc" not in context:
        return
    page = doctree.next_node(nodes.section)  # the page's one top-level section, whose title is the page's
    if page is None:
        return
    listed = {
        reference["anchorname"]
        for reference in document_toc(app.env, pagename, app.builder.tags).findall(nodes.reference)
    }
    written = {"#" + section["ids"][0] for section in page.findall(nodes.section) if section is not page}
    if written <= listed:
        return
    context["toc"] = app.builder.render_partial(nodes.bullet_list("", _entry(page, "")))["fragment"]
    context["display_toc"] = True


def setup(app):
    app.connect("html-page-context", _list_sections_written_after_reading)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
