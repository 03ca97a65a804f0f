"""The published source archive: what it holds, how it is packed, and how a tree without git knows its source.

The archive is read as an auditor gets it, from the published site; what it must hold is derived from this
repository (git's file list, the files themselves, the commit) and from the site (its SHA256SUMS). The round trip
(the archive unpacked and built without git) is tests/test_archive_roundtrip.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile

import pytest

from jzreport.build import source_archive, source_tree
from tests.helpers import EDITION, HTML_DIR, ROOT, soup_of

ARCHIVE = HTML_DIR / EDITION.source_archive_name
FOLDER = EDITION.source_archive_name.removesuffix(".tar.gz")
GENERATED = {"AUDITING.md", "SOURCE-INFO.json", "SOURCE-SHA256SUMS", "EXPECTED-SHA256SUMS"}


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def members(html_dir) -> dict[str, tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(ARCHIVE) as archive:
        return {info.name: (info, archive.extractfile(info).read()) for info in archive.getmembers()}


def _inside(members) -> dict[str, bytes]:
    return {name.removeprefix(f"{FOLDER}/"): content for name, (_, content) in members.items()}


def _site_sums() -> dict[str, str]:
    lines = (HTML_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def test_archive_is_published_listed_and_linked(html_dir):
    assert _site_sums()[ARCHIVE.name] == hashlib.sha256(ARCHIVE.read_bytes()).hexdigest()
    assert soup_of(html_dir / "colophon.html").find("a", href=ARCHIVE.name) is not None


@pytest.mark.skipif(not source_tree.in_git_checkout(ROOT), reason="the repository is not a git checkout")
def test_archive_holds_every_tracked_file_as_it_is(members):
    tracked = {name for name in _git("ls-files", "-z").split("\0") if name and (ROOT / name).is_file()}
    inside = _inside(members)
    assert set(inside) == tracked | GENERATED
    changed = [name for name in tracked if inside[name] != (ROOT / name).read_bytes()]
    assert changed == [], f"packed files differ from the tree (rebuild with `make book`): {changed}"
    manifest = dict(reversed(line.split("  ", 1)) for line in inside["SOURCE-SHA256SUMS"].decode().splitlines())
    assert manifest == {name: hashlib.sha256(inside[name]).hexdigest() for name in tracked}


@pytest.mark.skipif(not source_tree.in_git_checkout(ROOT), reason="the repository is not a git checkout")
def test_archive_names_the_commit_and_the_build_time(members):
    info = json.loads(_inside(members)["SOURCE-INFO.json"])
    assert info["commit"] == _git("rev-parse", "HEAD")
    assert info["modified"] == bool(_git("status", "--porcelain", "--untracked-files=no"))
    expected_epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or _git("log", "-1", "--format=%ct"))
    assert info["source_date_epoch"] == expected_epoch
    assert {info.mtime for info, _ in members.values()} == {expected_epoch}


def test_archive_is_packed_reproducibly(members):
    raw = ARCHIVE.read_bytes()
    assert raw[:3] == b"\x1f\x8b\x08" and raw[3] & 0x08 == 0, "gzip header: deflate, no file name"
    assert int.from_bytes(raw[4:8], "little") == 0, "gzip header: no date"
    names = list(members)
    assert names == sorted(names) and all(name.startswith(f"{FOLDER}/") for name in names)
    for name, (info, _) in members.items():
        assert info.isfile(), name
        assert (info.uid, info.gid, info.uname, info.gname) == (0, 0, "", ""), name
        source = ROOT / name.removeprefix(f"{FOLDER}/")
        executable = source.exists() and bool(source.stat().st_mode & 0o100)
        assert info.mode == (0o755 if executable else 0o644), name
    # the same entries packed again, at another moment, give the same bytes
    entries = [(n.removeprefix(f"{FOLDER}/"), content, info.mode) for n, (info, content) in members.items()]
    mtime = next(iter(members.values()))[0].mtime
    assert source_archive.pack(entries, FOLDER, mtime) == raw


def test_expected_checksums_are_the_sites_other_files(members):
    expected = _inside(members)["EXPECTED-SHA256SUMS"].decode().splitlines()
    site = _site_sums()
    del site[ARCHIVE.name]
    assert dict(reversed(line.split("  ", 1)) for line in expected) == site


def test_auditors_readme_names_the_commit_steps_and_checksums(members):
    inside = _inside(members)
    readme = inside["AUDITING.md"].decode()
    info = json.loads(inside["SOURCE-INFO.json"])
    assert "{{" not in readme and str(info["commit"]) in readme
    assert _site_sums()[EDITION.pdf_name] in readme
    commands = ["sha256sum -c", f"tar -xzf {ARCHIVE.name}", "make book", "diff ../SHA256SUMS", "make audit"]
    steps = readme[readme.index("Instructions to replicators") :]
    places = [steps.index(command) for command in commands]
    assert places == sorted(places), "the commands in the order an auditor runs them"
    for heading in ("Data availability", "Computational requirements", "Instructions to replicators"):
        assert heading in readme
    measured = inside.get("benchmark/archive-roundtrip.json")  # the last `make verify-archive`, when committed
    if measured is not None:
        for step in json.loads(measured)["steps"]:
            assert re.search(rf"\| {re.escape(step['name'])} \|.*\| {step['seconds']:.1f} \|", readme), step


def _unpacked(tmp_path, members):
    for name, content in _inside(members).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    return tmp_path


def test_a_tree_without_git_takes_its_origin_from_the_archive(tmp_path, members):
    tree = _unpacked(tmp_path, members)
    info = json.loads((tree / "SOURCE-INFO.json").read_text())
    origin = source_tree.origin(tree)
    assert (origin.kind, origin.commit, origin.epoch) == ("archive", info["commit"], info["source_date_epoch"])
    assert origin.modified == info["modified"]
    assert source_tree.files(tree) == sorted(set(_inside(members)) - GENERATED)
    changed = tree / "book" / "chapters" / "02-talent-cultivation.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (tree / "_toc.yml").unlink()
    assert source_tree.changed_files(tree) == ["_toc.yml", "book/chapters/02-talent-cultivation.md"]
    assert source_tree.origin(tree).modified


def test_source_check_names_the_changed_file(tmp_path, members):
    tree = _unpacked(tmp_path, members)
    check = [sys.executable, "-m", "jzreport.build.source_tree", "check"]
    env = {**os.environ, "PYTHONPATH": str(tree / "scripts")}
    assert subprocess.run(check, cwd=tree, env=env, capture_output=True, text=True).returncode == 0
    (tree / "data" / str(EDITION.year) / "majors.csv").write_bytes(b"changed\n")
    result = subprocess.run(check, cwd=tree, env=env, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"data/{EDITION.year}/majors.csv" in result.stderr


def test_a_tree_of_unknown_origin_says_so(tmp_path):
    with pytest.raises(source_tree.SourceTreeError, match="SOURCE-SHA256SUMS"):
        source_tree.files(tmp_path)
    assert source_tree.origin(tmp_path).kind == "unknown"
