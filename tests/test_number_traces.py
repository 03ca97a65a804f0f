"""Every verdict shown beside a number is about that number, as the published audit data record it.

An auditor holds only the published site: the pages and audit/audit.json. For every number entry on 数字出处 and
every row of the front page's scorecard, the verdicts shown must be exactly the checks that audit.json records as
verifying that number ("核查 A1-06：…") or reading it ("用于 A2-01（…）"), in order, each linking to the check's own
anchor on the audit page, whose row is that check; 仅陈述 only for a stated number no check touches, which the
audit's table of stated-only numbers then lists. Expectations come from audit.json and the published data, never
from the code that drew the pages.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from tests.helpers import chapter_pages, soup_of

STATED = "reported_facts.csv#"


@pytest.fixture(scope="module")
def audit(html_dir):
    return json.loads((html_dir / "audit" / "audit.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def relations(audit) -> dict[str, list[tuple[str, dict]]]:
    """Number id -> (relation, check) for every check that verifies it, then every check that reads it."""
    found: dict[str, list[tuple[str, dict]]] = {}
    for relation in ("verifies", "reads"):
        for check in audit:
            for number in check[relation]:
                found.setdefault(number, []).append((relation, check))
    return found


@pytest.fixture(scope="module")
def stated_facts(html_dir) -> dict[str, dict]:
    """reported_facts.csv as published in the site's data zip (what an auditor downloads)."""
    import zipfile

    (archive,) = html_dir.glob("*-data-*.zip")
    with zipfile.ZipFile(archive) as bundle:
        name = next(n for n in bundle.namelist() if n.endswith("reported_facts.csv"))
        rows = csv.DictReader(bundle.read(name).decode("utf-8-sig").splitlines())
        return {row["key"]: row for row in rows}


def _expected(relations, number: str) -> list[tuple[str, str]]:
    """(text the verdict starts with, anchor) for each check recorded against `number`."""
    expected = []
    for relation, check in relations.get(number, []):
        if relation == "verifies":
            expected.append((f"核查 {check['id']}：{check['verdict']}", check["anchor"]))
        else:
            expected.append((f"用于 {check['id']}（{check['status']}：", check["anchor"]))
    return expected


def _verdict_links(node) -> list[tuple[str, str]]:
    """(text, anchor) of each link after 核查： in an entry or a scorecard cell."""
    return [(a.get_text("", strip=True), a["href"].rsplit("#", 1)[-1]) for a in node.select("a")]


def _assert_verdicts(shown: list[tuple[str, str]], relations, number: str, where: str) -> None:
    expected = _expected(relations, number)
    if not expected:
        assert [text for text, _ in shown] == ["仅陈述"] and shown[0][1] == "sec-audit-stated", (where, shown)
        return
    assert len(shown) == len(expected), (where, shown, expected)
    for (text, anchor), (start, check_anchor) in zip(shown, expected):
        assert text.startswith(start) and anchor == check_anchor, (where, text, start, anchor, check_anchor)


def _entries(html_dir) -> dict[str, tuple[str, list]]:
    """Entry id on 数字出处 -> (the stated number it is about, its verdict links)."""
    page = soup_of(html_dir / "numbers.html")
    entries = {}
    for entry in page.select("div.fact-source"):
        anchor = entry.get("id") or entry.find_previous("span", id=True)["id"]
        text = entry.get_text(" ", strip=True)
        if "computed-source" in entry.get("class", []):
            found = re.search(r"所述数字： (\S+)", text)
            number = found.group(1) if found else ""
        else:
            number = STATED + re.search(r"键 (\w+)", text).group(1)
        verdict = next((p for p in entry.find_all("p") if "核查：" in p.get_text()), None)
        links = _verdict_links(verdict) if verdict is not None else []
        entries[anchor] = (number, links, verdict is not None)
    return entries


def test_every_check_anchor_is_its_own_row(html_dir, audit):
    page = soup_of(html_dir / "chapters" / "10-audit.html")
    for check in audit:
        target = page.find(id=check["anchor"])
        assert target is not None, check["id"]
        assert target.find_parent("tr").find("td").get_text(strip=True) == check["id"]


