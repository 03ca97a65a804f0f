"""Sphinx extension of this book: the trace of every number the book computes, on the page 数字出处.

A chapter puts a computed number into its prose with ``say(name, text, how=…, source=…, fact=…)``
(jzreport.present.prose), which glues the text and, beside it, the number's trace: what was computed, from which
rows of which data file (with the file's sha256), the stated number it restates and the audit check that
compares it with the report. In the book, ``{eval}`name``` links the number to its entry here
(notebook_syntax.py); the entries are written when the HTML page 数字出处 is written, from the glue data
of every page (myst-nb keeps it beside the executed notebooks), so they always match the pages. Each entry
links back to where the number is used, to the report's sentence and to the audit verdict.

The PDF keeps the report's text clean: there the numbers are not linked and these entries are not set.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from docutils import nodes
from myst_nb.ext.glue.crossref import read_glue_cache
from sphinx.util import logging

from jzreport.audit.number_entries import VERDICTS_KEY, label
from jzreport.audit.traces import STATED_ONLY_SECTION
from jzreport.audit.values import FACTS_FILE, Ref
from jzreport.audit.verdicts import STATED_ONLY
from jzreport.present.prose import TRACE_SUFFIX

logger = logging.getLogger(__name__)
NUMBERS_PAGE = "numbers"
SECTION_ID = "sec-computed-numbers"


def calc_label(docname: str, key: str) -> str:
    """The anchor of a computed number's entry on the page 数字出处."""
    return "calc-" + docname.replace("/", "-") + "-" + key.replace("_", "-")


def use_label(key: str) -> str:
    """The anchor of a number's first use on its page (the entry links back to it)."""
    return "use-" + key.replace("_", "-")


def _reading_order(env) -> list[str]:
    order, seen = [], set()

    def visit(docname: str) -> None:
        if docname in seen:
            return
        seen.add(docname)
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(env.config.root_doc)
    return order + sorted(set(env.found_docs) - seen)


def _lines(numbers: list[int]) -> str:
    """[2, 3, 4, 7] -> '第 2–4、7 行'."""
    runs, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            runs.append(f"{start}–{n}" if n > start else f"{n}")
            start = None
    return "第 " + "、".join(runs) + " 行"


