"""Sphinx extension of this book: what only the printed (LaTeX/XeLaTeX) book needs.

The HTML book and the PDF share one doctree (the notebooks run once); everything here happens in
post-transforms that run only for the LaTeX builder, so the HTML is untouched and nothing is re-read
when switching builders.

- Code cells: readers of the PDF see the report, not the computation. The source of every code
  cell is removed (HTML keeps it behind "显示计算代码"); cells left with no output disappear.
- Paragraph classes (`book-words`, the one mark of the book's own words, and the layouts `photo-note`,
  `provenance`, `table-note`, `figure-caption`) are
  dropped by Sphinx's LaTeX writer; each such paragraph is wrapped in a container, which the writer
  turns into `sphinxuseclass`, i.e. the environment `sphinxclass<name>` of `_latex/jzbook.sty`.
- `{download}` links to the CSV files read as plain text (the file name) in print; a sha256 digest
  in a literal may break across lines.
- Tables: a table without `:widths:` gets column widths from its content, so that wide text tables
  wrap inside the page instead of running off it; columns of numbers are set flush right, text
  ragged right. A long table is a `longtable` (breaks across pages, repeats its header, and its
  continuation shows the table's own caption with “（续）” instead of LaTeX's counter: the report's
  numbers live in the captions, not in LaTeX); a short one stays in one piece.
- A figure's caption, and the notes and provenance line under a table or figure, stay on the page
  of that table or figure.
- The PDF's XMP metadata (hyperxmp, loaded by _latex/jzbook.sty) carries the build time of the commit
  (SOURCE_DATE_EPOCH) and identifiers derived from it, not the clock: two builds of one commit give the
  same bytes.
- The root document (the HTML front page) contributes only its toctree: the PDF has its own title
  page (`_latex/jzbook.sty`). One paragraph of the front page is printed too, on the title page's verso: the
  convention of the book's words (class `book-words-convention`), taken from the front page's doctree so that
  the book states it once.
- An entry of 数字出处 is not split across pages.
- A paragraph that is one bold phrase (the report's run-in headings, “一、…”) keeps with the text after it and
  moves to the next page when fewer than five lines would follow it, as the section headings do (jzbook.sty).
"""

from __future__ import annotations

import math
import re
import unicodedata

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.latex import LaTeXTranslator

CLASSED_PARAGRAPHS = ("book-words", "photo-note", "provenance", "table-note", "figure-caption")
CONVENTION = "book-words-convention"  # the front page's paragraph on the book's words (book/index.md)
TITLE_VERSO = "title-verso"  # what BookLaTeXTranslator sets on the title page's verso
UNBROKEN = "fact-source"  # an entry of 数字出处, printed on one page
RUN_IN_HEADING_ROOM = r"5\baselineskip"  # as titlesec's \bottomtitlespace in jzbook.sty
LONG_HASH = re.compile(r"[0-9a-f]{32,}")
HASH_CHUNK = 16

# Column widths are measured in half-ems of the table font (see `text_units`): tables are set in
# \small (10pt) on a 16.2 cm (459pt) text block, 459 / 5 ≈ 92, a little is kept for rules. Each
# column also carries its padding (2 \tabcolsep = 12pt, about 2.4).
LINE_UNITS = 90
PADDING_UNITS = 3
MIN_COLUMN_UNITS = 4
SHORT_HEADER_UNITS = 10  # a header of up to five characters (序号, 年份, 原报告出处) is never broken
SHORT_COLUMN_UNITS = 24  # a column this narrow (about 10 characters) is not wrapped if room allows
WRAPPING_COLUMN_UNITS = 14  # ... the room that each wrapping column keeps at least
# A table taller than this many lines (about half a page) may break across pages (longtable);
# a shorter one is kept in one piece (moved whole to the next page if need be).
LONGTABLE_LINES = 22


