"""Escaping text from the data for MyST Markdown, so that data can never become markup or HTML."""
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
