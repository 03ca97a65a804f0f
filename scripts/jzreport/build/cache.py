"""Make the notebook execution cache follow the data, notebook by notebook.

Jupyter Book's cache is keyed on a notebook's code cells only (MyST-NB#299): a changed CSV or a changed
`jzreport` module would not re-execute anything. Before each build this computes, for every chapter
notebook, a digest of the data files it declares (jzreport.datapackage.declared), their schemas in the descriptor, the
edition and the `jzreport` sources. When a notebook's digest differs from the one recorded at the last build, its cache entry
is dropped and its source is touched, so that Sphinx re-reads it (`plan`); the changed notebooks are then
executed into the cache, several at a time (parallel_execution), where myst-nb finds them; the other chapters
stay cached. A change to the book's Sphinx extensions (which changes every page without changing any source)
makes Sphinx re-read all pages, without re-executing anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from functools import lru_cache
from pathlib import Path

from jzreport import paths
from jzreport.build import execution, notebook_runner
from jzreport.datapackage import declared
from jzreport.datapackage.load import DataPackage


def has_code(notebook: Path) -> bool:
    return "```{code-cell}" in notebook.read_text(encoding="utf-8")


def notebooks() -> list[Path]:
    """The book's notebooks that have code to run."""
    return [p for p in declared.book_notebooks() if has_code(p)]