class PrintOnlyContent(SphinxPostTransform):
    """Shape the cached doctree for print (LaTeX builder only)."""

    default_priority = 5  # after myst-nb has chosen each output's mime type (priority 4)
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        self.remove_code_sources()
        self.print_convention()
        self.keep_run_in_headings()
        self.unbroken_entries()
        self.wrap_classed_paragraphs()
        self.plain_downloads()
        self.breakable_hashes()
        self.shape_tables()

    def remove_code_sources(self) -> None:
        for node in list(self.document.findall(nodes.container)):
            if node.get("nb_element") == "cell_code_source":
                cell = node.parent
                cell.remove(node)
                if not any(
                    isinstance(child, nodes.Element)
                    and child.get("nb_element") == "cell_code_output"
                    and child.children
                    for child in cell.children
                ):
                    cell.parent.remove(cell)

    def print_convention(self) -> None:
        """Put a copy of the front page's paragraph on the book's words before the book's first page, in a
        container that BookLaTeXTranslator sets on the title page's verso."""
        first = next(iter(self.document.findall(addnodes.start_of_file)), None)
        if first is None or any(TITLE_VERSO in n["classes"] for n in self.document.findall(nodes.container)):
            return  # not the whole book, or done
        root = self.env.get_doctree(self.config.root_doc)
        paragraphs = [p.deepcopy() for p in root.findall(nodes.paragraph) if CONVENTION in p["classes"]]
        if paragraphs:
            first.parent.insert(first.parent.index(first), nodes.container("", *paragraphs, classes=[TITLE_VERSO]))

    def keep_run_in_headings(self) -> None:
        """A paragraph of a section that is one bold phrase is a heading of the report's text: room for it and
        five lines after it, or the next page; no page break after it."""
        for paragraph in list(self.document.findall(nodes.paragraph)):
            children = [c for c in paragraph.children if not (isinstance(c, nodes.Text) and not c.strip())]
            if len(children) != 1 or not isinstance(children[0], nodes.strong):
                continue
            section = paragraph.parent
            if not isinstance(section, nodes.section):
                continue
            at = section.index(paragraph)
            section.insert(at + 1, nodes.raw("", "\n\\par\\nobreak\n", format="latex"))
            section.insert(at, nodes.raw("", "\n\\par\\needspace{%s}\n" % RUN_IN_HEADING_ROOM, format="latex"))

    def unbroken_entries(self) -> None:
        """No page break between the paragraphs of an entry of 数字出处 (nor inside them: jzbook.sty)."""
        for entry in list(self.document.findall(nodes.container)):
            if UNBROKEN in entry["classes"]:
                for paragraph in [c for c in entry.children if isinstance(c, nodes.paragraph)][1:]:
                    entry.insert(entry.index(paragraph), nodes.raw("", "\n\\par\\nobreak\n", format="latex"))

    def wrap_classed_paragraphs(self) -> None:
        for paragraph in list(self.document.findall(nodes.paragraph)):
            names = [c for c in paragraph["classes"] if c in CLASSED_PARAGRAPHS]
            if not names:
                continue
            wrapper = nodes.container(classes=names)
            paragraph.replace_self(wrapper)
            wrapper += paragraph
            if {"figure-caption", "table-note", "provenance"} & set(names):
                # keep the caption / note with the figure or table above it
                wrapper.parent.insert(
                    wrapper.parent.index(wrapper), nodes.raw("", "\\nopagebreak[4]\n", format="latex")
                )

    def plain_downloads(self) -> None:
        for node in list(self.document.findall(addnodes.download_reference)):
            node.replace_self(nodes.inline("", node.astext(), classes=["download-name"]))

    def breakable_hashes(self) -> None:
        """A long hexadecimal digest (sha256) in a literal may break every HASH_CHUNK characters."""
        for literal in list(self.document.findall(nodes.literal)):
            text = literal.astext()
            if not LONG_HASH.fullmatch(text):
                continue
            chunks = re.findall(".{1,%d}" % HASH_CHUNK, text)
            literal.children = []
            for i, chunk in enumerate(chunks):
                if i:
                    literal += nodes.raw("", r"\allowbreak{}", format="latex")
                literal += nodes.Text(chunk)

    def shape_tables(self) -> None:
        for table in list(self.document.findall(nodes.table)):
            tgroup = next(iter(table.findall(nodes.tgroup)), None)
            if tgroup is None or not table_is_regular(tgroup):
                continue  # spanning cells: leave the table to Sphinx
            given = None
            if "colwidths-given" in table["classes"]:
                given = [int(c["colwidth"]) for c in tgroup.children if isinstance(c, nodes.colspec)]
                table["classes"].remove("colwidths-given")
            widths = column_widths(*column_measures(tgroup), given)
            total = max(LINE_UNITS, sum(widths))  # a narrow table keeps its natural width
            if estimated_lines(tgroup, [w * LINE_UNITS / total for w in widths]) > LONGTABLE_LINES:
                table["classes"].append("longtable")
            align = [r"\raggedleft" if numeric else r"\raggedright" for numeric in numeric_columns(tgroup)]
            # (the denominator leaves half a unit for the rules: exactly 100% overflows by 0.5pt)
            spec = "".join(
                r">{%s\arraybackslash}\X{%d}{%d}" % (a, round(10 * w), round(10 * total) + 5)
                for a, w in zip(align, widths)
            )
            table.parent.insert(table.parent.index(table), addnodes.tabular_col_spec(spec=spec))


