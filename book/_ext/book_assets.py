"""Sphinx extension of this book: plotly.js served locally, and only to pages that draw a figure.

The book's figures use only the bar, pie and scatter trace types, so the site ships plotly.js's
"basic" bundle (1.2 MB, 0.4 MB gzipped, instead of 4.8 MB / 1.5 MB), vendored in
book/_vendor/ with its licence (npm package plotly.js-basic-dist-min, same plotly.js version as
the plotly Python package). A <script> tag is added to the body, not deferred (figure code calls
Plotly.newPlot inline), only of pages whose body contains a plotly figure. Nothing is loaded from
the internet.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

# Kept in book/_vendor, not _static: Jupyter Book adds every .js under a static path to every page.
VENDOR_DIR = Path(__file__).resolve().parents[1] / "_vendor"
PLOTLY_JS = "plotly-basic-4.1.1.min.js"


def _add_plotly_to_figure_pages(app, pagename, templatename, context, doctree):
    # The tag goes at the top of the page body: it loads (blocking) before the first figure's inline code.
    body = context.get("body", "")
    if "Plotly.newPlot" in body:
        src = context["pathto"](f"_static/{PLOTLY_JS}", 1)
        context["body"] = f'<script src="{src}"></script>\n' + body


def _is_thebe(script) -> bool:
    text = f"{getattr(script, 'filename', '') or ''} {(getattr(script, 'attributes', None) or {}).get('body', '')}"
    return "thebe" in text.lower()


def _drop_thebe(app, pagename, templatename, context, doctree):
    """Jupyter Book always loads sphinx-thebe (live code from a CDN, declared twice: a page error). The book
    does not offer live code, so its scripts are left out of every page."""
    context["script_files"] = [js for js in context["script_files"] if not _is_thebe(js)]
    context["css_files"] = [css for css in context["css_files"] if "thebe" not in str(getattr(css, "filename", ""))]


def _copy_vendor_files(app, exception):
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        for path in VENDOR_DIR.iterdir():
            shutil.copyfile(path, static / path.name)


FONTAWESOME_JS = Path("_static") / "scripts" / "fontawesome.js"
_ICON_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")
_SUBSET_JS = """/*!
 * Subset of Font Awesome Free 6 (https://fontawesome.com; icons: CC BY 4.0, code: MIT), made by
 * book/_ext/book_assets.py with only the icons this book's pages use, in place of the theme's 1.5 MB bundle.
 */
(function () {
  var icons = %s;
  var style = document.createElement("style");
  style.textContent = "svg.svg-inline--fa{display:inline-block;height:1em;overflow:visible;vertical-align:-.125em}"
    + "svg.svg-inline--fa.fa-lg{font-size:1.25em;line-height:.05em;vertical-align:-.2em}";
  document.head.appendChild(style);
  function draw() {
    document.querySelectorAll("i[class*='fa-'], span[class*='fa-']").forEach(function (element) {
      var name = Array.prototype.map.call(element.classList, function (c) { return c.slice(3); })
        .filter(function (n) { return icons[n]; })[0];
      if (!name) return;
      var icon = icons[name];
      var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("class", "svg-inline--fa " + element.className);
      svg.setAttribute("viewBox", "0 0 " + icon[0] + " " + icon[1]);
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("data-icon", name);
      var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("fill", "currentColor");
      path.setAttribute("d", icon[2]);
      svg.appendChild(path);
      element.replaceWith(svg);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
"""


def _subset_fontawesome(outdir: Path) -> None:
    """Replace the theme's Font Awesome bundle by the few icons the pages use (saves ~0.5 MB gzipped a page)."""
    bundle = outdir / FONTAWESOME_JS
    if not bundle.exists():
        return
    source = bundle.read_text(encoding="utf-8")
    used = {name for page in outdir.rglob("*.html") for name in _ICON_CLASS.findall(page.read_text(encoding="utf-8"))}
    icons = {}
    for name in sorted(used):
        match = re.search(r'"%s":\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]' % re.escape(name), source)
        if match:
            icons[name] = [int(match.group(1)), int(match.group(2)), match.group(3)]
    bundle.write_text(_SUBSET_JS % json.dumps(icons, separators=(",", ":")), encoding="utf-8")
    for leftover in (bundle.with_suffix(".js.map"),):
        leftover.unlink(missing_ok=True)


def _trim_theme_assets(app, exception):
    if exception is None and app.builder.format == "html":
        _subset_fontawesome(Path(app.outdir))


def setup(app):
    app.connect("html-page-context", _add_plotly_to_figure_pages)
    app.connect("html-page-context", _drop_thebe)
    app.connect("build-finished", _copy_vendor_files)
    app.connect("build-finished", _trim_theme_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
