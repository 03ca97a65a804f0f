"""Static images of the book's figures, made by kaleido with Debian's chromium: SVG for the web page (shown at
once, before any script), PDF for the printed book.

The build makes them, not the notebooks, in one kaleido session (one browser) per build: once the notebooks
have executed, `BackgroundRenderer` starts `python -m jzreport.build.static_images svg|pdf` with every figure of the
book; it works on the core that Sphinx (one process) leaves idle while it reads the pages, and Sphinx needs
the images only when it writes them. Every image is cached on disk by the figure's content (its plotly JSON,
the format, font and size), so a rebuild, or another build of the same figure, makes no new image. When
Sphinx needs an image (jzreport.build.figure_rendering) it waits for the renderer while that still works, and
makes the image itself only if no renderer made it.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from jzreport import paths
from jzreport.present.figure_style import FONT_FAMILY, PHONE_WIDTH, STATIC_FONT_FAMILY, STATIC_WIDTH, height_of

CACHE_DIR = paths.BUILD_DIR / "figure-images"
RENDERING = CACHE_DIR / "renderer.pid"  # present while a build's background renderer works
_session = {"started": False, "images": 0, "seconds": 0.0}


# kaleido prints a PDF image from a page whose size is the figure's, with margins of 0.1 in: the figure was
# shrunk by 2 % and its lowest 9 px cut off (axis titles at the foot of a chart lost half their height). The
# page's own @page rule sets no margins.
PAGE_STYLE = "<style>@page { margin: 0 }</style>"


def _start_session() -> None:
    import kaleido

    class Page(kaleido.PageGenerator):
        header = kaleido.PageGenerator.header + PAGE_STYLE + "\n"  # (the header ends inside <head>)

    kaleido.start_sync_server(page_generator=Page(mathjax=False), silence_warnings=True)
    atexit.register(kaleido.stop_sync_server, silence_warnings=True)
    _session["started"] = True


# The widths each format is made in: the web page's SVG for wide screens and for phones, the printed book's PDF.
WIDTHS = {"svg": (STATIC_WIDTH, PHONE_WIDTH), "pdf": (STATIC_WIDTH,)}


def _cache_key(spec: dict, fmt: str, font_family: str, width: int) -> str:
    text = json.dumps(
        [spec["data"], spec.get("layout", {}), fmt, font_family, width, PAGE_STYLE],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def running(pid: int) -> bool:
    """The process `pid` runs. One that has exited but whose parent has not yet collected it (a zombie, state Z)
    does not: a build waiting for its images would wait in vain."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _renderer_alive() -> bool:
    """A build's background renderer is at work (and it is not this process)."""
    try:
        pid = int(RENDERING.read_text())
    except (OSError, ValueError):
        return False
    return pid != os.getpid() and running(pid)


def _wait_for_renderer(cached: Path, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not cached.exists() and _renderer_alive() and time.monotonic() < deadline:
        time.sleep(0.05)


def image(spec: dict, fmt: str, font_family: str, width: int = STATIC_WIDTH) -> bytes:
    """The figure `spec` (plotly JSON: data and layout) as an `fmt` ("svg" or "pdf") image in `font_family`, `width`
    pixels wide."""
    cached = CACHE_DIR / f"{_cache_key(spec, fmt, font_family, width)}.{fmt}"
    _wait_for_renderer(cached)
    if cached.exists():
        return cached.read_bytes()
    import kaleido
    import plotly.graph_objects as go

    if not _session["started"]:
        _start_session()
    started = time.monotonic()
    figure = go.Figure(spec).update_layout(font_family=font_family)
    made = kaleido.calc_fig_sync(figure, opts=dict(format=fmt, width=width, height=height_of(spec)))
    _session["images"] += 1
    _session["seconds"] += time.monotonic() - started
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    staging = cached.with_name(f"{cached.name}.{os.getpid()}.new")  # parallel builds never see half an image
    staging.write_bytes(made)
    staging.replace(cached)
    return made


def figure_image(spec: dict, fmt: str, width: int = STATIC_WIDTH) -> bytes:
    """The figure's image as the book shows it: SVG for the web page in the book's font (`width`: one of
    WIDTHS["svg"]), PDF for the printed book in the TrueType font whose text extracts correctly
    (jzreport.present.figure_style)."""
    return image(spec, fmt, FONT_FAMILY if fmt == "svg" else STATIC_FONT_FAMILY, width)


class BackgroundRenderer:
    """The build's kaleido session in a process of its own: `start(specs)` hands it every figure; leaving the
    block waits until their images are made (a few seconds, even when the build failed: stopping the renderer
    would leave its browser running)."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> BackgroundRenderer:
        return self

    def start(self, specs: list[dict]) -> None:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jzreport.build.static_images", self.fmt], stdin=subprocess.PIPE, text=True
        )
        RENDERING.write_text(str(self.process.pid))
        assert self.process.stdin is not None  # stdin=PIPE
        with self.process.stdin as queue:  # closed: the renderer exits once these are made
            queue.writelines(json.dumps(spec, ensure_ascii=False) + "\n" for spec in specs)

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.wait()
            RENDERING.unlink(missing_ok=True)


def main(fmt: str) -> int:
    """The background renderer: make the `fmt` image of every figure read from stdin (one JSON per line)."""
    started, made = time.monotonic(), 0
    try:
        for line in sys.stdin:
            for width in WIDTHS[fmt]:
                figure_image(json.loads(line), fmt, width)
                made += 1
    finally:  # done (or failed): Sphinx makes any image still missing without waiting
        if RENDERING.exists() and RENDERING.read_text().strip() == str(os.getpid()):
            RENDERING.unlink(missing_ok=True)
    images, seconds = _session["images"], _session["seconds"]
    print(
        f"    静态图 (static images): {images} 张新生成，{made - images} 张已有 "
        f"({images} {fmt} made in {seconds:.1f} s, {made - images} found made; {time.monotonic() - started:.1f} s in all)",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