NUMBER = re.compile(r"[-+−]?[\d,.]+\s*%?|[-–—]")


def rows_of(tgroup: nodes.tgroup, part: type[nodes.Element] | None = None) -> list[list[str]]:
    parts = [p for p in tgroup.children if part is None or isinstance(p, part)]
    return [
        [entry.astext() for entry in row.children if isinstance(entry, nodes.entry)]
        for p in parts
        for row in p.findall(nodes.row)
    ]


def estimated_lines(tgroup: nodes.tgroup, widths: list[float]) -> int:
    """Printed height of a table in text lines, from its cells' text and its columns' widths."""
    room = [max(w - PADDING_UNITS, 1.0) for w in widths]

    def cell_lines(text: str, width: float) -> int:
        return sum(max(1, math.ceil(text_units(line) / width)) for line in text.splitlines() or [""])

    return sum(max(cell_lines(cell, r) for cell, r in zip(row, room)) for row in rows_of(tgroup))


def table_is_regular(tgroup: nodes.tgroup) -> bool:
    columns = sum(isinstance(c, nodes.colspec) for c in tgroup.children)
    return all(len(row) == columns for row in rows_of(tgroup))


def numeric_columns(tgroup: nodes.tgroup) -> list[bool]:
    """Columns whose body cells are all numbers (or a dash/empty): set flush right."""
    body = rows_of(tgroup, nodes.tbody)
    columns = sum(isinstance(c, nodes.colspec) for c in tgroup.children)
    result = []
    for i in range(columns):
        cells = [row[i].strip() for row in body if row[i].strip()]
        result.append(
            bool(cells)
            and all(NUMBER.fullmatch(cell) for cell in cells)
            and any(ch.isdigit() for cell in cells for ch in cell)
        )
    return result


