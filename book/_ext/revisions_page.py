"""Sphinx extension of this book: the page 修订记录 (revisions.md), what changed since the last release.

The build compares the book's numbers with the last release before Sphinx reads any page and hands the comparison
over in a file (jzreport.releases.comparison, REVISIONS_ENV); without one (the live preview) it is made here from
the execution cache. Under the page's own words this writes:
- 自上次发布以来: the state (no release yet; no revisions; or the changes), and each changed data cell, old → new,
  with the corrections log's date, kind and cause, and every published number it changed, where it stands (a link
  in HTML) and old → new; then the changes of the book's code or text, under the log entries naming them;
- 修订日志: every entry of the corrections log (revisions.csv);
- 发布记录: every release of the edition, with its tag, the commit it describes and its ledger file (in HTML a
  link to the copy published in the site's revisions/ folder, with the comparison as revisions.json).
In print the page is found in the book's one doctree (the LaTeX builder resolves all pages at once).
The whole page is the book's own words (class book-words). The page is written again on every build, and every
page when the comparison changed (the marks beside changed numbers: revision_marks.py).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

from jzreport.releases import compare

PAGE = "revisions"
BOOK_WORDS = "book-words"


def comparison_of(app) -> dict | None:
    """The comparison with the last release, read once per build."""
    if not hasattr(app, "_jzreport_revisions"):
        from edition import package

        from jzreport.releases import comparison

        build_dir = Path(app.config.nb_execution_cache_path).parent
        app._jzreport_revisions = comparison.load(os.environ.get(comparison.REVISIONS_ENV), package(app), build_dir)
    return app._jzreport_revisions


def _paragraph(*parts, classes: tuple[str, ...] = ()) -> nodes.paragraph:
    paragraph = nodes.paragraph(classes=list(classes))
    for part in parts:
        paragraph += nodes.Text(part) if isinstance(part, str) else part
    return paragraph


def _container(*children, ids: tuple[str, ...] = (), classes: tuple[str, ...] = ()) -> nodes.container:
    box = nodes.container(ids=list(ids), classes=[BOOK_WORDS, *classes])
    box += children
    return box


def _release(release: dict) -> str:
    chinese, _ = compare.release_name(release)
    return f"{chinese}（{release['date']}，标签 {release['tag']}）" if release.get("number") else chinese


def _target(app, number: dict) -> tuple[str, str] | None:
    """(page, anchor) where a changed number stands, in HTML: its entry on 数字出处, its table or its check."""
    from computed_numbers import NUMBERS_PAGE, calc_label

    from jzreport.audit.ledger import anchor_of
    from jzreport.audit.number_entries import label

    labels = app.env.domaindata["std"]["anonlabels"]
    kind = number["kind"]
    if kind == "calc":
        return NUMBERS_PAGE, calc_label(number["page"], number["name"])
    anchor = {
        "fact": lambda: label(number["fact"]),
        "cell": lambda: number["label"],
        "check": lambda: anchor_of(number["check"]),
    }[kind]()
    return labels.get(anchor)


def _where(app, number: dict) -> nodes.Node:
    if app.builder.format != "html" or number["new"] == compare.ABSENT:
        return nodes.Text(number["where"])
    target = _target(app, number)
    if target is None:
        return nodes.Text(number["where"])
    uri = app.builder.get_relative_uri(PAGE, target[0]) + f"#{target[1]}"
    return nodes.reference("", number["where"], internal=True, refuri=uri)


def _derived(app, numbers: list[dict], listed: set[str], lead: str = "读到这一格、数值随之改变的数字：") -> nodes.Node:
    """The published numbers a change changed, each where it stands, old → new; the first listing of a number
    carries the anchor its marks in the text link to."""
    if not numbers:
        return _paragraph("书中没有读到这一格而数值改变的数字。")
    items = nodes.bullet_list(classes=["revision-numbers"])
    for number in numbers:
        ids = [] if number["anchor"] in listed else [number["anchor"]]
        listed.add(number["anchor"])
        items += nodes.list_item("", _paragraph(_where(app, number), f"：{number['old']} → {number['new']}"), ids=ids)
    return _container(_paragraph(lead), items)


def _causes(entries: list[dict]) -> list[nodes.Node]:
    if not entries:
        return [_paragraph("尚未记入修订日志（revisions.csv），本书不能构建。", classes=("revision-unlogged",))]
    return [_paragraph(f"{e['date']}　{e['kind']}：{e['why']}") for e in entries]


def _input_change(app, change: dict, listed: set[str]) -> nodes.Node:
    kinds = "、".join(dict.fromkeys(e["kind"] for e in change["log"])) or "未登记"
    title = f"（{change['column_title']}）" if change["column_title"] else ""
    label = f"（{change['row_label']}）" if change["row_label"] else ""
    heading = _paragraph(
        nodes.strong(text=kinds),
        "　",
        nodes.literal(text=change["file"]),
        f"，行 {change['row']}{label}，列 {change['column']}{title}：{change['old']} → {change['new']}",
    )
    return _container(
        heading,
        *_causes(change["log"]),
        _derived(app, change["derived"], listed),
        ids=(change["anchor"],),
        classes=("revision-entry",),
    )


def _other_change(app, group: dict, listed: set[str]) -> nodes.Node:
    heading = _paragraph(nodes.strong(text=group["kind"]), "　", nodes.literal(text=group["file"]), f"　{group['row']}")
    return _container(
        heading,
        *_causes([group]),
        _derived(app, group["derived"], listed, "由这一改动改变的数字："),
        ids=(group["anchor"],),
        classes=("revision-entry",),
    )


def _state(found: dict | None) -> str:
    if found is None:
        return "修订记录暂不可用：本书的页面尚未全部运行。"
    this, base = found["this_release"], found["base"]
    prefix = f"本书即{_release(this)}。" if this else ""
    if found["status"] == compare.NONE:
        return "尚无已发布的版本：本书还没有发布过，没有可比较的版本，也就没有修订。发布之后，对已发布数字的每一处改动都会列在这里。"
    if found["status"] == compare.FIRST:
        return f"{prefix}此前没有已发布的版本，尚无修订。"
    if found["status"] == compare.UNCHANGED:
        return f"{prefix}与{_release(base)}相比：无修订。书中的每一个数字、原报告各表的每个单元格和每项核查结论都与之相同。"
    kinds = [e["kind"] for change in found["inputs"] for e in change["log"][:1]] + [g["kind"] for g in found["other"]]
    counted = "，".join(
        f"{kind} {kinds.count(kind)} 处" for kind in (compare.CORRECTION, compare.REVISION) if kind in kinds
    )
    return (
        f"{prefix}与{_release(base)}相比，{len(found['inputs'])} 处数据有改动"
        + (f"（{counted}）" if counted else "")
        + f"，已发布的数字中有 {len(found['changed'])} 个随之改变，逐项列在下面；正文中这些数字旁标有上标“修”。"
    )


def _section(ids: str, title: str, *children) -> nodes.section:
    section = nodes.section(ids=[ids], classes=[BOOK_WORDS])
    section += nodes.title(text=title)
    section += children
    return section


def _since(app, found: dict | None) -> nodes.section:
    children: list[nodes.Node] = [_container(_paragraph(_state(found)), classes=("revision-state",))]
    listed: set[str] = set()
    if found is not None:
        children += [_input_change(app, change, listed) for change in found["inputs"]]
        children += [_other_change(app, group, listed) for group in found["other"]]
        if found["problems"]:
            problems = nodes.bullet_list()
            for problem in found["problems"]:
                problems += nodes.list_item("", _paragraph(problem))
            children.append(
                _container(_paragraph("尚待处理（构建时将停止）："), problems, classes=("revision-problems",))
            )
    return _section("sec-revisions-since", "自上次发布以来", *children)


def _log(found: dict | None) -> nodes.section:
    entries = (found or {}).get("log", [])
    if not entries:
        return _section("sec-revisions-log", "修订日志", _container(_paragraph("修订日志（revisions.csv）尚无条目。")))
    items = nodes.bullet_list()
    for e in entries:
        place = "，".join(
            filter(None, [f"行 {e['row']}" if e["row"] else "", f"列 {e['column']}" if e["column"] else ""])
        )
        items += nodes.list_item(
            "",
            _paragraph(
                f"{e['date']}　{e['kind']}　",
                nodes.literal(text=e["file"]),
                f"{'，' + place if place else ''}：{e['why']}",
            ),
        )
    return _section("sec-revisions-log", "修订日志", _container(items))


def _releases(app, found: dict | None) -> nodes.section:
    releases = (found or {}).get("releases", [])
    if not releases:
        return _section("sec-revisions-releases", "发布记录", _container(_paragraph("尚无发布。")))
    items = nodes.bullet_list()
    for release in releases:
        name = Path(release["file"]).name
        record = (
            nodes.reference("", release["file"], refuri=f"revisions/{name}")
            if app.builder.format == "html"
            else nodes.literal(text=release["file"])
        )
        items += nodes.list_item(
            "",
            _paragraph(
                f"第 {release['number']} 次发布：{release['date']}，标签 {release['tag']}，所据提交 {release['commit'][:12]}；记录：",
                record,
            ),
        )
    return _section("sec-revisions-releases", "发布记录", _container(items))


def page_section(doctree, docname: str) -> nodes.section | None:
    """The page's own section: in HTML its doctree's; in print, where the book's one doctree holds the page."""
    if docname == PAGE:
        return doctree.next_node(nodes.section)
    for part in doctree.findall(addnodes.start_of_file):
        if part["docname"] == PAGE:
            return part.next_node(nodes.section)
    return None