def _digest(parts: list[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _package_sources() -> list[bytes]:
    package = Path(__file__).parents[1]  # all of jzreport (this module is in jzreport/build/)
    return [p.relative_to(package).as_posix().encode() + p.read_bytes() for p in sorted(package.rglob("*.py"))]


def notebook_digest(package: DataPackage, notebook: Path) -> str:
    """What a notebook's execution depends on besides its code: the shared package, the edition (every chapter
    may print its year: jzreport.datapackage.edition) and the data files it declares, with their schemas."""
    parts = [*_package_sources(), json.dumps(package.descriptor.get("edition"), sort_keys=True).encode()]
    for name in sorted(declared.declared(notebook)):
        path = package.path_of(name)
        parts += [
            name.encode(),
            path.read_bytes() if path.exists() else b"missing",
            json.dumps(package.resource(name), sort_keys=True, ensure_ascii=False).encode(),
        ]
    return _digest(parts)


def extensions_digest() -> str:
    return _digest([p.read_bytes() for p in sorted((paths.BOOK_DIR / "_ext").glob("*.py"))])


def _cache(cache_dir: Path):
    from jupyter_cache import get_cache

    return get_cache(str(cache_dir))


def _cached_record(cache, notebook: Path):
    """The cache's execution of this notebook's current code, or None."""
    try:
        return cache.match_cache_notebook(notebook_runner.read(notebook))
    except KeyError:
        return None


def executed_notebooks(build_dir: str) -> dict[Path, object | None]:
    """Each notebook of the book -> the cache's execution of its current code under `build_dir` (a jupyter-book
    `_build` folder), or None when there is none (never executed, or its last execution failed)."""
    cache_dir = Path(build_dir) / ".jupyter_cache"
    cache = _cache(cache_dir) if cache_dir.exists() else None
    found = {}
    for notebook in notebooks():
        record = _cached_record(cache, notebook) if cache is not None else None
        found[notebook] = cache.get_cache_bundle(record.pk).nb if cache is not None and record is not None else None
    return found


def cached_figures(build_dir: str) -> list[dict]:
    """The figures (plotly JSON) of each notebook's latest execution in the cache under `build_dir`, in the order
    Sphinx reads the notebooks (earlier executions of edited code stay in the cache, unused)."""
    cache_dir = Path(build_dir) / ".jupyter_cache"
    if not cache_dir.exists():
        return []
    cache = _cache(cache_dir)
    latest = {}
    for record in sorted(cache.list_cache_records(), key=lambda record: record.created):
        latest[record.uri] = record
    return [
        spec
        for uri in sorted(latest)
        for spec in notebook_runner.figure_specs(cache.get_cache_bundle(latest[uri].pk).nb)
    ]


def _source_stamp(notebook: Path) -> list[int]:
    stat = notebook.stat()
    return [stat.st_mtime_ns, stat.st_size]


class _CachedSources:
    """The notebooks known to have an execution of their current source in the cache, with the stamp (time and
    size) of the source then: an unchanged notebook is not read again to look it up (a prose-only rebuild)."""

    def __init__(self, build: Path):
        self.path = build / ".notebooks-cached.json"
        self.stamps = json.loads(self.path.read_text()) if self.path.exists() else {}

    def unchanged(self, name: str, notebook: Path) -> bool:
        return self.stamps.get(name) == _source_stamp(notebook)

    def record(self, name: str, notebook: Path | None) -> None:
        if notebook is None:
            self.stamps.pop(name, None)
        else:
            self.stamps[name] = _source_stamp(notebook)

    def save(self) -> None:
        self.path.write_text(json.dumps(self.stamps, indent=1, sort_keys=True) + "\n")


def forget_pages_if_extensions_changed(build_dir: str, doctrees: Path | None = None, quiet: bool = False) -> None:
    """A change to the book's Sphinx extensions changes every page without changing any source: drop Sphinx's
    saved pages (`doctrees`, by default the build's under `build_dir`; the live preview has its own), before
    Sphinx loads them, so that it reads every page again. The extensions' digest is kept beside them."""
    doctrees = doctrees or Path(build_dir) / ".doctrees"
    doctrees.parent.mkdir(parents=True, exist_ok=True)
    stamp = doctrees.parent / ".extensions-digest"
    if not stamp.exists() or stamp.read_text() != extensions_digest():
        shutil.rmtree(doctrees, ignore_errors=True)
        stamp.write_text(extensions_digest())
        if not quiet:
            print("==> Sphinx 扩展已改变，所有页面将重新生成 (book extensions changed: every page is rewritten)")


def plan(package: DataPackage, build_dir: str) -> list[Path]:
    """Bring the cache under `build_dir` (a jupyter-book `_build` folder) up to date with the inputs, before
    Sphinx looks for changed pages: drop the executions whose data or shared code changed (and touch those
    chapters, so that Sphinx re-reads them), and return the notebooks to execute: those, and those whose code
    has no execution in the cache (a new chapter, an edited cell, a first build)."""
    build = Path(build_dir)
    build.mkdir(parents=True, exist_ok=True)
    cache = _cache(build / ".jupyter_cache")
    state_path = build / ".notebook-inputs.json"
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    cached = _CachedSources(build)
    empty = not cache.list_cache_records()  # a clean build: nothing to look up
    changed, to_execute = [], []
    for notebook in notebooks():
        name = notebook.relative_to(paths.BOOK_DIR).as_posix()
        digest = notebook_digest(package, notebook)
        if state.get(name) == digest and cached.unchanged(name, notebook):
            continue
        record = None if empty else _cached_record(cache, notebook)
        if state.get(name) != digest:
            if record is not None:
                cache.remove_cache(record.pk)
                record = None
            os.utime(notebook)
            state[name] = digest
            changed.append(notebook)
        cached.record(name, notebook if record is not None else None)
        if record is None:
            to_execute.append(notebook)
    cached.save()
    if changed:
        print(f"==> 数据或共享代码已改变 (inputs changed): {', '.join(n.stem for n in changed)}")
    state_path.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
    return to_execute


def execute(build_dir: str, notebooks_to_execute: list[Path]) -> None:
    """Execute the notebooks `plan` returned; remember which of them are now in the cache."""
    build = Path(build_dir)
    execution.execute(build / ".jupyter_cache", notebooks_to_execute)
    if notebooks_to_execute:
        cache, cached = _cache(build / ".jupyter_cache"), _CachedSources(build)
        for notebook in notebooks_to_execute:
            found = _cached_record(cache, notebook) is not None
            cached.record(notebook.relative_to(paths.BOOK_DIR).as_posix(), notebook if found else None)
        cached.save()


def main(build_dir: str) -> int:
    """Refresh the cache under `build_dir` before a build: extensions, plan, execute."""
    forget_pages_if_extensions_changed(build_dir)
    execute(build_dir, plan(DataPackage.from_environment(), build_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
