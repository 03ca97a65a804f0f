"""Measure build times and page weights; print them and write them to benchmark/results.json.

    .venv/bin/python scripts/benchmark.py [--skip-builds] [--only-preview] [--no-lighthouse]
    .venv/bin/python scripts/benchmark.py --side-by-side [--baseline REV] [--runs N]

--side-by-side compares this working tree with a baseline commit (by default the last commit before the
round that made the build and the tests faster), on this machine, one after the other: a clean `make html`
(median of N runs, book/_build removed before each), a rebuild after a prose-only edit (median of N), and
`make test` once the book is built (the whole suite, as CI runs it). The baseline is a git worktree with its
own virtual environment (its requirements), made once under /tmp. Written to benchmark/side-by-side.json.

Build times (on this machine): clean `make html`; rebuild after a prose-only edit; rebuild after one CSV
edit (and which notebooks re-executed); clean `make pdf` (HTML first, then the PDF). Live preview
(`make serve`): from saving a prose edit (median of 7, each run kept with the load average), and a CSV
edit with its recorded sha256, to the served page showing it. The edits are made in the working tree and reverted afterwards. Pages, served with gzip on
127.0.0.1 (jzreport.editing.gzip_server) as a web host serves them: the bytes a reader's browser downloads on a first
visit (HTML, scripts, styles, fonts, images; headless chromium), and Lighthouse's mobile scores (12.2.3,
from tests/tools: performance, accessibility, best practices, SEO, with LCP, TBT and CLS; the median of
LIGHTHOUSE_RUNS runs per page, with each run's performance, TBT and load average kept).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from statistics import median
from typing import Any

from jzreport.datapackage.load import DataPackage

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
HTML = ROOT / "book" / "_build" / "html"
RESULTS = ROOT / "benchmark" / "results.json"
PROSE_CHAPTER = Path("book") / "chapters" / "08-challenges.md"  # a prose-only edit: text added after PROSE_PHRASE
PROSE_PHRASE = "总结成绩的同时"
PROSE_EDIT = ROOT / PROSE_CHAPTER
PACKAGE = DataPackage.from_environment()  # the edition measured (JZREPORT_EDITION), resolved once
DATA = PACKAGE.folder
PREVIOUS_YEAR = PACKAGE.edition.previous_year
CSV_EDIT = DATA / "fitness_tests.csv"


def run(command: list[str], label: str) -> tuple[float, str]:
    print(f"--> {label}: {' '.join(command)}", flush=True)
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"{label} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    print(f"    {seconds:.1f} s", flush=True)
    return seconds, result.stdout + result.stderr


def executed(output: str) -> list[str]:
    return sorted(set(re.findall(r"book/([\w/-]+)\.md: (?:Executed notebook|[\d.]+ 秒)", output)))


def measure_builds() -> dict:
    results: dict[str, Any] = {}  # the record's JSON: times and lists of chapters
    shutil.rmtree(ROOT / "book" / "_build", ignore_errors=True)
    seconds, output = run(["make", "html"], "clean make html")
    results["clean_html_s"] = round(seconds, 1)
    results["clean_html_executed"] = len(executed(output))

    original = PROSE_EDIT.read_text(encoding="utf-8")
    try:
        PROSE_EDIT.write_text(original.replace(PROSE_PHRASE, PROSE_PHRASE + " ", 1), encoding="utf-8")
        seconds, output = run(["make", "html"], "rebuild after a prose-only edit")
    finally:
        PROSE_EDIT.write_text(original, encoding="utf-8")
    results["prose_edit_html_s"] = round(seconds, 1)
    results["prose_edit_executed"] = executed(output)

    original_csv = CSV_EDIT.read_bytes()
    descriptor = (DATA / "datapackage.json").read_bytes()
    try:
        CSV_EDIT.write_text(
            original_csv.decode("utf-8").replace(f"{PREVIOUS_YEAR},390,", f"{PREVIOUS_YEAR},391,"), encoding="utf-8"
        )
        subprocess.run([PY, "-m", "jzreport.datapackage.checksums"], cwd=ROOT, check=True, capture_output=True)
        seconds, output = run(["make", "html"], "rebuild after one CSV edit (fitness_tests.csv)")
    finally:
        CSV_EDIT.write_bytes(original_csv)
        (DATA / "datapackage.json").write_bytes(descriptor)
    results["csv_edit_html_s"] = round(seconds, 1)
    results["csv_edit_executed"] = executed(output)
    run(["make", "html"], "rebuild with the original data (not reported)")

    shutil.rmtree(ROOT / "book" / "_build", ignore_errors=True)
    seconds, _ = run(["make", "pdf"], "clean make pdf (HTML, then PDF)")
    results["clean_pdf_s"] = round(seconds, 1)
    return results


def _served(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _seconds_until(url: str, text: str, limit: float = 120) -> float:
    started = time.monotonic()
    while text not in _served(url):
        if time.monotonic() - started > limit:
            sys.exit(f"the preview did not show {text!r} at {url} within {limit:.0f} s")
        time.sleep(0.05)
    return time.monotonic() - started


PREVIEW_PROSE_EDITS = 7


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def measure_preview() -> dict:
    """`make serve`: seconds from a saved edit to the served page showing it (the page's own reload adds
    the browser's load time on top): the median of PREVIEW_PROSE_EDITS prose edits (each run kept, with the
    1-minute load average when it ended), and one CSV edit with its recorded sha256."""
    port = 8799
    output = tempfile.NamedTemporaryFile("w+", encoding="utf-8", suffix=".log")  # noqa: SIM115 (closed below)
    started = time.monotonic()
    server = subprocess.Popen(
        [PY, "-m", "jzreport.editing.preview", "--port", str(port)],
        cwd=ROOT,
        start_new_session=True,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    results: dict[str, Any] = {}
    prose_page = f"http://127.0.0.1:{port}/chapters/08-challenges.html"
    data_page = f"http://127.0.0.1:{port}/chapters/02-talent-cultivation.html"
    original, original_csv = PROSE_EDIT.read_text(encoding="utf-8"), CSV_EDIT.read_bytes()
    descriptor = (DATA / "datapackage.json").read_bytes()
    try:
        while "预览已更新" not in Path(output.name).read_text(encoding="utf-8"):  # its first build is done
            if server.poll() is not None or time.monotonic() - started > 900:
                sys.exit(f"the preview did not build:\n{Path(output.name).read_text(encoding='utf-8')[-3000:]}")
            time.sleep(0.1)
        results["preview_first_build_s"] = round(time.monotonic() - started, 1)
        time.sleep(3)
        prose, loads = [], []
        for attempt in range(PREVIEW_PROSE_EDITS):
            marker = f"预览计时{attempt}"
            PROSE_EDIT.write_text(original.replace(PROSE_PHRASE, marker + PROSE_PHRASE, 1), encoding="utf-8")
            prose.append(_seconds_until(prose_page, marker))
            loads.append(_load())
            print(f"    prose edit {attempt + 1}: {prose[-1]:.2f} s (load {loads[-1]})", flush=True)
            time.sleep(3)
        results["preview_prose_edit_s"] = round(median(prose), 2)
        results["preview_prose_edit_runs_s"] = [round(s, 2) for s in prose]
        results["preview_prose_edit_load_1min"] = loads
        PROSE_EDIT.write_text(original, encoding="utf-8")
        time.sleep(4)
        assert "<p>391</p>" not in _served(data_page)
        CSV_EDIT.write_text(
            original_csv.decode("utf-8").replace(f"{PREVIOUS_YEAR},390,", f"{PREVIOUS_YEAR},391,"), encoding="utf-8"
        )
        subprocess.run([PY, "-m", "jzreport.datapackage.checksums"], cwd=ROOT, check=True, capture_output=True)
        results["preview_csv_edit_s"] = round(_seconds_until(data_page, "<p>391</p>", 300), 1)
        results["preview_csv_edit_load_1min"] = _load()
    finally:
        PROSE_EDIT.write_text(original, encoding="utf-8")
        CSV_EDIT.write_bytes(original_csv)
        (DATA / "datapackage.json").write_bytes(descriptor)
        time.sleep(2)
        os.killpg(server.pid, 15)
        server.wait()
        output.close()
    results["preview_measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for key, value in results.items():
        print(f"    {key}: {value}", flush=True)
    return results


LIGHTHOUSE = ROOT / "tests" / "tools" / "node_modules" / ".bin" / "lighthouse"  # 12.2.3, pinned in tests/tools


LIGHTHOUSE_RUNS = 3


def _lighthouse(url: str) -> dict:
    """Lighthouse's mobile preset (its default) on one page: the four scores and the paint measurements."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                "--chrome-flags=--headless=new --no-sandbox",
            ],
            env={**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"},
            check=True,
            capture_output=True,
            timeout=240,
        )
        data = json.loads(report.read_text(encoding="utf-8"))
    scores = {key: round(category["score"] * 100) for key, category in data["categories"].items()}
    audits = data["audits"]
    return {
        **scores,
        "lcp_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
    }


