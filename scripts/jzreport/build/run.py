"""Build the book atomically: a failed build never changes the published book.

    python -m jzreport.build html|pdf

1. while Sphinx starts up: validate the data package (stop on the first invalid file, before any notebook
   runs), then re-execute the notebooks whose data or shared code changed (see cache_guard), then compare the
   book's numbers with the last release (jzreport.releases: stop when a change is not in the corrections log);
   Sphinx waits; the figures' static images are made meanwhile (static_images);
3. build with jupyter-book into a work folder (book/_build/work, kept between builds: the HTML and
   PDF builds share its execution cache). Every warning is an error (a broken reference, an unknown
   {eval} name, a failing cell): the build goes on to find them all, then fails, printing one line per
   problem (chapter file and line, in Chinese and English); the full log is kept in book/_build/logs/;
4. check the result (for the PDF: XeLaTeX found a glyph for every character);
5. only when everything succeeded, publish: book/_build/html replaced in one rename, the PDF written
   to book/_build/pdf/ and into the published HTML site (whose front page links to it), with the book's
   source as one archive (jzreport.build.source_archive: it lists the checksums of the site's other files, so it is
   packed again after the PDF) and a SHA256SUMS of every published file (`sha256sum -c SHA256SUMS` in the
   site checks them).

One build at a time: a second build of the same tree (or a rebuild of the live preview) waits for the first to
finish (jzreport.build.build_lock), saying so.

Builds are reproducible: the build time is the commit's (SOURCE_DATE_EPOCH, unless already set; in an unpacked
source archive, the time it records), so two builds of the same commit, in any folder at any time, publish
byte-identical files, and so does a build of the published source archive, unpacked, without git.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from jzreport import paths
from jzreport.build import (
    build_lock,
    cache,
    editions,
    execution,
    source_archive,
    source_tree,
    sphinx_log,
    static_images,
)
from jzreport.datapackage import validate
from jzreport.datapackage.load import DataPackage, sha256_of
from jzreport.releases import comparison
from jzreport.settings import Settings

BUILD_DIR = paths.BUILD_DIR
WORK_DIR = BUILD_DIR / "work"
PUBLISHED_HTML = BUILD_DIR / "html"
PUBLISHED_PDF_DIR = BUILD_DIR / "pdf"
JB_BUILD_DIR = WORK_DIR / "_build"  # jupyter-book's output: html/, latex/, the execution cache and its inputs
LATEX_DIR = JB_BUILD_DIR / "latex"
LOG_DIR = BUILD_DIR / "logs"
REVISIONS = JB_BUILD_DIR / "revisions.json"  # the comparison with the last release, for the Sphinx extensions
CHECKSUMS = "SHA256SUMS"
# Sphinx's own bookkeeping for incremental builds (a hash of the configuration, absolute paths included):
# not part of the book, and it would differ between two checkouts of the same commit.
UNPUBLISHED = (".buildinfo",)
# Lines of jupyter-book's output shown while it works (the rest goes to the log file only).
_PROGRESS = (
    "reading sources...",
    "Executed notebook",
    "build succeeded",
    "build finished with problems",
    "Latexmk: All targets",
    "Output written on",
)


def announce(message: str) -> None:
    print(f"==> {message}", flush=True)


def jupyter_book(builder: str, while_starting=None) -> None:
    """Run jupyter-book with warnings as errors; on failure print each problem on one line and stop.

    `while_starting` (executing the notebooks) runs while Sphinx starts up; Sphinx reads no page before it has
    returned (book/_ext/notebook_execution.py waits for the marker file named in READY_ENV)."""
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(paths.BOOK_DIR),
        "--config",
        str(paths.CONFIG),
        "--toc",
        str(paths.TOC),
        "--path-output",
        str(WORK_DIR),
        "--builder",
        builder,
        "-W",
        "-n",
        "--keep-going",
    ]
    started = time.monotonic()
    # XeLaTeX stops at the first error instead of waiting for an answer on the terminal.
    env = {**os.environ, "LATEXOPTS": "-interaction=nonstopmode -halt-on-error -file-line-error", **reproducible_time()}
    ready = JB_BUILD_DIR / f".{builder}-notebooks-ready"
    ready.unlink(missing_ok=True)
    env[execution.READY_ENV] = str(ready)
    env[comparison.REVISIONS_ENV] = str(REVISIONS)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"{builder}.log"
    with (
        open(log_path, "w", encoding="utf-8") as log,
        subprocess.Popen(
            command,
            cwd=paths.ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            pass_fds=build_lock.descriptors(),  # the build lock, held until jupyter-book too has ended
        ) as process,
    ):
        try:
            if while_starting is not None:
                while_starting()
        except BaseException:
            process.kill()
            raise
        ready.parent.mkdir(parents=True, exist_ok=True)
        ready.touch()
        assert process.stdout is not None  # stdout=PIPE
        for line in process.stdout:
            log.write(line)
            plain = sphinx_log.ANSI.sub("", line).strip().replace(f"{paths.ROOT}/", "")
            if any(marker in plain for marker in _PROGRESS):
                print(f"    {plain}", flush=True)
    if process.returncode != 0:
        text = log_path.read_text(encoding="utf-8")
        found: list[sphinx_log.BuildProblem] | list[str] = sphinx_log.problems(text)
        if found:
            print(
                f"\n构建失败，已发布的书未改动：{len(found)} 处问题 "
                f"(jupyter-book {builder} failed; the published book is unchanged):",
                file=sys.stderr,
            )
        else:  # no warning to report: Sphinx or an extension stopped with an exception
            print(
                f"\n构建失败，已发布的书未改动：构建程序出错 (jupyter-book {builder} stopped with an error; "
                f"the published book is unchanged):",
                file=sys.stderr,
            )
            found = sphinx_log.exception(text)
        for problem in found:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(f"完整日志 (full log): {log_path.relative_to(paths.ROOT)}")
    announce(f"jupyter-book {builder} 完成，用时 {time.monotonic() - started:.1f} 秒")


def reproducible_time() -> dict[str, str]:
    """SOURCE_DATE_EPOCH: the time of the commit being built (Sphinx's dates, the colophon, XeTeX's PDF dates
    with FORCE_SOURCE_DATE), unless the caller set one. In an unpacked source archive (no git), the time its
    SOURCE-INFO.json records: the published build's (jzreport.build.source_tree). Otherwise the build's own time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        recorded = source_tree.origin().epoch
        epoch = str(recorded if recorded is not None else int(time.time()))
    return {"SOURCE_DATE_EPOCH": epoch, "FORCE_SOURCE_DATE": "1"}


