"""`make serve`: a live preview of the book while editing, never touching the published book.

    python -m jzreport.editing.preview [--port 8000]     serve on 127.0.0.1, rebuild on every save

One long-lived process does it all. It keeps one Sphinx application (the book's configuration, as jupyter-book
computes it: `write_sphinx_conf`) with its environment in memory and builds it again on every save, instead of
starting `sphinx-build` anew: a prose edit re-reads the edited page and writes the few pages that show it, with
no start-up (measured on a 2-core VM: median 0.64 s from the save to the new text in the served page, about
2 s with the former sphinx-autobuild; `scripts/benchmark.py --only-preview`). Pages that every build would
otherwise write again are left alone: the colophon is read on the first build only (book/_ext/colophon.py).
It serves book/_build/preview/html on 127.0.0.1 (starlette and uvicorn, as sphinx-autobuild does; the open page
reloads itself when a rebuild is done) and watches, with watchfiles, the book's folder, the data of the edition,
the shared package and the configuration. Before each rebuild it validates the data files that changed (invalid
data: each problem printed on one line, and the preview keeps showing the last good build) and lets the
execution cache follow the data (cache_guard): a prose edit re-executes nothing, a data edit re-executes only the
chapters that read the changed file, before Sphinx reads them. Each rebuild prints one line (the pages read and
written, the seconds); each problem of a bad edit (a MyST error, a broken reference, a failing cell) one more
line, with the chapter file and line, and the server goes on. Everything else is in book/_build/logs/preview.log.

A change to code the process has loaded (the shared package, the book's Sphinx extensions, _config.yml, _toc.yml,
the edition's description in datapackage.json) restarts the process: the open page reloads when it is back.

The preview shares the execution cache of the full build (book/_build/work), so neither runs a notebook the other
already ran; a rebuild and a full build take turns (jzreport.build.build_lock, held for each rebuild only: while
the preview waits for edits, `make html` runs). The published book (book/_build/html) is only ever replaced by a
full `make html`.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import io
import json
import logging
import os
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from jzreport import paths
from jzreport.build import run as build
from jzreport.settings import Settings

if TYPE_CHECKING:
    from sphinx.application import Sphinx

PREVIEW_DIR = build.BUILD_DIR / "preview"
CONF_DIR = PREVIEW_DIR / "conf"
HTML_DIR = PREVIEW_DIR / "html"
DOCTREES = PREVIEW_DIR / "doctrees"
VALID_DATA_STAMP = PREVIEW_DIR / "valid-data.json"  # data file -> digest of file and entry, last found valid
REVISIONS = PREVIEW_DIR / "revisions.json"  # the comparison with the last release, for the Sphinx extensions
LOG = build.LOG_DIR / "preview.log"
SCRIPTS_DIR = Path(__file__).resolve().parents[2]  # scripts/: the shared package jzreport
# Relative paths of the Sphinx configuration, which Sphinx resolves against the configuration folder.
_PATH_SETTINGS = ("html_static_path", "html_favicon", "html_logo", "external_toc_path", "latex_additional_files")
RELOAD_PATH = "/preview-reload"
# Injected into every served page: reload when a rebuild is done; when the server restarts (or is gone),
# reconnect every half second and reload once it is back.
RELOAD_SCRIPT = """
<script>
(() => {
  let lost = false;
  const connect = () => {
    const socket = new WebSocket(`ws://${location.host}%s`);  // codespell:ignore ws
    socket.onopen = () => { if (lost) location.reload(); };
    socket.onmessage = () => location.reload();
    socket.onclose = () => { lost = true; setTimeout(connect, 500); };
  };
  connect();
})();
</script>
""".replace("%s", RELOAD_PATH)


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
    config["jzreport_preview"] = True  # (book/_ext/colophon.py: the colophon is not read again on every save)
    config["nitpicky"] = True  # as the full build: every broken reference is reported
    lines = [
        "# Written by jzreport.editing.preview from _config.yml: do not edit.",
        "import sys",
        f"sys.path.insert(0, {str(paths.BOOK_DIR / '_ext')!r})",
    ]
    lines += [f"{key} = {config[key]!r}" for key in sorted(config)]
    CONF_DIR.mkdir(parents=True, exist_ok=True)
    (CONF_DIR / "conf.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return CONF_DIR


class _Status(io.TextIOBase):
    """Sphinx's progress, into the log file, each line with the seconds since the rebuild started."""

    def __init__(self, log):
        self.log = log
        self.started = time.monotonic()

    def write(self, text: str) -> int:
        for line in text.splitlines(keepends=True):
            self.log.write(f"{time.monotonic() - self.started:6.2f} {line}" if line.strip() else line)
        return len(text)

    def flush(self) -> None:
        self.log.flush()


