"""Execute the notebooks whose inputs changed, several at a time, into the build's execution cache.

myst-nb executes notebooks one after another while Sphinx reads them. Before a build, cache_guard knows
which notebooks will need executing (their code, data or shared code changed); this runs them first, as
myst-nb would (myst-nb's reader, a fresh kernel in the chapter's folder; see jzreport.build.notebook_runner), and
stores each result in the same cache, where myst-nb then finds it. A notebook that fails is not cached: the
build executes it again and reports the failing cell with its file and line.

The kernels do the work; this process only talks to them, from one thread per running notebook. A kernel spends
part of its life waiting (starting, exchanging messages), so one more notebook runs than there are cores
(measured on 2 cores, 11 notebooks: 10.8 s two at a time, 9.0 s three at a time; worker processes instead of
threads, each importing the notebook machinery, took 10.6 s).
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from jzreport import paths
from jzreport.build import notebook_runner

LOG = paths.BUILD_DIR / "logs" / "execution.log"
# The build executes the notebooks while Sphinx starts up; this names the file that says they are done
# (jzreport.build writes it, book/_ext/notebook_execution.py waits for it before Sphinx reads any page).
READY_ENV = "JZREPORT_NOTEBOOKS_READY"  # the kernels' start-up chatter, not the editor's screen


def _execute(notebook: Path, kernel_log) -> tuple[object | None, float]:
    """(the executed notebook, or None when a cell failed; the seconds it took)."""
    from nbclient.exceptions import CellExecutionError

    started = time.monotonic()
    try:
        return notebook_runner.execute(notebook, kernel_log=kernel_log), time.monotonic() - started
    except CellExecutionError:
        return None, time.monotonic() - started


def execute(cache_dir: Path, notebooks: list[Path], workers: int | None = None) -> None:
    """Execute `notebooks` into the cache at `cache_dir`, `workers` at a time (default: one more than the cores)."""
    if not notebooks:
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    workers = min(workers or (os.cpu_count() or 1) + 1, len(notebooks))
    started = time.monotonic()
    print(
        f"==> 执行 {len(notebooks)} 个笔记本，同时 {workers} 个 (executing {len(notebooks)} notebooks, {workers} at a time)",
        flush=True,
    )
    cache = get_cache(str(cache_dir))
    # The longest first, so that the last one to start is a short one (audit and front page read every table).
    ordered = sorted(notebooks, key=lambda n: -n.stat().st_size)
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with open(LOG, "a", encoding="utf-8") as kernel_log, ThreadPoolExecutor(workers) as pool:
        running = {pool.submit(_execute, notebook, kernel_log): notebook for notebook in ordered}
        for done in as_completed(running):
            notebook = running[done]
            executed, seconds = done.result()
            if executed is not None:  # cached here, one at a time: the cache is one sqlite database
                cache.cache_notebook_bundle(
                    CacheBundleIn(executed, str(notebook), data={"execution_seconds": seconds}),
                    check_validity=False,
                    overwrite=True,
                )
            outcome = f"{seconds:.1f} 秒" if executed is not None else "出错，构建时报告 (failed: the build reports it)"
            print(f"    {notebook.relative_to(paths.ROOT).as_posix()}: {outcome}", flush=True)
    print(f"    用时 {time.monotonic() - started:.1f} 秒 (notebooks executed)", flush=True)
