"""Invalidate the notebook execution cache when the data or the shared code change.

Jupyter Book's cache is keyed on a notebook's code cells only (MyST-NB#299): a changed CSV or a
changed `jzreport` module would not re-execute anything. Before each build this compares a digest of
everything the notebooks read besides their own code (data files, descriptor, jzreport sources) and
of the book's Sphinx extensions (which change every page without changing any source) with
the digest recorded at the last build, and clears the cache when it differs.
"""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from . import paths


def inputs_digest() -> str:
    digest = hashlib.sha256()
    files = (sorted(paths.DATA_DIR.glob("*.csv")) + [paths.DESCRIPTOR] + sorted(Path(__file__).parent.glob("*.py"))
             + sorted((paths.BOOK_DIR / "_ext").glob("*.py")))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def main(build_dir: str) -> int:
    """Clear the execution cache and Sphinx's environment under `build_dir` when the inputs changed."""
    build = Path(build_dir)
    stamp = build / ".notebook-inputs.sha256"
    current = inputs_digest()
    if stamp.exists() and stamp.read_text().strip() == current:
        return 0
    stale = [build / ".jupyter_cache", build / ".doctrees"]
    if any(p.exists() for p in stale):
        print("==> 数据或共享代码已改变，清除执行缓存 (data or shared code changed: clearing the execution cache)")
        for path in stale:
            shutil.rmtree(path, ignore_errors=True)
    build.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
