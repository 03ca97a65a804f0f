"""`make serve`: a live preview of the book while editing, never touching the published book.

    python -m jzreport.editing.preview [--port 8000]     serve on 127.0.0.1, rebuild on every save
    python -m jzreport.editing.preview prepare           (run by the server before each rebuild)

sphinx-autobuild watches the chapters, the data of the edition and the shared package; on a save it
rebuilds the HTML into book/_build/preview/ and the open page reloads itself. Before each rebuild,
`prepare` validates the data (only when a data file changed since the last valid check) and lets the
execution cache follow the data (cache_guard): a prose edit re-executes nothing, a data edit re-executes
only the chapters that read the changed file. The preview shares the execution cache of the full build
(book/_build/work), so neither runs a notebook the other already ran; a rebuild and a full build take turns
(jzreport.build.build_lock: both the preparation and the Sphinx run wait while `make html` works). The published
book (book/_build/html) is only ever replaced by a full `make html`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from jzreport import paths
from jzreport.build import run as build
from jzreport.settings import Settings

PREVIEW_DIR = build.BUILD_DIR / "preview"
CONF_DIR = PREVIEW_DIR / "conf"
HTML_DIR = PREVIEW_DIR / "html"
DOCTREES = PREVIEW_DIR / "doctrees"
VALID_DATA_STAMP = PREVIEW_DIR / "valid-data.json"  # data file -> digest of file and entry, last found valid
# Relative paths of the Sphinx configuration, which Sphinx resolves against the configuration folder.
_PATH_SETTINGS = ("html_static_path", "html_favicon", "html_logo", "external_toc_path", "latex_additional_files")


def _absolute(value):
    if isinstance(value, list):
        return [_absolute(v) for v in value]
    if isinstance(value, str) and value and "://" not in value:
        return str((paths.BOOK_DIR / value).resolve())
    return value


def write_sphinx_conf() -> Path:
    """The book's Sphinx configuration (from _config.yml, as jupyter-book computes it) as a conf.py in
    its own folder, with paths made absolute and the full build's execution cache."""
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(
        user_yaml=paths.CONFIG,
        sourcedir=paths.BOOK_DIR,
        cli_config={"external_toc_path": str(paths.TOC), "latex_individualpages": False},
    )
    config = {key: _absolute(value) if key in _PATH_SETTINGS else value for key, value in config.items()}
    config["nb_execution_cache_path"] = str(build.JB_BUILD_DIR / ".jupyter_cache")
    lines = [
        "# Written by jzreport.editing.preview from _config.yml: do not edit.",
        "import sys",
        f"sys.path.insert(0, {str(paths.BOOK_DIR / '_ext')!r})",
        "# This Sphinx run shares the execution cache and the figure images with `make html`: one at a time.",
        "__import__('jzreport.build.build_lock', fromlist=['_']).hold_until_exit('make serve')",
    ]
    lines += [f"{key} = {config[key]!r}" for key in sorted(config)]
    CONF_DIR.mkdir(parents=True, exist_ok=True)
    (CONF_DIR / "conf.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return CONF_DIR


def prepare() -> int:
    """Before each rebuild: validate the data files that changed, refresh the execution cache. Non-zero: do
    not build (the preview keeps showing the last good build)."""
    from jzreport.build import build_lock, cache
    from jzreport.datapackage import validate

    with build_lock.held("make serve"):  # the execution cache is the full build's: one at a time
        problems = validate.validate_changed(Settings.from_environment(), VALID_DATA_STAMP)
        if problems:
            for problem in problems:
                print(f"  - {problem}", file=sys.stderr)
            print(
                f"数据有 {len(problems)} 处问题，预览未更新 (invalid data: the preview was not rebuilt)",
                file=sys.stderr,
            )
            return 1
        return cache.main(str(build.JB_BUILD_DIR))


def serve(port: int) -> None:
    conf = write_sphinx_conf()
    python = sys.executable
    command = [
        str(Path(python).with_name("sphinx-autobuild")),
        str(paths.BOOK_DIR),
        str(HTML_DIR),
        "-c",
        str(conf),
        "-d",
        str(DOCTREES),
        "-b",
        "html",
        "-n",
        "--keep-going",
        "-q",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--watch",
        str(Settings.from_environment().data_dir),
        "--watch",
        str(Path(__file__).parent),
        "--ignore",
        str(build.BUILD_DIR),
        "--re-ignore",
        r"(\.ipynb_checkpoints|__pycache__|\.pyc$|\.~)",
        "--pre-build",
        f"{python} -m jzreport.editing.preview prepare",
    ]
    build.announce(
        f"预览 (live preview): http://127.0.0.1:{port}/ — 保存后自动重建并刷新页面 (rebuilt and reloaded on save); "
        f"已发布的书不受影响 (the published book is not touched)"
    )
    os.execv(command[0], command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", nargs="?", choices=["serve", "prepare"], default="serve")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    if args.action == "prepare":
        return prepare()
    serve(args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
