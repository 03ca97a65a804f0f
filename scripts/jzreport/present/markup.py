"""MyST Markdown written by code: escaped data text, and the book's classed notes."""

from __future__ import annotations

import re

_ASCII_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def escape(text) -> str:
    """Backslash-escape every ASCII punctuation character (CommonMark allows it for all of them).

    `<script>` in a CSV cell thus renders as the literal text `<script>`, never as HTML; a cell
    starting with `1.` stays text instead of becoming a numbered list.
    """
    text = str(text).replace("\r\n", " ").replace("\n", " ")
    return _ASCII_PUNCTUATION.sub(r"\\\1", text)


BOOK_WORDS = "book-words"  # the one mark of the book's own words (book.css, jzbook.sty; explained on the front page)


def note(css_class: str, text: str, *, book: bool = True) -> str:
    """A paragraph with a class for its layout (provenance, table-note, figure-caption, photo-note), marked as the
    book's own words unless `book` is false (a caption that is the report's own, e.g. "图 42 …").

    `:::{div}` renders the same in the book (book/_ext/notebook_syntax.py) and in JupyterLab's MyST renderer.
    """
    classes = f"{BOOK_WORDS} {css_class}" if book else css_class
    return f":::{{div}}\n:class: {classes}\n{text}\n:::\n"
