"""Cost as the book grows: build books of 1, 2 and 4 copies of the report's chapters; write benchmark/scale.json.

    .venv/bin/python scripts/benchmark_scale.py [--copies 1 2 4] [--runs 3] [--prose-runs 5] [--keep]

For each number of copies N, in a temporary folder: the repository's tracked files (git ls-files, as they are in
the working tree), committed to a git repository of its own as the commit being measured (so that the build
publishes the source archive and takes its time from the commit, as in this repository), with N - 1 more copies
of each report chapter (book/chapters/0[0-9]-*.md; not the audit, the front page or 数字出处), each copy a
chapter of its own in _toc.yml after the report's chapters, its title marked 〔副本 K〕. A copy's labels are made
its own: its headings' anchors and the references to any report chapter's anchor (`(sec-1-1)=`,
{ref}`… <sec-1-1>`, `[…](#tbl-majors)`) get the suffix -copyK, and each table or figure it shows is described
again in the copy's displays.yaml under the id <id>-copyK with the anchor <label>-copyK (its data checksums
recorded again). Glued numbers need no change: their names are the page's own (数字出处 names each entry by
page and number).

Measured, as `python -m jzreport.build html` (the build `make html` runs), the sizes taking turns: a clean build
(book/_build removed; the median of --runs), then a rebuild after a prose-only edit of one chapter
(benchmark.PROSE_CHAPTER, a different edit each time; the median of --prose-runs). Written to
benchmark/scale.json: {"copies", "clean_s", "prose_s"}, with the ratios to one copy, the processor seconds (the
build and every process it waited for: steadier than the clock when other work shares the machine), each build's
phases, the load average, the date and the commit; drawn with the linear reference (N times the time of one copy)
in benchmark/scale.svg.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

import yaml

from benchmark import PACKAGE, PROSE_CHAPTER, PROSE_PHRASE, ROOT, timed_run

RESULTS = ROOT / "benchmark" / "scale.json"
PLOT = ROOT / "benchmark" / "scale.svg"
CHAPTERS = "book/chapters/0[0-9]-*.md"  # the report's chapters
DISPLAYS = PACKAGE.path_of("displays").relative_to(ROOT)  # the edition's descriptions of tables and figures
LABEL = re.compile(r"^\(([\w-]+)\)=$", re.MULTILINE)  # a heading's anchor
TITLE = re.compile(r"^# (.+)$", re.MULTILINE)
SHOWN = re.compile(r'(show_(table|figure)\((?:\s*\w+,)?\s*)"([\w-]+)"')  # a table's or figure's id
# The build's own account of its phases (jzreport.build.run, jzreport.build.execution).
PHASES = {
    "notebooks_s": re.compile(r"用时 ([\d.]+) 秒 \(notebooks executed\)"),
    "jupyter_book_s": re.compile(r"jupyter-book html 完成，用时 ([\d.]+) 秒"),
}


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True).stdout.strip()


def copy_tracked(folder: Path) -> None:
    """The repository's tracked files (git ls-files), as they are in the working tree, copied into `folder`."""
    for name in filter(None, git(ROOT, "ls-files", "-z").split("\0")):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)


def commit(folder: Path) -> None:
    """`folder` as a git repository of one commit with HEAD's date: the build takes its time from it."""
    date = git(ROOT, "log", "-1", "--format=%cI")
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    identity = ["-c", "user.name=benchmark", "-c", "user.email=benchmark@localhost", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "-m", "benchmark copy"]):
        subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, check=True)


def chapter_copy(text: str, copy: int, labels: set[str]) -> str:
    """Chapter `text` as its copy number `copy`: every anchor of `labels` (declared or referred to), the id of every
    table or figure it shows and its title made the copy's own."""
    suffix = f"-copy{copy}"
    anchors = "|".join(sorted(map(re.escape, labels), key=len, reverse=True))
    text = re.sub(rf"(?<=[(<#`])({anchors})(?=[)>`])", rf"\1{suffix}", text)
    text = SHOWN.sub(lambda m: f'{m.group(1)}"{m.group(3)}{suffix}"', text)
    return TITLE.sub(rf"# \1〔副本 {copy}〕", text, count=1)