def build_moment() -> datetime.datetime:
    """The build's time as the book states it (colophon, file dates in the published zips): SOURCE_DATE_EPOCH
    (set by `reproducible_time` for every build), else now; in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.datetime.fromtimestamp(int(epoch) if epoch else time.time(), datetime.UTC)


def write_checksums(site: Path) -> Path:
    """SHA256SUMS of every file of the site (sorted, `sha256sum` format), written last and atomically."""
    lines = [
        f"{sha256_of(path)}  {path.relative_to(site).as_posix()}\n"
        for path in sorted(p for p in site.rglob("*") if p.is_file() and p.name != CHECKSUMS)
    ]
    staging = site / f"{CHECKSUMS}.new"
    staging.write_text("".join(lines), encoding="utf-8")
    staging.replace(site / CHECKSUMS)
    return site / CHECKSUMS


def publish_file(new: Path, published: Path) -> None:
    """Copy `new` beside `published`, then rename it into place: readers never see half a file."""
    published.parent.mkdir(parents=True, exist_ok=True)
    staging = published.with_name(published.name + ".new")
    shutil.copyfile(new, staging)
    staging.replace(published)


def publish_source(package: DataPackage, site: Path) -> None:
    """The book's source as one archive in the site (jzreport.build.source_archive), packed once every other file of
    the site is final: it lists their checksums. A tree that is neither a git checkout nor an unpacked archive
    (a copy of the files alone) has no known list of source files: it publishes no archive, and says so."""
    if outside := source_tree.untracked():
        announce(
            f"未纳入 git 的文件不在源代码归档中 (files git does not track are not in the source archive): {', '.join(outside)}"
        )
    try:
        source_archive.write(package, site, int(reproducible_time()["SOURCE_DATE_EPOCH"]))
    except source_tree.SourceTreeError as unknown:
        (site / package.edition.source_archive_name).unlink(missing_ok=True)
        announce(f"不发布源代码归档 (no source archive published): {unknown}")


def replace_atomically(package: DataPackage, new: Path, published: Path, extra_files: Sequence[Path] = ()) -> None:
    """Copy `new` (and `extra_files`) beside `published`, add the source archive and SHA256SUMS, then swap them
    with renames: readers see the old site or the new one, never a mixture."""
    staging = published.with_name(published.name + ".new")
    previous = published.with_name(published.name + ".old")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(new, staging, ignore=shutil.ignore_patterns(*UNPUBLISHED))
    for extra in extra_files:
        shutil.copy2(extra, staging / extra.name)
    publish_source(package, staging)
    write_checksums(staging)
    shutil.rmtree(previous, ignore_errors=True)
    if published.exists():
        published.rename(previous)
    staging.rename(published)
    shutil.rmtree(previous, ignore_errors=True)


VALID_DATA_STAMP = BUILD_DIR / "valid-datapackage.json"  # digest of each data file last found valid


def validate_data(package: DataPackage) -> None:
    announce("校验数据包 (validating the data package: the files changed since the last valid build)")
    problems = validate.validate_changed(package.settings, VALID_DATA_STAMP)
    if problems:
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        raise SystemExit(f"数据有 {len(problems)} 处问题，未构建，已发布的书未改动 (invalid data: nothing was built)")


def execute_notebooks(package: DataPackage) -> None:
    """Validate the data, then execute the notebooks whose inputs changed into the build's execution cache."""
    validate_data(package)
    cache.execute(str(JB_BUILD_DIR), cache.plan(package, str(JB_BUILD_DIR)))