def write_page(app, doctree, docname: str) -> None:
    page = page_section(doctree, docname)
    if page is None:
        return
    found = comparison_of(app)
    page["classes"].append(BOOK_WORDS)
    page += [_since(app, found), _log(found), _releases(app, found)]


def digest(found: dict | None) -> str:
    return hashlib.sha256(json.dumps(found, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _pages_to_write(app, env) -> list[str]:
    """This page on every build; every page when the changes it lists changed (the marks beside numbers moved: the
    other pages show nothing else of the comparison). A data edit that changes no mark writes only the pages it
    changed, not the whole book (4.8 s of the preview's 13.7 s after a CSV edit)."""
    found = comparison_of(app)
    marks = digest(found["changed"] if found else None)
    if getattr(env, "jzreport_revisions_digest", None) != marks:
        env.jzreport_revisions_digest = marks
        return sorted(env.found_docs)
    return [PAGE] if PAGE in env.found_docs else []


def _publish(app, exception) -> None:
    """The release ledgers and the comparison, into the site's folder revisions/ (HTML)."""
    if exception is None and app.builder.format == "html":
        from edition import package

        from jzreport.releases import comparison

        comparison.publish(package(app), comparison_of(app), Path(app.outdir))


def _forget_comparison(app, env, added, changed, removed) -> list[str]:
    """A new build compares afresh (a live preview builds one Sphinx application again and again)."""
    if hasattr(app, "_jzreport_revisions"):
        del app._jzreport_revisions
    return []


def setup(app):
    app.connect("env-get-outdated", _forget_comparison)
    app.connect("env-get-updated", _pages_to_write)
    app.connect("doctree-resolved", write_page)
    app.connect("build-finished", _publish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