def test_each_entry_shows_the_verdicts_recorded_for_its_number(html_dir, relations, stated_facts):
    entries = _entries(html_dir)
    stated = [e for e in entries.values() if e[0].startswith(STATED)]
    assert {n.removeprefix(STATED) for n, *_ in stated} == set(stated_facts), "one entry per stated number"
    for anchor, (number, links, has_verdict) in entries.items():
        if not number:  # a number the book computed from several: no stated number, no verdict
            assert not has_verdict, anchor
        elif number.startswith(STATED) or relations.get(number):
            _assert_verdicts(links, relations, number, anchor)
        else:  # a table cell no check touches: no verdict is claimed for it
            assert not has_verdict, anchor


def test_scorecard_verdicts_are_about_the_row_value(html_dir, relations):
    entries = _entries(html_dir)
    table = soup_of(html_dir / "index.html").select_one("table#tbl-scorecard")
    rows = table.select("tbody tr")
    assert rows
    for row in rows:
        cells = row.find_all("td")
        value_link = cells[1].find("a")
        number, *_ = entries[value_link["href"].rsplit("#", 1)[-1]]
        assert number, f"the scorecard's {cells[0].get_text(strip=True)} is not a number the report states"
        _assert_verdicts(_verdict_links(cells[-1]), relations, number, cells[0].get_text(strip=True))
        checks = [link for link in _verdict_links(cells[-1]) if link[0].startswith("核查")]
        for _, anchor in checks:  # a check shown as 核查 has this row's value as its subject
            check = next(c for _, c in relations[number] if c["anchor"] == anchor)
            assert number in check["subject"], (number, check["id"])


def test_stated_only_table_lists_exactly_the_untouched_numbers(html_dir, relations, stated_facts):
    untouched = {key for key in stated_facts if not relations.get(STATED + key)}
    table = soup_of(html_dir / "chapters" / "10-audit.html").select_one("table#tbl-audit-stated")
    listed = []
    for row in table.select("tbody tr"):
        section, words, *_ = [cell.get_text("", strip=True) for cell in row.find_all("td")]
        listed.append((section, words))
    expected = sorted(
        (f["section"], f["quote"] or f"〔{f['place']}〕") for k, f in stated_facts.items() if k in untouched
    )
    assert sorted(listed) == expected


def test_every_number_link_reaches_an_entry(html_dir):
    entries = set(_entries(html_dir))
    for page in [*chapter_pages(), html_dir / "index.html"]:
        for link in soup_of(page).select("a.number-source"):
            assert link["href"].split("#", 1)[0].endswith("numbers.html"), (page.name, link)
            assert link["href"].rsplit("#", 1)[-1] in entries, (page.name, link["href"])


BOOK_WORDS = {"book-words"}  # the one mark of the book's own words


def _in_book_words(node) -> bool:
    return any(BOOK_WORDS & set(parent.get("class", [])) for parent in node.parents)


def _block_text(node) -> str:
    return re.sub(r"\s+", "", node.find_parent(["p", "li", "td", "th"]).get_text(""))


def test_a_prose_number_stands_where_the_report_states_it(html_dir, stated_facts):
    """A number of the prose that links to a stated number (directly, or through the trace of a number the book
    computed) stands in the report's own words of that number: its paragraph holds the quote. A number the book
    computed from a table without restating a number of the report does not stand in such words."""
    entries = _entries(html_dir)
    checked = 0
    for page in chapter_pages():
        for link in soup_of(page).select("a.number-source"):
            if link.find_parent("table") is not None or _in_book_words(link):
                continue
            number, *_ = entries[link["href"].rsplit("#", 1)[-1]]
            text = _block_text(link)
            if number.startswith(STATED):
                fact = stated_facts[number.removeprefix(STATED)]
                assert fact["quote"], f"{page.name}: prose number {number} has no words of the report ({fact['place']})"
                assert re.sub(r"\s+", "", fact["quote"]) in text, (page.name, number, fact["quote"])
                checked += 1
            else:
                shown = link.get_text("", strip=True)
                restating = [
                    k
                    for k, f in stated_facts.items()
                    if f["quote"]
                    and re.sub(r"\s+", "", f["quote"]) in text
                    and re.search(rf"(?<![\d.]){re.escape(f['value'])}(?![\d.])", re.sub(r"\s+", "", f["quote"]))
                    and f["value"] == shown
                ]
                assert not restating, f"{page.name}: {shown} restates {restating} but its trace names no stated number"
    assert checked > 100