def prepare_and_build(package: DataPackage, builder: str, image_format: str) -> None:
    """Build with jupyter-book while the book is prepared: while Sphinx starts up, the data are validated
    (invalid data stop the build before any notebook runs or anything changes), the notebooks that changed
    execute and the book's numbers are compared with the last release (a change the corrections log does not
    explain stops the build); Sphinx looks at no page before that is done (book/_ext/notebook_execution.py).
    Then, while Sphinx reads and writes, the build's one kaleido session makes the figures' static images."""
    cache.forget_pages_if_extensions_changed(str(JB_BUILD_DIR))  # before Sphinx loads its saved pages
    with static_images.BackgroundRenderer(image_format) as renderer:

        def validate_execute_draw() -> None:
            execute_notebooks(package)
            comparison.prepare(package, JB_BUILD_DIR, REVISIONS)  # first: stopping it, no image is half made
            renderer.start(cache.cached_figures(str(JB_BUILD_DIR)))

        jupyter_book(builder, while_starting=validate_execute_draw)


def build_html(package: DataPackage) -> None:
    announce("构建 HTML (building HTML)")
    prepare_and_build(package, "html", "svg")
    replace_atomically(package, JB_BUILD_DIR / "html", PUBLISHED_HTML, sorted(PUBLISHED_PDF_DIR.glob("*.pdf")))
    announce(f"HTML 已发布 (published): {PUBLISHED_HTML.relative_to(paths.ROOT)}/index.html")


def missing_glyphs(log: Path) -> list[str]:
    """XeLaTeX's "Missing character" lines: characters no font has (the PDF would show nothing there)."""
    return sorted(
        {
            line.strip()
            for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
            if "Missing character" in line
        }
    )


def build_pdf(package: DataPackage) -> None:
    if shutil.which("xelatex") is None:
        raise SystemExit("没有 xelatex (xelatex not found): scripts/install-system-deps.sh pdf")
    announce("生成 PDF (building the PDF: LaTeX sources, then XeLaTeX via latexmk)")
    pdf_name = package.edition.pdf_name  # the LaTeX target set by book/_ext/edition.py
    built, log = LATEX_DIR / pdf_name, LATEX_DIR / pdf_name.replace(".pdf", ".log")
    built.unlink(missing_ok=True)  # never mistake an earlier run's PDF or log for this one's
    log.unlink(missing_ok=True)
    prepare_and_build(package, "pdflatex", "pdf")
    if not built.exists() or not log.exists():
        raise SystemExit(
            f"没有生成 PDF，已发布的书未改动 (no PDF or XeLaTeX log in {LATEX_DIR.relative_to(paths.ROOT)})"
        )
    announce("检查字形 (checking the XeLaTeX log for missing glyphs)")
    if missing := missing_glyphs(log):
        print("\n".join(missing[:20]), file=sys.stderr)
        raise SystemExit(
            "字体缺字，已发布的书未改动 (characters without a glyph, listed above; the fonts are set in "
            "book/_latex/jzbook.sty)"
        )
    publish_file(built, PUBLISHED_PDF_DIR / pdf_name)
    if PUBLISHED_HTML.exists():  # the site with the new PDF, the archive that lists it, and SHA256SUMS, at once
        replace_atomically(package, PUBLISHED_HTML, PUBLISHED_HTML, [built])
    announce(f"PDF 已发布 (published): {(PUBLISHED_PDF_DIR / pdf_name).relative_to(paths.ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=["html", "pdf"])
    args = parser.parse_args(argv)
    # The edition, resolved once here and handed to every process this build starts (Sphinx, the kernels); a
    # released edition is built from its own tag (jzreport.build.editions).
    settings = Settings.from_environment()
    with build_lock.held(f"make {args.target}"):  # one build at a time: it waits for any other to finish
        if settings.released:
            return editions.build_released(settings, args.target)
        package = build_environment(settings)
        {"html": build_html, "pdf": build_pdf}[args.target](package)
    return 0


def build_environment(settings: Settings) -> DataPackage:
    """The environment of this build and of the processes it starts: one time for everything it writes, one hash
    seed for the kernels and Sphinx (a set printed in an output keeps its order), the edition resolved once."""
    os.environ.update({**reproducible_time(), "PYTHONHASHSEED": "0"})
    package = DataPackage(settings)
    os.environ.update(package.settings.environment())
    return package


if __name__ == "__main__":
    sys.exit(main())