def read_stated(data_dir: Path) -> dict[str, dict]:
    """The rows of reported_facts.csv by key (with the csv module: pandas would add a third of a second to
    every rebuild of the live preview)."""
    with open(data_dir / "reported_facts.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["key"]: row for row in csv.DictReader(handle)}


def _text(paragraph: nodes.paragraph, *parts) -> nodes.paragraph:
    for part in parts:
        paragraph += nodes.Text(part) if isinstance(part, str) else part
    return paragraph


def _link(builder, from_doc: str, to_doc: str, anchor: str, text: str) -> nodes.reference:
    uri = builder.get_relative_uri(from_doc, to_doc) + (f"#{anchor}" if anchor else "")
    return nodes.reference("", text, internal=True, refuri=uri)


def restated_number(trace: dict) -> str:
    """The id of the stated number a computed number restates (jzreport.audit.values.Ref.id): the fact it names,
    else the one cell it was read from; empty for a number the book computed from several."""
    if trace.get("fact"):
        return Ref.fact(trace["fact"]).id
    rows = trace.get("rows") or []
    if len(rows) == 1 and len(rows[0]["lines"]) == 1 and rows[0].get("field"):
        return Ref(rows[0]["file"], line=rows[0]["lines"][0], column=rows[0]["field"]).id
    return ""


def _entry(app, docname: str, key: str, text: str, trace: dict, stated: dict, verdicts: dict) -> nodes.container:
    builder, env = app.builder, app.env
    entry = nodes.container(classes=["book-words", "fact-source", "computed-source"], ids=[calc_label(docname, key)])
    title = env.titles[docname].astext() if docname in env.titles else docname
    entry += _text(
        nodes.paragraph(),
        nodes.strong(text=text),
        "　用于：",
        _link(builder, NUMBERS_PAGE, docname, use_label(key), title),
    )
    if trace.get("how"):
        entry += _text(nodes.paragraph(), "本书的计算：" + trace["how"])
    if trace.get("rows"):
        paragraph = _text(nodes.paragraph(), "数据：")
        for i, rows in enumerate(trace["rows"]):
            column = f"（“{rows['column']}”列）" if rows.get("column") else ""
            paragraph += nodes.Text("；" if i else "")
            paragraph += nodes.literal(text=rows["file"])
            paragraph += nodes.Text(f" {_lines(rows['lines'])}{column}（文件 sha256 {rows['sha256'][:12]}）")
        entry += paragraph
    fact = stated.get(trace.get("fact") or "")
    if fact:
        words = f"报告原文：“{fact['quote']}”" if fact["quote"] else f"表中位置（本书的描述）：{fact['place']}"
        entry += _text(
            nodes.paragraph(),
            f"{fact['section']}　{words}　",
            _link(builder, NUMBERS_PAGE, NUMBERS_PAGE, label(fact["key"]), "该陈述数字的条目"),
        )
    restated = restated_number(trace)
    if restated:
        labels = env.domaindata["std"]["anonlabels"]
        paragraph = _text(nodes.paragraph(), "所述数字：", nodes.literal(text=restated), "　核查：")
        found = verdicts.get(restated, [])
        if not found and restated.startswith(FACTS_FILE + "#"):
            found = [[STATED_ONLY, STATED_ONLY_SECTION]]
        for i, (text, anchor) in enumerate(found):
            paragraph += nodes.Text("；" if i else "")
            target = labels.get(anchor)
            if target is None:
                logger.warning(f"数字出处：核查的锚点 {anchor} 不存在 (no anchor {anchor!r} for the verdict of {key})")
                continue
            paragraph += _link(builder, NUMBERS_PAGE, target[0], target[1], text)
        if found:
            entry += paragraph
    return entry


def add_computed_entries(app, doctree, docname: str) -> None:
    if docname != NUMBERS_PAGE or app.builder.format != "html":
        return
    env = app.env
    folder = env.mystnb_config.output_folder
    verdicts = json.loads(
        read_glue_cache(folder, NUMBERS_PAGE).get(VERDICTS_KEY, {}).get("data", {}).get("text/plain", "{}")
    )
    from edition import package

    stated = read_stated(package(app).folder)
    section = nodes.section(ids=[SECTION_ID])
    section += nodes.title(text="本书计算的数字")
    section += nodes.paragraph(
        text="正文中由本书代码计算的数字（而非照录报告的陈述）列在这里，按页面顺序：数值与用处、本书的计算、"
        "所用数据文件的行与列（及文件的 sha256）、报告中相应的陈述与核查结论。"
    )
    for page in _reading_order(env):
        glued = read_glue_cache(folder, page)
        keys = [k.removesuffix(TRACE_SUFFIX) for k in glued if k.endswith(TRACE_SUFFIX)]
        if not keys:
            continue
        part = nodes.section(ids=[f"{SECTION_ID}-{page.replace('/', '-')}"])
        part += nodes.title(text=env.titles[page].astext() if page in env.titles else page)
        for key in keys:
            trace = json.loads(glued[key + TRACE_SUFFIX]["data"]["text/plain"])
            part += _entry(app, page, key, glued[key]["data"]["text/plain"], trace, stated, verdicts)
        section += part
    page_section = doctree.next_node(nodes.section)  # the page's one top-level section
    page_section += section


def _note_reading(app, env, docnames) -> None:
    app._computed_pages_read = bool(docnames)


def entries_digest(app, env) -> str:
    """A digest of everything the entries on 数字出处 are made of: every page's glued numbers and traces, in reading
    order, with its title; the verdicts, the labels they link to, and reported_facts.csv."""
    from edition import package

    folder = env.mystnb_config.output_folder
    parts = [
        [page, env.titles[page].astext() if page in env.titles else page, read_glue_cache(folder, page)]
        for page in _reading_order(env)
    ]
    parts.append(sorted(env.domaindata["std"]["anonlabels"].items()))
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    digest.update((package(app).folder / "reported_facts.csv").read_bytes())
    return digest.hexdigest()


def _rewrite_numbers_page(app, env) -> list[str]:
    """A page read again may have changed its numbers: write 数字出处 again too (not read it again), when what its
    entries are made of changed (a prose edit changes none of it: the page, the longest to write, is left as is)."""
    if not getattr(app, "_computed_pages_read", False) or NUMBERS_PAGE not in env.found_docs:
        return []
    digest = entries_digest(app, env)
    if getattr(env, "jzreport_numbers_digest", None) == digest:
        return []
    env.jzreport_numbers_digest = digest
    return [NUMBERS_PAGE]


def setup(app):
    app.connect("env-before-read-docs", _note_reading)
    app.connect("env-get-updated", _rewrite_numbers_page)
    app.connect("doctree-resolved", add_computed_entries)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
