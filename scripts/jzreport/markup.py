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


def note(css_class: str, text: str) -> str:
    """A paragraph of the book's own with a class (provenance, table-note, figure-caption, photo-note).

    `:::{div}` renders the same in the book (book/_ext/notebook_syntax.py) and in JupyterLab's MyST renderer.
    """
    return f":::{{div}}\n:class: {css_class}\n{text}\n:::\n"
