"""Two clean builds of the same commit, in different folders at different times, publish identical files.

Each build is a fresh `git clone` of this repository's HEAD (uncommitted changes are not in it) into a folder of
its own, built with `python -m jzreport.build html` then `pdf`, as `make book` does. The two share nothing that a
build makes or keeps: no execution cache, no build folder, no static images, and each has a home and a temporary
folder of its own (for Jupyter's, IPython's and chromium's files); only the installed tools are common. The second
build starts a few seconds after the first and runs beside it. Every published file must be the same: the
SHA256SUMS of the site, and every byte of the HTML and PDF folders (`diff -r`).
"""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from tests.helpers import EDITION, ROOT, build_copy

PUBLISHED = ("html", "pdf")  # folders of book/_build/ that a build publishes
LATER_S = 3  # the second build starts this much later (its clock reads another second)


def _clean_build(folder):
    """A clone of HEAD in `folder`, built (HTML, then PDF) with nothing but its own files."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(folder / "repo")], check=True)
    own = {"HOME": folder / "home", "TMPDIR": folder / "tmp"}
    for path in own.values():
        path.mkdir()
    for target in ("html", "pdf"):
        result = build_copy(folder / "repo", target, **{name: str(path) for name, path in own.items()})
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return folder / "repo" / "book" / "_build"


def test_two_clean_builds_are_byte_identical(tmp_path):
    with ThreadPoolExecutor(max_workers=2) as builds:
        first = builds.submit(_clean_build, _folder(tmp_path / "first"))
        time.sleep(LATER_S)
        second = builds.submit(_clean_build, _folder(tmp_path / "elsewhere" / "second"))
        first, second = first.result(), second.result()
    sums = (first / "html" / "SHA256SUMS").read_text(encoding="utf-8")
    assert len(sums.splitlines()) > 100 and EDITION.pdf_name in sums
    assert sums == (second / "html" / "SHA256SUMS").read_text(encoding="utf-8")
    for folder in PUBLISHED:
        different = subprocess.run(["diff", "-r", str(first / folder), str(second / folder)], capture_output=True)
        assert different.returncode == 0, different.stdout.decode(errors="replace")[:3000]


def _folder(path):
    path.mkdir(parents=True)
    return path
