"""Build the book atomically: a failed build never changes the published book.

    python -m jzreport.build html [--strict]

1. validate the data package (stop on the first invalid file, before any notebook runs);
2. clear the execution cache if data or shared code changed (see cache_guard);
3. build with jupyter-book into a work folder (book/_build/work, kept between builds for caching);
4. only when everything succeeded, replace the published book/_build/html in one rename.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import cache_guard, paths, validation

BUILD_DIR = paths.BOOK_DIR / "_build"
WORK_DIR = BUILD_DIR / "work"
PUBLISHED_HTML = BUILD_DIR / "html"
PUBLISHED_PDF_DIR = BUILD_DIR / "pdf"  # written by scripts/build_pdf.sh; the HTML front page links to the PDF


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def jupyter_book(builder: str, strict: bool) -> None:
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(paths.BOOK_DIR),
               "--path-output", str(WORK_DIR), "--builder", builder]
    if strict:
        command += ["-W", "-n", "--keep-going"]
    started = time.monotonic()
    result = subprocess.run(command, cwd=paths.ROOT)
    if result.returncode != 0:
        raise SystemExit(f"构建失败，已发布的书未改动 (jupyter-book {builder} failed with exit code {result.returncode}; "
                         "the published book is unchanged)")
    say(f"jupyter-book {builder} 完成，用时 {time.monotonic() - started:.1f} 秒")


def replace_atomically(new: Path, published: Path, extra_files: list[Path] = ()) -> None:
    """Copy `new` (and `extra_files`) beside `published`, then swap them with renames."""
    staging = published.with_name(published.name + ".new")
    previous = published.with_name(published.name + ".old")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(new, staging)
    for extra in extra_files:
        shutil.copy2(extra, staging / extra.name)
    shutil.rmtree(previous, ignore_errors=True)
    if published.exists():
        published.rename(previous)
    staging.rename(published)
    shutil.rmtree(previous, ignore_errors=True)


def validate_data() -> None:
    say("校验数据包 (validating the data package)")
    problems = validation.validate_package()
    if problems:
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        raise SystemExit(f"数据有 {len(problems)} 处问题，未构建，已发布的书未改动 (invalid data: nothing was built)")


def build_html(strict: bool) -> None:
    validate_data()
    cache_guard.main(str(WORK_DIR / "_build"))
    say("构建 HTML (building HTML)")
    jupyter_book("html", strict)
    replace_atomically(WORK_DIR / "_build" / "html", PUBLISHED_HTML, sorted(PUBLISHED_PDF_DIR.glob("*.pdf")))
    say(f"HTML 已发布 (published): {PUBLISHED_HTML.relative_to(paths.ROOT)}/index.html")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=["html"])
    parser.add_argument("--strict", action="store_true", default=bool(os.environ.get("STRICT")),
                        help="warnings are errors (default when STRICT is set)")
    args = parser.parse_args(argv)
    build_html(args.strict)
    return 0


if __name__ == "__main__":
    sys.exit(main())
