"""Two clean builds of the same commit, in different folders at different times, publish identical files.

Each build is a fresh `git clone` of this repository's HEAD (uncommitted changes are not in it) into a folder of
its own, built with `python -m jzreport.build html` then `pdf`, as `make book` does. The two share nothing that a
build makes or keeps: no execution cache, no build folder, no static images, and each has a home and a temporary
folder of its own (for Jupyter's, IPython's and chromium's files); only the installed tools are common. The second
starts when the first has finished, minutes later. Every published file must be the same: the site's SHA256SUMS,
and every byte of the HTML and PDF folders (`diff -r`).
"""

from __future__ import annotations

import subprocess
import tempfile

from tests.helpers import EDITION, ROOT, build_copy

PUBLISHED = ("html", "pdf")  # the folders of book/_build/ that a build publishes
BUILD_TIMEOUT_S = 900  # one step (html or pdf) of a clean build takes 1–2 minutes here


def _clean_build(folder):
    """A clone of HEAD in `folder`, built (HTML, then PDF) with nothing but its own files."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(folder / "repo")], check=True)
    (folder / "home").mkdir()
    # A temporary folder with a short path: chromium (kaleido) makes a socket in it, and a socket's path may not
    # exceed 107 bytes (in pytest's deep tmp_path chromium died at once and kaleido waited for ever).
    with tempfile.TemporaryDirectory(prefix="jz-") as temporary:
        for target in ("html", "pdf"):
            env = {"HOME": str(folder / "home"), "TMPDIR": temporary}
            result = build_copy(folder / "repo", target, timeout=BUILD_TIMEOUT_S, **env)
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return folder / "repo" / "book" / "_build"


def test_two_clean_builds_are_byte_identical(tmp_path):
    first = _clean_build(tmp_path / "first")
    second = _clean_build(tmp_path / "elsewhere" / "second")
    sums = (first / "html" / "SHA256SUMS").read_text(encoding="utf-8")
    assert len(sums.splitlines()) > 100 and EDITION.pdf_name in sums
    assert sums == (second / "html" / "SHA256SUMS").read_text(encoding="utf-8")
    for folder in PUBLISHED:
        different = subprocess.run(["diff", "-r", str(first / folder), str(second / folder)], capture_output=True)
        assert different.returncode == 0, different.stdout.decode(errors="replace")[:3000]
