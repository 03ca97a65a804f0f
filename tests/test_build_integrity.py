"""Bad data never publishes: the build stops with the problem named and the published book unchanged (hostile text in
data, an offline build: tests/test_hostile_text.py; two independent builds: tests/test_reproducible.py)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from tests.helpers import HTML_DIR, ROOT
from tests.test_data_package import BAD_INPUTS

BOOK = ROOT / "book"


def tree_digest(folder) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def run_build(env_data_dir, *args):
    env = {**os.environ, "JZREPORT_DATA_DIR": str(env_data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "jzreport.build", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("case", BAD_INPUTS, ids=str)
def test_invalid_data_leaves_published_book_untouched(data_copy, html_dir, case):
    """Every case of the bad-input matrix stops the build with its message; the published book is unchanged."""
    breaker, expected = BAD_INPUTS[case]
    before = tree_digest(HTML_DIR)
    breaker(data_copy)
    result = run_build(data_copy, "html")
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert all(part in message for part in expected), message
    assert "已发布的书未改动" in message
    assert tree_digest(HTML_DIR) == before
