"""The published source archive, unpacked into an empty folder without git, builds the published book byte for byte
and audits it; a file changed in it makes the audit fail, naming the file.

This is the auditor's round trip of AUDITING.md, with the real tools (`make html`, `make pdf`, `make audit`), and
nothing shared with the build it is compared with: no cache, no build folder; only this repository's Python
environment is borrowed (VENV=..., as `make verify-archive --reuse-venv` does; installing one takes minutes), and
the Makefile makes the unpacked tree import its own package, not the one the environment was installed from.
`make verify-archive` runs the same with a fresh environment and times it.
"""

from __future__ import annotations

import os
import subprocess
import tarfile

from jzreport import paths
from tests.helpers import EDITION, HTML_DIR

# What this process's environment must not lend the unpacked tree's build.
NOT_INHERITED = {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "PYTHONPATH", "VIRTUAL_ENV", "SOURCE_DATE_EPOCH"}
NOT_INHERITED |= {name for name in os.environ if name.startswith("JZREPORT_") and name != "JZREPORT_EDITION"}


def _make(tree, *targets):
    """make in the unpacked tree with this repository's environment, taken as it is: `-o` its setup stamp, or make
    would install the tree's package into it (the archive's files are dated at the commit, after the stamp)."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    venv = paths.ROOT / ".venv"
    command = ["make", *targets, f"VENV={venv}", "-o", f"{venv}/.requirements-installed"]
    return subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=900)


def _unpack_and_build(folder, html_dir):
    archive = html_dir / EDITION.source_archive_name
    with tarfile.open(archive) as packed:
        packed.extractall(folder, filter="data")
    tree = folder / archive.name.removesuffix(".tar.gz")
    assert subprocess.run(["git", "-C", str(tree), "rev-parse"], capture_output=True).returncode != 0, "inside git"
    published = (HTML_DIR / "SHA256SUMS").read_bytes()
    result = _make(tree, "html", "pdf")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (HTML_DIR / "SHA256SUMS").read_bytes() == published, "the unpacked tree built into this repository"
    imported = subprocess.run(
        [str(paths.ROOT / ".venv" / "bin" / "python"), "-c", "import jzreport; print(jzreport.__file__)"],
        cwd=folder,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
    ).stdout
    assert imported.startswith(str(paths.ROOT / "scripts")), f"the borrowed environment now imports {imported}"
    return tree


def _sums(site) -> dict[str, str]:
    lines = (site / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def test_unpacked_archive_builds_the_published_book_and_audits_it(tmp_path, html_dir):
    """One test, not two sharing a fixture: pytest-xdist 3.8's groups do not hold under pytest 9.2 (its
    xdist_group suffix no longer reaches the node id), and the build takes a minute and a half."""
    unpacked = _unpack_and_build(tmp_path, html_dir)

    # `make book` there gives the published files, byte for byte
    built, published = _sums(unpacked / "book" / "_build" / "html"), _sums(HTML_DIR)
    pages = sorted(name for name in published if name.endswith(".html"))
    assert len(pages) > 10 and EDITION.pdf_name in published
    assert {n: built.get(n) for n in [*pages, EDITION.pdf_name]} == {
        n: published[n] for n in [*pages, EDITION.pdf_name]
    }
    assert built == published, "every file, the archive packed again included"
    assert (unpacked / "book" / "_build" / "pdf" / EDITION.pdf_name).read_bytes() == (
        HTML_DIR / EDITION.pdf_name
    ).read_bytes()

    # `make audit` re-executes every chapter and passes; a changed source file makes it fail, naming the file
    result = _make(unpacked, "audit")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    chapters = len(list((unpacked / "book" / "chapters").glob("*.md")))
    assert f"{chapters} passed, 0 failed" in result.stdout
    changed = f"book/chapters/{sorted((unpacked / 'book' / 'chapters').glob('*.md'))[2].name}"
    with open(unpacked / changed, "a", encoding="utf-8") as chapter:
        chapter.write("\n")
    result = _make(unpacked, "audit")
    assert result.returncode != 0
    assert changed in result.stderr and "Traceback" not in result.stderr