def add_copies(folder: Path, copies: int) -> None:
    """`copies` - 1 more copies of each report chapter in the repository copy at `folder`."""
    chapters = sorted(folder.glob(CHAPTERS))
    texts = {path: path.read_text(encoding="utf-8") for path in chapters}
    described = yaml.safe_load((folder / DISPLAYS).read_text(encoding="utf-8"))
    shown = {(f"{kind}s", id) for text in texts.values() for _, kind, id in SHOWN.findall(text)}
    labels = {label for text in texts.values() for label in LABEL.findall(text)}
    labels |= {described[kind][id]["label"] for kind, id in shown}
    toc = (folder / "_toc.yml").read_text(encoding="utf-8")
    entries = []
    for copy in range(2, copies + 1):
        for path in chapters:
            name = f"{path.stem}-copy{copy}"
            (path.parent / f"{name}.md").write_text(chapter_copy(texts[path], copy, labels), encoding="utf-8")
            entries.append(f"  - file: chapters/{name}\n")
        for kind, id in sorted(shown):
            entry = dict(described[kind][id])
            entry["label"] = f"{entry['label']}-copy{copy}"
            described[kind][f"{id}-copy{copy}"] = entry
    if entries:
        last = f"  - file: chapters/{chapters[-1].stem}\n"
        (folder / "_toc.yml").write_text(toc.replace(last, last + "".join(entries), 1), encoding="utf-8")
        (folder / DISPLAYS).write_text(yaml.safe_dump(described, allow_unicode=True, sort_keys=False), "utf-8")
        subprocess.run(
            [sys.executable, "-m", "jzreport.datapackage.checksums"], cwd=folder, env=environment(folder), check=True
        )


def environment(folder: Path) -> dict[str, str]:
    """The environment of a build of the copy: its own package, data and build state (as tests.helpers.build_copy)."""
    skipped = {"JZREPORT_DATA_DIR", "JZREPORT_NOTEBOOK", "JZREPORT_NOTEBOOKS_READY", "SOURCE_DATE_EPOCH"}
    return {**{k: v for k, v in os.environ.items() if k not in skipped}, "PYTHONPATH": str(folder / "scripts")}


def _cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def build(folder: Path) -> dict:
    """One `python -m jzreport.build html` of the copy: seconds (wall clock), the processor seconds of the build and
    the processes it waited for (Sphinx, the kernels, the image renderer: less sensitive to other work on the
    machine), the 1-minute load average (before and after, averaged) and the phases the build printed."""
    load, cpu = os.getloadavg()[0], _cpu_seconds()
    seconds, output = timed_run([sys.executable, "-m", "jzreport.build", "html"], folder, env=environment(folder))
    phases = {key: float(m.group(1)) for key, pattern in PHASES.items() if (m := pattern.search(output))}
    return {
        "s": round(seconds, 1),
        "cpu_s": round(_cpu_seconds() - cpu, 1),
        "load": round((load + os.getloadavg()[0]) / 2, 2),
        **phases,
    }


def prepare(copies: int) -> Path:
    """A temporary copy of the repository with `copies` copies of the report's chapters, committed."""
    folder = Path(tempfile.mkdtemp(prefix=f"jzreport-scale-{copies}-"))
    copy_tracked(folder)
    add_copies(folder, copies)
    commit(folder)
    return folder


def measure(folders: dict[int, Path], runs: int, prose_runs: int) -> dict[int, dict]:
    """Clean builds, then prose-only rebuilds, of every copy in turn (one of each size after the other, so that a
    change in the machine's load falls on every size alike)."""
    measured: dict[int, dict[str, Any]] = {copies: {"clean": [], "prose": []} for copies in folders}
    for run in range(runs):
        for copies, folder in folders.items():
            shutil.rmtree(folder / "book" / "_build", ignore_errors=True)
            measured[copies]["clean"].append(build(folder))
            print(f"    ×{copies} clean build {run + 1}/{runs}: {measured[copies]['clean'][-1]}", flush=True)
    originals = {copies: (folder / PROSE_CHAPTER).read_text(encoding="utf-8") for copies, folder in folders.items()}
    for run in range(prose_runs):  # a different edit each time: each rebuild reads the chapter again
        for copies, folder in folders.items():
            edited = originals[copies].replace(PROSE_PHRASE, PROSE_PHRASE + " " * (run + 1), 1)
            (folder / PROSE_CHAPTER).write_text(edited, encoding="utf-8")
            measured[copies]["prose"].append(build(folder))
            print(
                f"    ×{copies} prose-only rebuild {run + 1}/{prose_runs}: {measured[copies]['prose'][-1]}", flush=True
            )
    for copies, folder in folders.items():
        chapters = len(list(folder.glob(CHAPTERS)))
        pages = len([p for p in (folder / "book" / "_build" / "html").rglob("*.html") if "_static" not in p.parts])
        measured[copies].update(report_chapters=chapters, html_pages=pages)
    return measured


