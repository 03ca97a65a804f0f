"""Make the notebook execution cache follow the data, notebook by notebook.

Jupyter Book's cache is keyed on a notebook's code cells only (MyST-NB#299): a changed CSV or a
changed `jzreport` module would not re-execute anything. Before each build this finds, for every
chapter notebook, the data files it reads (its `load_table("…")` calls; `glue_facts()`/`fact(`/`facts()`
read reported_facts.csv) and computes a digest of those files, their schemas in the descriptor and
the `jzreport` sources. When a notebook's digest differs from the one recorded at the last build, its
cache entry is dropped and its source is touched, so that Sphinx re-reads it; the changed notebooks are
then executed into the cache, one per core (parallel_execution), where myst-nb finds them; the other
chapters stay cached. A change to the book's Sphinx extensions (which changes every page
without changing any source) makes Sphinx re-read all pages, without re-executing anything.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

from . import data, parallel_execution, paths

_LOAD = re.compile(r"""load_table\(\s*["']([a-z0-9_]+)["']""")
_FACTS = re.compile(r"\b(glue_facts|facts|fact|load_facts)\(")
_IMPORTED = re.compile(r"\bjzreport\.(\w+)")


def notebooks() -> list[Path]:
    """The book's MyST notebooks: Markdown files with a kernelspec in their front matter."""
    return sorted(p for p in paths.BOOK_DIR.rglob("*.md")
                  if not {"_build", ".ipynb_checkpoints"} & set(p.parts) and "kernelspec:" in p.read_text(encoding="utf-8").split("\n---", 1)[0])


def _data_read_by(text: str) -> set[str]:
    names = set(_LOAD.findall(text))
    if _FACTS.search(text):
        names.add("reported_facts")
    return names


def dependencies(notebook: Path) -> set[str]:
    """Names of the data files a notebook reads: its own `load_table("…")` calls and those of the
    jzreport modules it imports (e.g. the audit's checks)."""
    text = notebook.read_text(encoding="utf-8")
    names = _data_read_by(text)
    for module in set(_IMPORTED.findall(text)):
        source = Path(__file__).with_name(f"{module}.py")
        if source.exists():
            names |= _data_read_by(source.read_text(encoding="utf-8"))
    return names


def _digest(parts: list[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part + b"\0")
    return digest.hexdigest()


def _package_sources() -> list[bytes]:
    return [p.name.encode() + p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py"))]


def notebook_digest(notebook: Path) -> str:
    parts = _package_sources()
    for name in sorted(dependencies(notebook)):
        path = data.path_of(name)
        parts += [name.encode(), path.read_bytes() if path.exists() else b"missing",
                  json.dumps(data.resource(name), sort_keys=True, ensure_ascii=False).encode()]
    return _digest(parts)


def extensions_digest() -> str:
    return _digest([p.read_bytes() for p in sorted((paths.BOOK_DIR / "_ext").glob("*.py"))])


def _drop_cached_execution(cache_dir: Path, notebook: Path) -> None:
    """Remove the cached execution that myst-nb would reuse for this notebook (matched by its code)."""
    if not cache_dir.exists():
        return
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    cache = get_cache(str(cache_dir))
    try:
        record = cache.match_cache_notebook(read_myst_markdown_notebook(notebook.read_text(encoding="utf-8")))
    except KeyError:
        return
    cache.remove_cache(record.pk)


def main(build_dir: str) -> int:
    """Refresh the cache under `build_dir` (a jupyter-book `_build` folder); print what will re-execute."""
    build = Path(build_dir)
    state_path = build / ".notebook-inputs.json"
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    changed = []
    for notebook in notebooks():
        name = notebook.relative_to(paths.BOOK_DIR).as_posix()
        digest = notebook_digest(notebook)
        if state.get(name) != digest:
            _drop_cached_execution(build / ".jupyter_cache", notebook)
            os.utime(notebook)
            state[name] = digest
            changed.append(notebook)
    if state.get("_ext") != extensions_digest():
        shutil.rmtree(build / ".doctrees", ignore_errors=True)
        state["_ext"] = extensions_digest()
        print("==> Sphinx 扩展已改变，所有页面将重新生成 (book extensions changed: every page is rewritten)")
    if changed:
        print(f"==> 数据或共享代码已改变，将重新执行 (inputs changed, re-executing): {', '.join(n.stem for n in changed)}")
    build.mkdir(parents=True, exist_ok=True)
    parallel_execution.execute(build / ".jupyter_cache", changed)
    state_path.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