def measure_pages(lighthouse: bool = True) -> list[dict]:
    """Every page over a gzip server on 127.0.0.1 (as a web host sends it): its weight on a first visit, and
    its Lighthouse mobile scores."""
    from playwright.sync_api import Request, sync_playwright

    from jzreport.editing.gzip_server import serve

    server, base = serve(HTML)
    pages = sorted(p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html") if "_static" not in p.parts)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for page_path in pages:
            context = browser.new_context()  # empty cache: a first visit
            page = context.new_page()
            sizes: list[int] = []

            def record(request: Request, sizes: list[int] = sizes) -> None:
                sizes.append(request.sizes()["responseBodySize"])

            page.on("requestfinished", record)
            page.goto(f"{base}/{page_path}", wait_until="networkidle")
            rows.append({"page": page_path, "requests": len(sizes), "gzip_bytes": sum(sizes)})
            context.close()
        browser.close()
    for row in rows if lighthouse else []:
        # Lighthouse's simulated phone scales the main-thread work it observes: on this shared 2-core machine one
        # page's total blocking time varied from 22 to 454 ms between runs. Each page is measured LIGHTHOUSE_RUNS
        # times; the run with the median performance score is reported, every run's score and TBT kept.
        print(f"    Lighthouse: {row['page']}", flush=True)
        runs = [
            {**_lighthouse(f"{base}/{row['page']}"), "load": round(os.getloadavg()[0], 2)}
            for _ in range(LIGHTHOUSE_RUNS)
        ]
        row.update(sorted(runs, key=lambda run: run["performance"])[len(runs) // 2])
        row["runs"] = [[run["performance"], run["tbt_ms"], run["load"]] for run in runs]
    server.shutdown()
    return rows


BASELINE = "515b3f8"  # main before the round that made builds and tests faster (issue [D])
SIDE_BY_SIDE = ROOT / "benchmark" / "side-by-side.json"


def timed_run(command: list[str], cwd: Path, check: bool = True, env: dict | None = None) -> tuple[float, str]:
    """(seconds `command` took in `cwd`, its output); a failure stops the benchmark (`check`) or is printed."""
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        failure = f"{' '.join(command)} failed in {cwd}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        if check:
            sys.exit(failure)
        print(failure, flush=True)
    return seconds, result.stdout + result.stderr


def _timed(command: list[str], cwd: Path, check: bool = True) -> float:
    return timed_run(command, cwd, check)[0]


def baseline_tree(revision: str) -> Path:
    """A worktree of `revision` with its own environment and test tools, ready to build and test."""
    tree = Path(tempfile.gettempdir()) / f"jzreport-baseline-{revision}"
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--force", "--detach", str(tree), revision], cwd=ROOT, check=True)
    print(f"--> baseline {revision} in {tree}: environment and book", flush=True)
    _timed(["make", "book"], tree)  # its setup, tools and a first build (not measured)
    return tree


def _prose_edit(tree: Path) -> float:
    chapter = tree / PROSE_CHAPTER
    original = chapter.read_text(encoding="utf-8")
    try:
        chapter.write_text(original.replace(PROSE_PHRASE, PROSE_PHRASE + " ", 1), encoding="utf-8")
        return _timed(["make", "html"], tree)
    finally:
        chapter.write_text(original, encoding="utf-8")
        _timed(["make", "html"], tree)


def measure_tree(tree: Path, runs: int) -> dict:
    """Clean `make html` and the prose-only rebuild (medians of `runs`), then `make test` with the book built."""
    clean = []
    for run in range(runs):
        shutil.rmtree(tree / "book" / "_build", ignore_errors=True)
        clean.append(_timed(["make", "html"], tree))
        print(f"    clean make html {run + 1}/{runs}: {clean[-1]:.1f} s", flush=True)
    prose = [_prose_edit(tree) for _ in range(runs)]
    print(f"    prose-only rebuilds: {', '.join(f'{s:.1f}' for s in prose)} s", flush=True)
    _timed(["make", "pdf"], tree)  # the book complete, as `make test` expects it
    test = _timed(["make", "test"], tree, check=False)  # a failing test is reported, and still timed
    print(f"    make test (book built): {test:.0f} s", flush=True)
    return {
        "clean_html_runs_s": [round(s, 1) for s in clean],
        "clean_html_s": round(median(clean), 1),
        "prose_edit_runs_s": [round(s, 1) for s in prose],
        "prose_edit_s": round(median(prose), 1),
        "make_test_s": round(test),
    }


def side_by_side(revision: str, runs: int) -> dict:
    tree = baseline_tree(revision)
    print(f"--> baseline {revision}", flush=True)
    before = measure_tree(tree, runs)
    print("--> this working tree", flush=True)
    _timed(["make", "book"], ROOT)
    after = measure_tree(ROOT, runs)
    results = {
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "baseline": revision,
        "baseline_results": before,
        "results": after,
        "clean_html_speedup": round(before["clean_html_s"] / after["clean_html_s"], 2),
        "make_test_speedup": round(before["make_test_s"] / after["make_test_s"], 2),
        "prose_edit_share_of_clean": round(after["prose_edit_s"] / after["clean_html_s"], 2),
    }
    SIDE_BY_SIDE.parent.mkdir(exist_ok=True)
    SIDE_BY_SIDE.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\n{'':32s} {'baseline ' + revision:>18s} {'now':>10s}")
    for key, label in [
        ("clean_html_s", "clean make html (median, s)"),
        ("prose_edit_s", "prose-only rebuild (median, s)"),
        ("make_test_s", "make test, book built (s)"),
    ]:
        print(f"  {label:30s} {before[key]:>18} {after[key]:>10}")
    print(
        f"  clean build {results['clean_html_speedup']}x faster, make test {results['make_test_speedup']}x faster; "
        f"a prose-only rebuild takes {results['prose_edit_share_of_clean']:.0%} of a clean build"
    )
    print(f"  written to {SIDE_BY_SIDE.relative_to(ROOT)}")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure build times and page weights.")
    parser.add_argument("--skip-builds", action="store_true", help="only measure the pages of the current build")
    parser.add_argument("--only-preview", action="store_true", help="only measure the live preview (make serve)")
    parser.add_argument("--no-lighthouse", action="store_true", help="page weights without Lighthouse scores")
    parser.add_argument("--side-by-side", action="store_true", help="build and test times against --baseline")
    parser.add_argument("--baseline", default=BASELINE, help=f"the commit to compare with (default {BASELINE})")
    parser.add_argument("--runs", type=int, default=3, help="runs of each build measurement (median)")
    args = parser.parse_args()
    if args.side_by_side:
        side_by_side(args.baseline, args.runs)
        return 0
    results: dict[str, Any] = {
        "machine": f"{platform.node() or 'unknown'}: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    if args.only_preview:  # the preview's keys only: every other figure stays as it was measured
        previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        results = {**previous, **measure_preview()}
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return 0
    if args.skip_builds:  # keep the build and preview times measured before
        previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        results = {**{k: v for k, v in previous.items() if k != "pages"}, **results}
    else:
        results.update(measure_builds())
        results.update(measure_preview())
    results["pages"] = measure_pages(lighthouse=not args.no_lighthouse)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    print("\nBuild times (seconds):")
    for key in [
        "clean_html_s",
        "prose_edit_html_s",
        "csv_edit_html_s",
        "clean_pdf_s",
        "preview_first_build_s",
        "preview_prose_edit_s",
        "preview_csv_edit_s",
    ]:
        if key in results:
            print(f"  {key:20s} {results[key]:>7}")
    if "csv_edit_executed" in results:
        print(f"  prose edit re-executed: {results['prose_edit_executed'] or 'nothing'}")
        print(f"  CSV edit re-executed:   {results['csv_edit_executed']}")
    print("\nPages on a first visit over gzip (KB transferred), Lighthouse mobile (performance, accessibility,")
    print("best practices, SEO; LCP s, TBT ms, CLS):")
    for row in results["pages"]:
        scores = (
            (
                f"{row['performance']:>4} {row['accessibility']:>4} {row['best-practices']:>4} {row['seo']:>4}"
                f"  LCP {row['lcp_s']:.1f} TBT {row['tbt_ms']} CLS {row['cls']}"
            )
            if "performance" in row
            else ""
        )
        print(f"  {row['page']:45s} {row['requests']:>4} req {row['gzip_bytes'] / 1024:>6.0f} KB  {scores}")
    heaviest = max(results["pages"], key=lambda r: r["gzip_bytes"])
    print(
        f"\nheaviest page gzipped: {heaviest['page']} {heaviest['gzip_bytes'] / 1024:.0f} KB; written to {RESULTS.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