def plot(results: dict) -> None:
    """clean_s and prose_s against the number of copies, each with its linear reference (N times ×1)."""
    import plotly.graph_objects as go

    copies = results["copies"]
    fig = go.Figure()
    for key, name, color in [("clean_s", "clean build", "#1f4e79"), ("prose_s", "prose-only rebuild", "#c0504d")]:
        times = results[key]
        fig.add_scatter(x=copies, y=times, name=f"{name} (s)", mode="lines+markers", line_color=color)
        fig.add_scatter(
            x=copies,
            y=[times[0] * n / copies[0] for n in copies],
            name=f"{name}: linear (N × time at ×{copies[0]})",
            mode="lines",
            line={"color": color, "dash": "dot"},
        )
    runs, load = results["runs"], results["load_average"]["median"]
    fig.update_layout(
        title={
            "text": "Build time as the book grows<br><sup>"
            f"median of {runs['clean']} clean builds and {runs['prose']} prose-only rebuilds, {results['measured']}, "
            f"{results['machine']}, load average {load:.1f}</sup>"
        },
        xaxis={"title": "copies of the report's chapters", "tickvals": copies},
        yaxis={"title": "seconds", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2},
        width=760,
        height=500,
        template="plotly_white",
    )
    fig.write_image(PLOT, format="svg")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--runs", type=int, default=3, help="clean builds of each size (median)")
    parser.add_argument("--prose-runs", type=int, default=5, help="prose-only rebuilds of each size (median)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies (their builds and logs)")
    args = parser.parse_args()
    folders = {}
    try:
        for copies in args.copies:
            folders[copies] = prepare(copies)
        measured = measure(folders, args.runs, args.prose_runs)
    finally:
        for folder in folders.values():
            if args.keep:
                print(f"    kept: {folder}", flush=True)
            else:
                shutil.rmtree(folder, ignore_errors=True)
    builds = [measured[copies] for copies in args.copies]
    clean, prose = ([median(b["s"] for b in m[kind]) for m in builds] for kind in ("clean", "prose"))
    clean_cpu, prose_cpu = ([median(b["cpu_s"] for b in m[kind]) for m in builds] for kind in ("clean", "prose"))
    loads = [b["load"] for m in builds for b in m["clean"] + m["prose"]]
    modified = " (with uncommitted changes)" if git(ROOT, "status", "--porcelain", "--untracked-files=no") else ""
    results = {
        "copies": args.copies,
        "clean_s": clean,
        "prose_s": prose,
        "clean_ratio": [round(s / clean[0], 2) for s in clean],
        "prose_ratio": [round(s / prose[0], 2) for s in prose],
        "clean_cpu_s": clean_cpu,
        "prose_cpu_s": prose_cpu,
        "runs": {"clean": args.runs, "prose": args.prose_runs},
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": git(ROOT, "rev-parse", "--short", "HEAD") + modified,
        "machine": f"{os.cpu_count()} cores",
        "load_average": {"min": min(loads), "median": round(median(loads), 2), "max": max(loads)},
        "builds": {str(copies): measured[copies] for copies in args.copies},
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    plot(results)
    print(f"\n{'copies':>8} {'clean (s)':>10} {'×':>6} {'cpu (s)':>8} {'prose (s)':>10} {'×':>6} {'cpu (s)':>8}")
    for i, copies in enumerate(args.copies):
        print(
            f"{copies:>8} {clean[i]:>10} {results['clean_ratio'][i]:>6} {clean_cpu[i]:>8} "
            f"{prose[i]:>10} {results['prose_ratio'][i]:>6} {prose_cpu[i]:>8}"
        )
    print(f"load average (1 min) while measuring: {results['load_average']}")
    print(f"written to {RESULTS.relative_to(ROOT)} and {PLOT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