def text_units(text: str) -> float:
    """Width of a text in half-ems: East Asian wide characters count 2; Latin letters and digits,
    wider than half an em in the Noto CJK fonts, 1.2; spaces and punctuation 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1.2 if ch.isalnum() else 1 for ch in text)


def longest_unbreakable(entry: nodes.Element) -> float:
    """Width of the longest run in a table cell that cannot wrap: a Latin word or number. CJK text
    may break anywhere, LaTeX breaks after a hyphen, Sphinx's inline literals also after . , ; ? ! /
    and a long digest every HASH_CHUNK characters (see `breakable_hashes`)."""
    longest: float = 0
    for text in entry.findall(nodes.Text):
        in_literal = any(isinstance(a, nodes.literal) for a in _ancestors(text))
        breaks = r"[-.,;?!/\\]" if in_literal else r"-"
        # (a CJK bracket or punctuation mark never starts or ends a line next to the word it touches)
        for run in re.findall(r"[（【「《“‘]?[\x21-\x7e]+[）】」》”’，。、；：！？]?", str(text)):
            if in_literal and LONG_HASH.fullmatch(run):
                longest = max(longest, HASH_CHUNK)
                continue
            pieces = re.split(rf"(?<={breaks})", run)
            longest = max(longest, *(text_units(p) for p in pieces))
    return max(longest, 2 if entry.astext().strip() else 0)


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def column_measures(tgroup: nodes.tgroup) -> tuple[list[float], list[float]]:
    """Natural width (its longest line) and least width (its longest number or Latin word, and its
    header if that is short) of each column, in half-ems, padding included."""
    rows, header = rows_of(tgroup), rows_of(tgroup, nodes.thead)
    columns = len(rows[0]) if rows else 0
    natural: list[float] = [0] * columns
    least: list[float] = [MIN_COLUMN_UNITS] * columns
    for row in rows:
        for i, text in enumerate(row):
            natural[i] = max(natural[i], *(text_units(line) for line in text.splitlines() or [""]))
    for row_node in tgroup.findall(nodes.row):
        for i, entry in enumerate(e for e in row_node.children if isinstance(e, nodes.entry)):
            least[i] = max(least[i], longest_unbreakable(entry))
    for row in header:
        for i, text in enumerate(row):
            least[i] = max(least[i], min(text_units(text), SHORT_HEADER_UNITS))
    natural = [max(n, m) + PADDING_UNITS for n, m in zip(natural, least)]
    return natural, [min(m + PADDING_UNITS, n) for m, n in zip(least, natural)]


def column_widths(natural: list[float], least: list[float], given: list[int] | None = None) -> list[float]:
    """Column widths in half-ems (summing to LINE_UNITS, or less for a narrow table).

    Short columns (dates, numbers, names) keep their natural width as long as the wrapping columns
    keep room (narrowest first); then, like a browser's automatic table layout, the room left is
    shared among the wrapping columns in proportion to how much text they hold. A chapter's
    `:widths:` are kept as far as they leave each column its least width.
    """
    least = list(least)

    def floor_sum(floors: list[float]) -> float:
        return sum(max(f, min(n, WRAPPING_COLUMN_UNITS)) for f, n in zip(floors, natural))

    for i in sorted(range(len(natural)), key=natural.__getitem__):
        if natural[i] > SHORT_COLUMN_UNITS or floor_sum(least[:i] + [natural[i]] + least[i + 1 :]) > LINE_UNITS:
            break
        least[i] = natural[i]
    if given:
        return respect_least([w * LINE_UNITS / sum(given) for w in given], least)
    if sum(natural) <= LINE_UNITS:
        return [float(n) for n in natural]
    if sum(least) >= LINE_UNITS:
        return [float(m) for m in least]
    room = LINE_UNITS - sum(least)
    growth = [n - m for n, m in zip(natural, least)]
    return [m + g * room / sum(growth) for m, g in zip(least, growth)]


def respect_least(widths: list[float], least: list[float]) -> list[float]:
    """Widen the columns narrower than their least width, taking the room from the others."""
    widths = list(widths)
    for _ in range(len(widths)):
        deficit = sum(max(0.0, m - w) for w, m in zip(widths, least))
        slack = sum(max(0.0, w - m) for w, m in zip(widths, least))
        if deficit <= 0 or slack <= 0:
            break
        scale = min(1.0, deficit / slack)
        widths = [m if w <= m else w - (w - m) * scale for w, m in zip(widths, least)]
    return widths


class BookLaTeXTranslator(LaTeXTranslator):
    """Tables: a short table is one unbreakable block with its caption (Sphinx's tabulary template
    lets a page break fall between the caption and the table); a continued longtable shows its own
    caption with “（续）” above the repeated header."""

    _CONTINUED = re.compile(r"\\sphinxtablecontinued\{\\tablename\\ \\thetable\{\} \\textendash\{\} [^{}]*\}")
    _CJK_THEN_SPACE = re.compile(r"[\u3400-\u9fff] $")

    def visit_reference(self, node) -> None:
        """A link after a Chinese character and a space (the report's "总数 567 人", where 567 links to its
        source) keeps the space: xeCJK drops a space after a Chinese character unless Western text follows it,
        and the link's group is not text. A control space is kept."""
        if self.body and self._CJK_THEN_SPACE.search(self.body[-1]):
            self.body[-1] = self.body[-1][:-1] + "\\ "
        super().visit_reference(node)

    def visit_container(self, node) -> None:
        """The title page's verso (`PrintOnlyContent.print_convention`) goes to the title page, not the body."""
        if TITLE_VERSO in node["classes"]:
            self._verso_start = len(self.body)
            return
        super().visit_container(node)

    def depart_container(self, node) -> None:
        if TITLE_VERSO in node["classes"]:
            verso = "".join(self.body[self._verso_start :])
            del self.body[self._verso_start :]
            self.elements["maketitle"] = "\\renewcommand{\\jztitleverso}{%s}\n%s" % (verso, self.elements["maketitle"])
            return
        super().depart_container(node)

    def render(self, template_name: str, variables: dict) -> str:
        text = super().render(template_name, variables)
        if template_name == "longtable.tex.jinja":
            table = variables["table"]
            caption = "".join(table.caption).strip()
            replacement = "\\sphinxtablecontinued{%s}" % (caption + "（续）" if caption else "（续表）")
            text = self._CONTINUED.sub(lambda _: replacement, text)
        elif template_name in ("tabulary.tex.jinja", "tabular.tex.jinja"):
            text = f"\\par\\medskip\\noindent\\begin{{minipage}}{{\\linewidth}}\n{text}\\end{{minipage}}\\par\\nobreak\\smallskip\n"
        return text


