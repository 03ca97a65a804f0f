"""Numbers in the prose: glued with myst-nb so that the text changes when the data change.

In a chapter: `glue_facts()` makes every stated fact available as {glue:text}`<key>`, and
`say("name", text)` glues a number the chapter computed.
"""
from __future__ import annotations

from myst_nb import glue

from . import data


class PlainText(str):
    """A string whose text/plain representation is itself (no quotes), for {glue:text}."""

    def __repr__(self) -> str:
        return str(self)


def say(name: str, text) -> None:
    """Glue `text` (already formatted) under `name` for {glue:text}`name` in the prose."""
    glue(name, PlainText(text), display=False)


def glue_facts() -> dict[str, data.Fact]:
    """Glue every number the report states in prose, as printed, under its key."""
    facts = data.facts()
    for key, fact in facts.items():
        say(key, fact.text)
    return facts
