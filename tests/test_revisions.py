"""What changed since the last release: every published number's revision, listed, explained and marked.

In a git clone of this repository (a release is a commit and a tag), the book is released (`python -m
jzreport.releases record`, what `make release` runs before building), then corrected as an editor would: two data
cells (表 5's 2025 admissions, 表 3's full-time teachers) and one stated number (the graduates) change. Then:
- without entries in the corrections log, the build stops before anything is published, naming each change (file,
  row, column, old -> new), in an editor's words, without a traceback;
- with them, the book builds and its page 修订记录 lists exactly those three changes, old -> new with their causes,
  each with the published numbers that read it and changed (expected from the release's ledger and the site's own
  audit.json, never from the code that drew the page); each changed number is marked 修 in the text, and nothing
  else is; the scorecard shows the value at the release;
- the release's ledger is in the site (its SHA256SUMS) and in its source archive, byte for byte as committed.
The book this repository publishes has no release yet: its page says so. Small cases of the comparison's rules
(which release, which log entries explain what) run on hand-made ledgers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile

import pandas as pd
from bs4 import BeautifulSoup

from jzreport.releases import compare
from tests.helpers import EDITION, ROOT, build_copy, copy_build_caches, soup_of

TAG = f"release-{EDITION.year}-1"
LEDGER = f"releases/{EDITION.year}/{TAG}.json"
RELEASE_DATE = "2025-12-01"
# (file, the row's key column, row key, column, new value): two data cells and one stated number
EDITS = [
    ("progression.csv", "year", "2025", "admitted", "156"),
    ("teacher_composition.csv", "indicator", "专职教师", "value", "125"),
    ("reported_facts.csv", "key", "graduates", "value", "568"),
]
LOG = [
    ("progression.csv", "2025", "admitted", "更正", "录取人数按录取名单核对后更正"),
    ("teacher_composition.csv", "5", "value", "修订", "年底核定的专职教师人数"),
    ("reported_facts.csv", "graduates", "value", "更正", "毕业生总数按毕业名单更正"),
]


def _run(repo, *args) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JZREPORT_")}
    environment.update(PYTHONPATH=str(repo / "scripts"))
    return subprocess.run([sys.executable, *args], cwd=repo, env=environment, capture_output=True, text=True)


def _git(repo, *args) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def _data(repo):
    return repo / "data" / str(EDITION.year)


def _release_and_edit(repo):
    """A clone of this repository, released once, then the three edits made: (the commit released, old values)."""
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True)
    _git(repo, "config", "user.email", "editor@example.invalid")
    _git(repo, "config", "user.name", "Editor")
    copy_build_caches(repo)
    head = _git(repo, "rev-parse", "HEAD").strip()
    recorded = _run(repo, "-m", "jzreport.releases", "record", "--date", RELEASE_DATE)
    assert recorded.returncode == 0, recorded.stdout[-3000:] + recorded.stderr[-3000:]
    after = _run(repo, "-m", "jzreport.releases", "diff")  # the ledger describes the tagged commit's book
    assert f"本书即第 1 次发布（{RELEASE_DATE}，{TAG}）" in after.stdout, after.stdout + after.stderr
    old = {}
    for file, key_column, key, column, value in EDITS:
        path = _data(repo) / file
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        old[(file, column)] = table.loc[table[key_column] == key, column].item()
        table.loc[table[key_column] == key, column] = value
        table.to_csv(path, index=False)
    checked = _run(repo, "-m", "jzreport.datapackage.checksums")
    assert checked.returncode == 0, checked.stderr
    return head, old


def _log_the_changes(repo) -> None:
    with open(_data(repo) / "revisions.csv", "a", encoding="utf-8") as log:
        for file, row, column, kind, why in LOG:
            log.write(f"2025-12-05,{file},{row},{column},{kind},{why}\n")
    assert _run(repo, "-m", "jzreport.datapackage.checksums").returncode == 0


def test_a_release_then_three_corrections(tmp_path):
    """One test, its steps in order on one clone (pytest-xdist's groups do not hold here: see
    test_archive_roundtrip): release, edit, build without log entries (stops), log them, build (the page, the
    marks, the scorecard, the published ledger), make diff."""
    repo = tmp_path / "repo"
    head, old = _release_and_edit(repo)
    _assert_the_release_is_a_committed_tagged_ledger(repo, head)
    _assert_an_unlogged_change_stops_the_build_naming_it(repo, old)
    _log_the_changes(repo)
    built = build_copy(repo, "html")
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    site = repo / "book" / "_build" / "html"
    _assert_the_page_lists_exactly_the_three_changes_with_their_causes(site, old)
    _assert_each_change_lists_the_numbers_that_read_it_and_changed(repo, site, old)
    _assert_changed_numbers_are_marked_and_nothing_else(repo, site)
    _assert_the_scorecard_shows_the_value_at_the_release(site)
    _assert_the_release_s_ledger_is_in_the_site_and_its_source_archive(repo, site)
    _assert_make_diff_prints_the_changes_and_their_causes(repo)


def _assert_the_release_is_a_committed_tagged_ledger(repo, head):
    assert TAG in _git(repo, "tag").split()
    assert _git(repo, "rev-parse", f"{TAG}^{{commit}}") == _git(repo, "rev-parse", "HEAD")
    assert _git(repo, "show", "--name-only", "--format=", TAG).split() == [LEDGER]
    assert _git(repo, "rev-parse", f"{TAG}~1").strip() == head, "the ledger describes the commit it was made from"
    text = (repo / LEDGER).read_text(encoding="utf-8")
    ledger = json.loads(text)
    assert text == json.dumps(ledger, ensure_ascii=False, sort_keys=True, indent=1) + "\n", "stable, sorted JSON"
    assert ledger["release"] == {"number": 1, "tag": TAG, "date": RELEASE_DATE, "commit": head, "file": LEDGER}
    kinds = {number["kind"] for number in ledger["numbers"].values()}
    assert kinds == {"fact", "calc", "cell", "check"}
    assert ledger["inputs"]["progression.csv"]["2025"]["admitted"] == "155"
    cell = ledger["numbers"]["cell:progression:2025:录取人数"]
    assert cell["value"] == "155" and cell["reads"] == ["progression.csv:2025:admitted"]
    audit = json.loads((ROOT / "book" / "_build" / "html" / "audit" / "audit.json").read_text(encoding="utf-8"))
    assert {f"check:{c['id']}": c["verdict"] for c in audit} == {
        k: n["value"] for k, n in ledger["numbers"].items() if n["kind"] == "check"
    }, "every verdict, as the published audit gives it"


def _assert_an_unlogged_change_stops_the_build_naming_it(repo, old):
    result = build_copy(repo, "html")
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr, result.stdout[-3000:] + result.stderr[-3000:]
    for file, _, _, column, new in EDITS:
        row = {"progression.csv": "2025", "teacher_composition.csv": "5", "reported_facts.csv": "graduates"}[file]
        named = f"{file}, 行 {row}"
        assert named in result.stderr and f"列 {column}: {old[(file, column)]} → {new}" in result.stderr, result.stderr
    assert "revisions.csv" in result.stderr
    assert not (repo / "book" / "_build" / "html").exists(), "nothing published"


def _page(site, name) -> BeautifulSoup:
    return BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")


def _changed_verdicts(repo, site) -> dict[str, dict]:
    """The audit checks whose verdict differs from the release's, as the site's audit.json records them."""
    released_numbers = json.loads((repo / LEDGER).read_text(encoding="utf-8"))["numbers"]
    audit = json.loads((site / "audit" / "audit.json").read_text(encoding="utf-8"))
    return {c["id"]: c for c in audit if released_numbers[f"check:{c['id']}"]["value"] != c["verdict"]}


def _assert_the_page_lists_exactly_the_three_changes_with_their_causes(site, old):
    page = _page(site, "revisions.html")
    entries = page.select("div.revision-entry")
    assert len(entries) == len(EDITS), [e.get_text(" ", strip=True)[:80] for e in entries]
    assert not page.select(".revision-problems, .revision-unlogged"), "nothing unexplained"
    for (file, _, _, column, new), (_, row, _, kind, why), entry in zip(sorted(EDITS), sorted(LOG), entries):
        heading = entry.find("p").get_text("", strip=True)
        assert heading.startswith(kind) and file in heading and f"行{row}" in heading.replace(" ", "")
        assert f"{old[(file, column)]} → {new}" in heading, heading
        assert f"2025-12-05　{kind}：{why}" in entry.get_text("", strip=True)
    state = page.select_one("#sec-revisions-since").get_text("", strip=True)
    assert f"与第 1 次发布（{RELEASE_DATE}，标签 {TAG}）相比，3 处数据有改动" in state


def _assert_each_change_lists_the_numbers_that_read_it_and_changed(repo, site, old):
    """The cells shown, the stated number and every verdict that changed, under the change it read (audit.json)."""
    entries = {
        e.find("p").find("code").get_text(): e.get_text(" ", strip=True)
        for e in _page(site, "revisions.html").select("div.revision-entry")
    }
    assert "表 5 近两年升学情况统计表" in entries["progression.csv"] and "155 → 156" in entries["progression.csv"]
    assert "表 3 教师队伍构成情况" in entries["teacher_composition.csv"]
    assert "首页" in entries["teacher_composition.csv"], "the scorecard's value"
    assert f"{old[('reported_facts.csv', 'value')]} 人 → 568 人" in entries["reported_facts.csv"]
    changed = _changed_verdicts(repo, site)
    assert changed, "the corrections change some verdict"
    for check in changed.values():
        read = " ".join(check["verifies"] + check["reads"])
        under = [file for file in entries if f"审计 {check['id']}" in entries[file]]
        assert under, check["id"]
        for file in under:
            assert file in read, (check["id"], file, read)


def _assert_changed_numbers_are_marked_and_nothing_else(repo, site):
    page = _page(site, "revisions.html")
    listed = {li["id"] for li in page.select("ul.revision-numbers li[id]")}
    marked = set()
    pages = [site / "index.html", *sorted((site / "chapters").glob("*.html"))]
    for path in pages:
        for mark in _page(site, path.relative_to(site)).select(".revision-mark"):
            assert "book-words" in mark["class"] and mark.get_text(strip=True) == "修"
            marked.add(mark.find("a")["href"].rsplit("#", 1)[-1])
    assert marked == listed, marked ^ listed
    table_5 = _page(site, "chapters/02-talent-cultivation.html").select_one("table#tbl-progression")
    cells = [td for td in table_5.select("td") if td.select_one(".revision-mark")]
    assert [re.sub(r"修$", "", td.get_text("", strip=True)) for td in cells] == ["156"]
    prose = _page(site, "chapters/01-school-overview.html").find(string=re.compile("毕业生总数"))
    assert prose is not None and prose.find_parent("p").select_one(".revision-mark") is not None
    audit = _page(site, "chapters/10-audit.html")
    for check in _changed_verdicts(repo, site):
        row = audit.find(id=f"audit-{check.lower()}").find_parent("tr")
        assert row.select_one(".revision-mark") is not None, check


def _assert_the_scorecard_shows_the_value_at_the_release(site):
    scorecard = _page(site, "index.html").select_one("table#tbl-scorecard")
    notes = {
        row.find("td").get_text("", strip=True).split("（")[0]: row.select_one(".released-value").get_text()
        for row in scorecard.select("tbody tr")
        if row.select_one(".released-value")
    }
    assert notes == {"专职教师": "（发布时：124）", "毕业生总数": "（发布时：567 人）"}, notes
    for note in scorecard.select(".released-value"):
        assert "book-words" in note["class"]


def _assert_the_release_s_ledger_is_in_the_site_and_its_source_archive(repo, site):
    committed = (repo / LEDGER).read_bytes()
    assert (site / "revisions" / f"{TAG}.json").read_bytes() == committed
    sums = (site / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{hashlib.sha256(committed).hexdigest()}  revisions/{TAG}.json" in sums.splitlines()
    (archive,) = site.glob("*-source-*.tar.gz")
    with tarfile.open(archive) as packed:
        member = next(m for m in packed.getmembers() if m.name.endswith(LEDGER))
        assert packed.extractfile(member).read() == committed
    page = _page(site, "revisions.html").select_one("#sec-revisions-releases")
    assert page.find("a", href=f"revisions/{TAG}.json") is not None


def _assert_make_diff_prints_the_changes_and_their_causes(repo):
    result = _run(repo, "-m", "jzreport.releases", "diff", TAG)
    assert result.returncode == 0, result.stderr
    lines = result.stdout
    assert f"与第 1 次发布（{RELEASE_DATE}，{TAG}）相比 (compared with release 1" in lines
    assert "progression.csv, 行 2025, 列 admitted（录取人数）: 155 → 156" in lines
    assert "teacher_composition.csv, 行 5（专职教师）, 列 value（数量）: 124 → 125" in lines
    for _, _, _, kind, why in LOG:
        assert f"2025-12-05 {kind}：{why}" in lines
    assert "共 3 处数据改动" in lines and "3 data cells" in lines


# ---- the book this repository publishes ----------------------------------------------------------------


def test_before_the_first_release_the_page_says_there_is_none(html_dir):
    page = soup_of(html_dir / "revisions.html")
    article = page.select_one("article")
    assert "尚无已发布的版本" in article.select_one("#sec-revisions-since").get_text()
    for block in article.find_all(["h1", "h2", "p", "li"]):
        assert any("book-words" in node.get("class", []) for node in [block, *block.parents]), block.get_text()[:40]
    pages = [html_dir / "index.html", *html_dir.glob("chapters/*.html")]
    assert not any(soup_of(path).select(".revision-mark") for path in pages), "no release: nothing is marked"


def test_the_page_follows_numbers_in_the_table_of_contents(html_dir):
    links = [a["href"] for a in soup_of(html_dir / "index.html").select("nav.bd-docs-nav a.reference")]
    names = [href.split("#")[0].removeprefix("./") for href in links]
    assert names.index("revisions.html") == names.index("numbers.html") + 1, names


# ---- the rules of the comparison, on hand-made ledgers ------------------------------------------------------


def _ledger(value: str, *, verdict: str = "一致", log=(), number: int = 0) -> dict:
    ledger = {
        "edition": 2025,
        "inputs": {"t.csv": {"1": {"n": value}}},
        "numbers": {
            "cell:t:1:n": {"kind": "cell", "value": value, "where": "表", "reads": ["t.csv:1:n"]},
            "check:A1-01": {"kind": "check", "value": verdict, "where": "审计", "reads": ["t.csv:*:*"]},
        },
        "log": [dict(e) for e in log],
    }
    if number:
        ledger["release"] = {
            "number": number,
            "tag": f"release-2025-{number}",
            "date": "2025-12-01",
            "commit": "c" * 40,
        }
    return ledger


def _entry(line, file="t.csv", row="1", column="n", date="2025-12-05") -> dict:
    return {"line": line, "date": date, "file": file, "row": row, "column": column, "kind": "更正", "why": "因"}


def _compare(current, releases, **options):
    return compare.compare(current, releases, titles={}, exists=lambda name: name == "book/x.md", **options)


def test_a_book_that_is_its_last_release_is_compared_with_the_one_before():
    first, second = _ledger("1", number=1), _ledger("2", log=[_entry(2)], number=2)
    assert _compare(_ledger("1"), [])["status"] == compare.NONE
    assert _compare(_ledger("1"), [first])["status"] == compare.FIRST
    same = _compare(_ledger("2", log=[_entry(2)]), [first, second])
    assert same["status"] == compare.CHANGED and same["this_release"]["number"] == 2 and same["base"]["number"] == 1
    assert not same["problems"] and list(same["changed"]) == ["cell:t:1:n"]
    (stray,) = _compare(_ledger("2", log=[_entry(2), _entry(3, row="9")]), [first, second])["problems"]
    assert "第 3 行" in stray and "自第 2 次发布以来没有改动" in stray
    later = _compare(_ledger("3", log=[_entry(2), _entry(3, date="2025-12-08")]), [first, second])
    assert later["base"]["number"] == 2 and later["this_release"] is None and not later["problems"]


def test_only_new_log_entries_explain_changes_and_every_new_entry_explains_one():
    base = _ledger("1", log=[_entry(2)], number=1)
    stale = _compare(_ledger("2", log=[_entry(2)]), [base])
    assert len(stale["problems"]) == 1 and "t.csv, 行 1, 列 n: 1 → 2" in stale["problems"][0]
    logged = _compare(_ledger("2", log=[_entry(2), _entry(3, date="2025-12-06")]), [base])
    assert not logged["problems"]
    assert [n["key"] for n in logged["inputs"][0]["derived"]] == ["cell:t:1:n"]
    orphan = _compare(_ledger("2", log=[_entry(2), _entry(3, date="2025-12-06"), _entry(4, row="9")]), [base])
    assert orphan["status"] == compare.CHANGED and len(orphan["problems"]) == 1 and "第 4 行" in orphan["problems"][0]
    (unchanged,) = _compare(_ledger("1", log=[_entry(2), _entry(3, row="9")]), [base])["problems"]
    assert "第 3 行" in unchanged and "自第 1 次发布以来没有改动" in unchanged


def test_a_change_no_data_explains_needs_an_entry_naming_the_file_and_the_number():
    base = _ledger("1", number=1)
    code = _ledger("1", verdict="不一致")
    (problem,) = _compare(code, [base])["problems"]
    assert "check:A1-01" in problem and "一致 → 不一致" in problem
    explained = _compare(code | {"log": [_entry(2, file="book/x.md", row="check:", column="")]}, [base])
    assert not explained["problems"] and explained["other"][0]["derived"][0]["key"] == "check:A1-01"
    missing = _compare(code | {"log": [_entry(2, file="book/y.md", row="check:", column="")]}, [base])
    assert any("没有文件 book/y.md" in p for p in missing["problems"])
