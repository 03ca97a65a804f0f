"""Sphinx extension of this book: the mark beside every number changed since the last release.

Each number that differs from the release it is compared with (jzreport.releases.compare; the page 修订记录,
revisions_page.py) carries a small superscript 修 after it, marked as the book's own words (class book-words):
in HTML a link to its entry on 修订记录, whose title says old → new; in print the mark alone. Marked are the
numbers of the prose ({eval}: a stated number, a number the chapter computed), the cells of the report's tables,
the values of the front page's scorecard, which also show their value at the release ("（发布时：301）",
jzreport.present.scorecard.released_note), and the audit's checks whose verdict changed (beside the check's id).
"""

from __future__ import annotations

from docutils import nodes
from notebook_syntax import computed_number, stated_number
from revisions_page import BOOK_WORDS, PAGE, comparison_of
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from jzreport.audit.ledger import anchor_of
from jzreport.present import scorecard

MARK = "修"


def _in_table(node: nodes.Node, label: str) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.table) and label in parent.get("ids", []):
            return True
        parent = parent.parent
    return False


def _page_of(node: nodes.Node, default: str) -> str:
    """The page a node comes from: in print, the book's one doctree marks where each page starts."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.start_of_file):
            return parent["docname"]
        parent = parent.parent
    return default


def _insert_after(node: nodes.Node, *new: nodes.Node) -> None:
    index = node.parent.index(node)
    for offset, item in enumerate(new, start=1):
        node.parent.insert(index + offset, item)


class mark_revised_numbers(SphinxPostTransform):
    default_priority = 4  # before notebook_syntax.link_numbers (5) turns the numbers into links

    def mark(self, change: dict) -> nodes.inline:
        holder = nodes.inline(classes=[BOOK_WORDS, "revision-mark"])
        superscript = nodes.superscript()
        if self.app.builder.format == "html":
            uri = self.app.builder.get_relative_uri(self.env.docname, PAGE) + f"#{change['anchor']}"
            superscript += nodes.reference(
                "", MARK, internal=True, refuri=uri, reftitle=f"自上次发布以来已修订：{change['old']} → {change['new']}"
            )
        else:
            superscript += nodes.Text(MARK)
        holder += superscript
        return holder

    def run(self, **kwargs) -> None:
        found = comparison_of(self.app)
        if not found or not found["changed"]:
            return
        changed = {key: c for key, c in found["changed"].items() if c["new"] != "（无）"}
        docname = self.env.docname
        self.numbers(changed, docname)
        self.cells(changed, docname)
        self.verdicts(changed)

    def numbers(self, changed: dict, docname: str) -> None:
        for node in list(self.document.findall(lambda n: isinstance(n, (stated_number, computed_number)))):
            assert isinstance(node, nodes.Element)
            page = _page_of(node, docname)
            key = f"fact:{node['key']}" if isinstance(node, stated_number) else f"calc:{page}:{node['key']}"
            change = changed.get(key)
            if change is None:
                continue
            added = [self.mark(change)]
            if _in_table(node, scorecard.LABEL):
                old = None if change["old"] == "（无）" else change["old"]
                added.insert(0, nodes.inline("", scorecard.released_note(old), classes=[BOOK_WORDS, "released-value"]))
            _insert_after(node, *added)

    def cells(self, changed: dict, docname: str) -> None:
        by_table: dict[tuple[str, str], dict[tuple[int, int], dict]] = {}
        for change in changed.values():
            if change["kind"] == "cell" and "position" in change:
                by_table.setdefault((change["page"], change["label"]), {})[tuple(change["position"])] = change
        if not by_table:
            return
        for table in list(self.document.findall(nodes.table)):
            page = _page_of(table, docname)
            ids: list[str] = table.get("ids", [])
            cells = next((by_table[page, i] for i in ids if (page, i) in by_table), None)
            body = next(iter(table.findall(nodes.tbody)), None)
            if cells is None or body is None:
                continue
            rows = [row for row in body.children if isinstance(row, nodes.row)]
            for (i, j), change in cells.items():
                entries = [e for e in rows[i].children if isinstance(e, nodes.entry)] if i < len(rows) else []
                if j < len(entries):
                    paragraphs = list(entries[j].findall(nodes.paragraph))
                    (paragraphs[-1] if paragraphs else entries[j]).append(self.mark(change))

    def verdicts(self, changed: dict) -> None:
        by_anchor = {anchor_of(c["check"]): c for c in changed.values() if c["kind"] == "check"}
        if not by_anchor:
            return
        for target in list(self.document.findall(nodes.target)):
            ids: list[str] = target.get("ids", [])
            change = next((by_anchor[i] for i in ids if i in by_anchor), None)
            if change is not None:
                index = target.parent.index(target)
                after = target.parent[index + 1] if index + 1 < len(target.parent) else target
                _insert_after(after, self.mark(change))


def setup(app):
    app.setup_extension("revisions_page")
    app.add_post_transform(mark_revised_numbers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
