"""Execute the notebooks whose inputs changed, several at a time, into the build's execution cache.

myst-nb executes notebooks one after another while Sphinx reads them. Before a build, cache_guard knows
which notebooks will need executing (their code, data or shared code changed); this runs them first, one
per core, exactly as myst-nb would (myst-nb's reader, jupyter-cache's executor, the chapter's folder as the
working directory) and stores each result in the same cache, where myst-nb then finds it. A notebook that
fails is not cached: the build executes it again and reports the failing cell with its file and line.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from . import paths

TIMEOUT_S = 180  # as execute.timeout in _config.yml
LOG = paths.BOOK_DIR / "_build" / "logs" / "execution.log"


def _quiet_worker() -> None:
    """Kernels write start-up chatter to stderr; keep it in the log, not on the editor's screen."""
    LOG.parent.mkdir(parents=True, exist_ok=True)
    log = os.open(LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(log, 2)


def _execute_into_cache(cache_dir: str, notebook: str) -> float | None:
    """Execute one notebook and cache it; its execution time, or None when a cell failed."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.executors.utils import single_nb_execution
    from myst_nb.core.read import read_myst_markdown_notebook

    source = Path(notebook)
    executed = read_myst_markdown_notebook(source.read_text(encoding="utf-8"))
    result = single_nb_execution(executed, cwd=str(source.parent), allow_errors=False, timeout=TIMEOUT_S,
                                 meta_override=True)
    if result.err is not None:
        return None
    get_cache(cache_dir).cache_notebook_bundle(
        CacheBundleIn(executed, str(source), data={"execution_seconds": result.time}), check_validity=False, overwrite=True)
    return result.time


def execute(cache_dir: Path, notebooks: list[Path], workers: int | None = None) -> None:
    """Execute `notebooks` into the cache at `cache_dir`, `workers` at a time (default: one per core)."""
    if not notebooks:
        return
    workers = min(workers or os.cpu_count() or 1, len(notebooks))
    started = time.monotonic()
    print(f"==> 执行 {len(notebooks)} 个笔记本，同时 {workers} 个 (executing {len(notebooks)} notebooks, {workers} at a time)",
          flush=True)
    with ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker) as pool:
        running = {pool.submit(_execute_into_cache, str(cache_dir), str(n)): n for n in notebooks}
        for done in as_completed(running):
            name = running[done].relative_to(paths.ROOT).as_posix()
            seconds = done.result()
            outcome = f"{seconds:.1f} 秒" if seconds is not None else "出错，构建时报告 (failed: the build reports it)"
            print(f"    {name}: {outcome}", flush=True)
    print(f"    用时 {time.monotonic() - started:.1f} 秒 (notebooks executed)", flush=True)