def _root_document_toctree_only(app, config) -> None:
    """The HTML front page's own text is not printed: only its toctree (the chapters)."""
    config.latex_documents = [tuple(doc[:5]) + (True,) for doc in config.latex_documents]


def _use_book_translator(app) -> None:
    """Register the LaTeX translator only for LaTeX builds: pydata-sphinx-theme adds its HTML table
    styling to whatever translators are registered, and would skip HTML if a LaTeX one were."""
    if app.builder.format == "latex":
        app.set_translator("latex", BookLaTeXTranslator, override=True)


def _reproducible_xmp(app, config) -> None:
    """XMP dates and ids from SOURCE_DATE_EPOCH (hyperxmp would take the LaTeX log's time and a fresh id)."""
    import os
    import time
    import uuid

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return
    moment = time.strftime("D:%Y%m%d%H%M%SZ", time.gmtime(int(epoch)))
    title = config.project or config.html_title or "book"
    document = uuid.uuid5(uuid.NAMESPACE_URL, f"jzreport:{title}")
    instance = uuid.uuid5(document, epoch)
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + (
        f"\n\\hypersetup{{pdfcreationdate={{{moment}}}, pdfmoddate={{{moment}}}, pdfmetadate={{{moment}}}, pdfdate={{{moment}}}, "
        f"pdfdocumentid={{uuid:{document}}}, pdfinstanceid={{uuid:{instance}}}}}"
    )
    config.latex_elements = elements


def setup(app):
    app.add_post_transform(PrintOnlyContent)
    app.connect("config-inited", _reproducible_xmp)
    app.connect("builder-inited", _use_book_translator, priority=400)
    app.connect("config-inited", _root_document_toctree_only, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