class _Warnings(io.TextIOBase):
    """Sphinx's warnings: into the log file, and kept for the build that is running (to print its problems)."""

    def __init__(self, log):
        self.log = log
        self.text: list[str] = []

    def write(self, text: str) -> int:
        self.log.write(text)
        self.text.append(text)
        return len(text)

    def flush(self) -> None:
        self.log.flush()


class Preview:
    """One Sphinx application, built again on every change; its builds take turns with `make html`."""

    def __init__(self, settings: Settings, writing=contextlib.nullcontext):
        self.settings = settings
        self.writing = writing  # a context for Sphinx's run (the server holds back requests meanwhile)
        LOG.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(LOG, "a", encoding="utf-8")  # noqa: SIM115 (open for the life of the process)
        self.warnings = _Warnings(self.log)
        self.status = _Status(self.log)
        self.app: Sphinx | None = None
        self.read: list[str] = []
        self.written: list[str] = []
        self.compared = ""  # the inputs of the comparison with the last release, when REVISIONS was written
        self.seen: dict[Path, tuple[int, int]] = {}  # each chapter's time and size when Sphinx last looked

    def _make_app(self):
        from sphinx.application import Sphinx
        from sphinx.util import console

        from jzreport.build import cache

        console.nocolor()
        # the preview's own saved pages, made by the book's extensions: all read again when those changed
        cache.forget_pages_if_extensions_changed(str(PREVIEW_DIR), DOCTREES, quiet=True)
        with contextlib.redirect_stdout(self.log):  # what extensions print as they load (sphinxext-opengraph)
            app = Sphinx(
                str(paths.BOOK_DIR),
                str(write_sphinx_conf()),
                str(HTML_DIR),
                str(DOCTREES),
                "html",
                status=cast("IO[str]", self.status),  # a text stream: write and flush
                warning=cast("IO[str]", self.warnings),
                freshenv=False,
                keep_going=True,
            )
        for name in ("", "traitlets"):  # the kernels' and the watcher's news: not a line each
            logging.getLogger(name).setLevel(logging.WARNING)
        app.connect("env-before-read-docs", lambda app, env, docnames: self.read.extend(sorted(docnames)))
        app.connect("html-page-context", lambda app, pagename, *rest: self.written.append(pagename))
        return app

    def prepare(self) -> bool:
        """Validate the data files that changed, then execute the chapters whose inputs changed into the cache.
        False: invalid data (printed), do not build."""
        from jzreport.build import cache
        from jzreport.datapackage import validate
        from jzreport.datapackage.load import DataPackage

        problems = validate.validate_changed(self.settings, VALID_DATA_STAMP)
        if problems:
            for problem in problems:
                print(f"  - {problem}", file=sys.stderr, flush=True)
            print(
                f"数据有 {len(problems)} 处问题，预览未更新，仍显示上次的结果 "
                f"(invalid data: the preview was not rebuilt and shows the last good build)",
                file=sys.stderr,
                flush=True,
            )
            return False
        cache.forget_pages_if_extensions_changed(str(build.JB_BUILD_DIR))
        package = DataPackage(self.settings)
        cache.execute(str(build.JB_BUILD_DIR), cache.plan(package, str(build.JB_BUILD_DIR)))
        self._compare(package)
        return True

    def _compare(self, package) -> None:
        """The comparison with the last release, for the pages 修订记录 and the marks beside changed numbers, as the
        full build makes it (jzreport.releases.comparison, found by the extensions through REVISIONS_ENV); made
        again only when what it reads changed (the data, the releases, the executed chapters), not for a prose
        edit: it takes a second."""
        from jzreport.releases import comparison, ledger

        inputs = comparison_inputs(self.settings)
        if inputs == self.compared and REVISIONS.exists():
            return
        found = comparison.compute(package, build.JB_BUILD_DIR)
        if found is None:  # a chapter failed: the extensions make it themselves (and the build reports the chapter)
            REVISIONS.unlink(missing_ok=True)
            os.environ.pop(comparison.REVISIONS_ENV, None)
            self.compared = ""
            return
        REVISIONS.parent.mkdir(parents=True, exist_ok=True)
        REVISIONS.write_text(ledger.dumps(found), encoding="utf-8")
        os.environ[comparison.REVISIONS_ENV] = str(REVISIONS)
        self.compared = inputs

    def rebuild(self, changed: Iterable[Path] = ()) -> bool:
        """Prepare and build; print one line for the rebuild and one per problem. True when pages were written."""
        from jzreport.build import build_lock, sphinx_log
        from jzreport.datapackage import declared

        started = self.status.started = time.monotonic()
        self.read, self.written, self.warnings.text = [], [], []
        self.log.write(f"\n=== {time.strftime('%H:%M:%S')} rebuild: {', '.join(map(str, changed)) or 'start'}\n")
        with build_lock.held("make serve"):  # the execution cache and the figure images are the full build's
            started = self.status.started = time.monotonic()  # (the seconds a rebuild takes, not those it waited)
            # A build stopped while Sphinx read a chapter leaves its name set: nothing read now is that chapter.
            os.environ.pop(declared.NOTEBOOK_ENV, None)
            try:
                if not self.prepare():
                    return False
                self.log.write(f"prepared in {time.monotonic() - started:.2f} s\n")
                # The cache guard touches the chapters whose inputs changed (for Sphinx to read them): not an edit.
                self.seen = {path: _stamp(path) for path in declared.book_notebooks()}
                if self.app is None:
                    self.app = self._make_app()
                with self.writing():
                    self.app.build()
            except Exception as error:  # whatever stops the rebuild, the server goes on
                failure = traceback.format_exc()
                self.log.write(failure)
                self.log.flush()
                found = [str(p) for p in sphinx_log.problems("".join(self.warnings.text) + failure)]
                for problem in found or [f"{type(error).__name__}: {error}"]:
                    print(f"  {problem}".splitlines()[0], file=sys.stderr, flush=True)
                print(
                    f"预览未更新，仍显示上次的结果 (the preview was not rebuilt: {type(error).__name__}; "
                    f"{LOG.relative_to(paths.ROOT)})",
                    file=sys.stderr,
                    flush=True,
                )
                return False
            finally:
                os.environ.pop(declared.NOTEBOOK_ENV, None)
        self.log.flush()
        seconds = time.monotonic() - started
        problems = sphinx_log.problems("".join(self.warnings.text))
        pages = [p for p in self.written if p not in ("genindex", "search")]
        shown = ", ".join(self.read[:4]) + (f" …（共 {len(self.read)} 页）" if len(self.read) > 4 else "")
        print(
            f"==> 预览已更新 {seconds:.2f} 秒 (rebuilt in {seconds:.2f} s): "
            f"读 (read) {shown or '—'}；写 {len(pages)} 页 (pages written)"
            + (f"；{len(problems)} 处问题 (problems)" if problems else ""),
            flush=True,
        )
        for found_problem in problems:
            print(f"  {found_problem}", file=sys.stderr, flush=True)
        return bool(self.written)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, -1)
    return (stat.st_mtime_ns, stat.st_size)


