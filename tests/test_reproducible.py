"""Two clean builds of the same commit, in different folders at different times, publish identical files.

Each build is a fresh `git clone` of this repository's HEAD (uncommitted changes are not in it), built with
`python -m jzreport.build html` then `pdf`, as `make book` does. To save time each clone starts from this
build's execution cache; the cache is keyed on each notebook's code and inputs, so a clone whose content
differs simply runs its notebooks. The published SHA256SUMS (and every file it lists) must be identical.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

from tests.helpers import EDITION, ROOT

EXECUTION_CACHE = ROOT / "book" / "_build" / "work" / "_build"
FIGURE_IMAGES = ROOT / "book" / "_build" / "figure-images"


def _clean_build(folder):
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True)
    work = folder / "book" / "_build" / "work" / "_build"
    if (EXECUTION_CACHE / ".jupyter_cache").exists():
        shutil.copytree(EXECUTION_CACHE / ".jupyter_cache", work / ".jupyter_cache")
        shutil.copy2(EXECUTION_CACHE / ".notebook-inputs.json", work / ".notebook-inputs.json")
    if FIGURE_IMAGES.exists():  # the figures' static images, made from the same content
        shutil.copytree(
            FIGURE_IMAGES, folder / "book" / "_build" / "figure-images", ignore=shutil.ignore_patterns("renderer.pid")
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("JZREPORT_") and k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = str(folder / "scripts")
    for target in ("html", "pdf"):
        result = subprocess.run(
            [sys.executable, "-m", "jzreport.build", target], cwd=folder, env=env, capture_output=True, text=True
        )
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
