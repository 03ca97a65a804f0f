"""Numbers in the prose: computed by the chapter, shown by ``{eval}`name``` in the Markdown.

`say("name", text)` makes one value available to the prose in both places where a chapter is read:
- the book (Sphinx, myst-nb): the text is glued under `name`, and the book's `{eval}` role pastes it
  from the cached execution (book/_ext/notebook_syntax.py);
- JupyterLab (jupyterlab-myst): `name` is bound in the kernel, where `{eval}` evaluates it.
`glue_facts()` does this for every number the report states in prose (reported_facts.csv).
"""
from __future__ import annotations

from IPython import get_ipython
from myst_nb import glue

from . import data


class PlainText(str):
    """A string whose text/plain representation is itself (no quotes), for `{eval}` in both renderers."""

    def __repr__(self) -> str:
        return str(self)


def say(name: str, text) -> None:
    """Make `text` (already formatted) the value of {eval}`name` in the prose."""
    value = PlainText(text)
    glue(name, value, display=False)
    shell = get_ipython()
    if shell is not None:
        shell.user_ns[name] = value


def glue_facts() -> dict[str, data.Fact]:
    """Make every number the report states in prose available as {eval}`<key>`, as printed."""
    facts = data.facts()
    for key, fact in facts.items():
        say(key, fact.text)
    return facts
