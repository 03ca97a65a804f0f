"""Two clean builds of the same commit, in different folders at different times, publish identical files.

Each build is a fresh `git clone` of this repository's HEAD (uncommitted changes are not in it), built with
`python -m jzreport.build html` then `pdf`, as `make book` does. To save time each clone starts from this
build's execution cache; the cache is keyed on each notebook's code and inputs, so a clone whose content
differs simply runs its notebooks. The published SHA256SUMS (and every file it lists) must be identical.
"""

from __future__ import annotations

import subprocess
import time

from tests.helpers import EDITION, ROOT, build_copy, copy_build_caches


def _clean_build(folder):
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True)
    copy_build_caches(folder)
    for target in ("html", "pdf"):
        result = build_copy(folder, target)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return folder / "book" / "_build" / "html"


def test_two_clean_builds_are_byte_identical(tmp_path):
    first = _clean_build(tmp_path / "first")
    time.sleep(1.5)  # a later second: the clock must not reach the output
    second = _clean_build(tmp_path / "elsewhere" / "second")
    sums = (first / "SHA256SUMS").read_text(encoding="utf-8")
    assert sums == (second / "SHA256SUMS").read_text(encoding="utf-8")
    assert len(sums.splitlines()) > 100 and EDITION.pdf_name in sums
    different = subprocess.run(["diff", "-rq", str(first), str(second)], capture_output=True, text=True).stdout
    assert different == "", different