def comparison_inputs(settings: Settings) -> str:
    """A digest of what the comparison with the last release reads: every file of the edition's data and of its
    releases, the executions in the cache, and each chapter's code cells (which pick its execution; the prose
    around them does not)."""
    import hashlib

    from jzreport.build import cache
    from jzreport.releases import store

    digest = hashlib.sha256()
    for folder in (settings.data_dir, store.folder(settings)):
        for path in sorted(folder.glob("*")) if folder.exists() else []:
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    records = cache._cache(build.JB_BUILD_DIR / ".jupyter_cache").list_cache_records()
    digest.update(repr(sorted((r.pk, r.uri, str(r.created)) for r in records)).encode())
    for notebook in cache.notebooks():
        text = notebook.read_text(encoding="utf-8")
        digest.update(str(notebook).encode() + "".join(_CODE_CELL.findall(text)).encode())
    return digest.hexdigest()


_CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```$", re.M | re.S)


class _Reloads:
    """The open pages' connections: each is told to reload when a rebuild is done. While a rebuild writes pages, a
    request waits for it to end (Sphinx writes a page in place: served then, it could be half written)."""

    def __init__(self):
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queues: set[asyncio.Queue] = set()
        self.idle = threading.Event()
        self.idle.set()

    @contextlib.contextmanager
    def building(self):
        self.idle.clear()
        try:
            yield
        finally:
            self.idle.set()

    async def wait_idle(self) -> None:
        deadline = time.monotonic() + 600
        while not self.idle.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    async def __call__(self, scope, receive, send) -> None:
        from starlette.websockets import WebSocket, WebSocketDisconnect

        socket = WebSocket(scope, receive, send)
        await socket.accept()
        self.loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        self.queues.add(queue)

        async def disconnected() -> None:
            with contextlib.suppress(WebSocketDisconnect):
                async for _ in socket.iter_text():
                    pass

        async def reloads() -> None:
            while True:
                await queue.get()
                await socket.send_text("reload")

        tasks = [asyncio.ensure_future(disconnected()), asyncio.ensure_future(reloads())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            self.queues.discard(queue)

    def notify(self) -> None:
        """From the thread that builds: every open page reloads."""
        if self.loop is not None:
            for queue in list(self.queues):
                self.loop.call_soon_threadsafe(queue.put_nowait, True)


def _web_app(reloads: _Reloads):
    """The preview's pages with the reload script in each (sphinx-autobuild's injector), and the reload socket."""
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware  # type: ignore[import-untyped]
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    class _Injector(JavascriptInjectorMiddleware):
        def __init__(self, app):
            super().__init__(app, ws_url="")
            self.script = RELOAD_SCRIPT.encode("utf-8")

        async def __call__(self, scope, receive, send) -> None:
            if scope["type"] == "http":
                await reloads.wait_idle()
            await super().__call__(scope, receive, send)

    HTML_DIR.mkdir(parents=True, exist_ok=True)
    return Starlette(
        routes=[
            WebSocketRoute(RELOAD_PATH, reloads),
            Mount("/", app=StaticFiles(directory=HTML_DIR, html=True)),
        ],
        middleware=[Middleware(_Injector)],
    )


def _start_server(app, port: int):
    """uvicorn in a thread of its own, on 127.0.0.1 only; returns once it listens."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="preview-server", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit(f"预览无法在端口 {port} 上启动 (could not serve on 127.0.0.1:{port}: is it in use?)")
        time.sleep(0.02)
    return server


def watched(settings: Settings) -> list[Path]:
    return [paths.BOOK_DIR, settings.data_dir, SCRIPTS_DIR / "jzreport", paths.CONFIG, paths.TOC]


def _restarts(path: Path, edition_before: object, settings: Settings) -> bool:
    """A change to code or configuration this process has loaded: only a new process takes it in."""
    if path in (paths.CONFIG, paths.TOC):
        return True
    if path.suffix == ".py" and (path.is_relative_to(SCRIPTS_DIR) or path.is_relative_to(paths.BOOK_DIR / "_ext")):
        return True
    if path == settings.descriptor:
        try:
            return json.loads(path.read_text(encoding="utf-8")).get("edition") != edition_before
        except ValueError:
            return False  # a half-written or invalid descriptor: the validation reports it
    return False


def _edition_block(settings: Settings) -> object:
    try:
        return json.loads(settings.descriptor.read_text(encoding="utf-8")).get("edition")
    except (OSError, ValueError):
        return None


def _restart(port: int) -> None:
    print("==> 代码或配置已改变，预览重新启动 (code or configuration changed: the preview restarts)", flush=True)
    atexit._run_exitfuncs()  # the figure renderer's browser, which exec would leave behind
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "jzreport.editing.preview", "--port", str(port)])


def _stop(signum, frame) -> None:
    """Ctrl-C or a kill: stop at once, also in the middle of a rebuild (its kernels and the figure renderer's
    browser, this process's children, with it). The build lock goes with the process."""
    print("\n==> 预览已停止 (the preview has stopped)", flush=True)
    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if stat.read_text().rsplit(")", 1)[1].split()[1] == me:
                os.kill(int(stat.parent.name), signal.SIGTERM)
    os._exit(0)


def serve(port: int) -> None:
    import watchfiles

    settings = Settings.from_environment()
    os.environ.update(settings.environment())  # the edition, for the kernels and the extensions
    reloads = _Reloads()
    preview = Preview(settings, reloads.building)
    server = _start_server(_web_app(reloads), port)
    build.announce(
        f"预览 (live preview): http://127.0.0.1:{port}/ — 保存后自动重建并刷新页面 (rebuilt and reloaded on save); "
        f"已发布的书不受影响 (the published book is not touched)"
    )
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    edition = _edition_block(settings)
    ignore = watchfiles.DefaultFilter(
        ignore_dirs=[*watchfiles.DefaultFilter.ignore_dirs, ".ipynb_checkpoints"], ignore_paths=[build.BUILD_DIR]
    )
    watching = watchfiles.watch(
        *watched(settings), watch_filter=ignore, debounce=400, step=30, rust_timeout=200, yield_on_timeout=True
    )
    try:
        next(watching)  # watching from here: an edit saved during the first build is built next
        preview.rebuild()
        reloads.notify()
        for changes in watching:
            if not changes:
                continue
            # (a chapter as Sphinx last found it: the cache guard's touch, or an edit already built)
            changed = sorted({Path(path) for _, path in changes if _stamp(Path(path)) != preview.seen.get(Path(path))})
            if not changed:
                continue
            if any(_restarts(path, edition, settings) for path in changed):
                server.should_exit = True
                _restart(port)
            if preview.rebuild([p.relative_to(paths.ROOT) if p.is_relative_to(paths.ROOT) else p for p in changed]):
                reloads.notify()
    finally:
        server.should_exit = True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    serve(args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
