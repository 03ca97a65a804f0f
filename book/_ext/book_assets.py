"""Sphinx extension of this book: plotly.js served locally, loaded only when a reader asks for it; lean pages.

The book's figures use only the bar, pie and scatter trace types, which are exactly plotly.js's "basic"
bundle (1.2 MB, 0.4 MB gzipped, instead of 4.8 MB / 1.5 MB), vendored in book/_vendor/ with its licence
(npm package plotly.js-basic-dist-min, same plotly.js version as the plotly Python package; to rebuild:
`npm pack plotly.js-basic-dist-min@4.1.1` and copy `plotly-basic.min.js`). A page shows each figure as a
static image first; book/_vendor/lazy-figures.js (added, deferred, only to pages with figures) loads
plotly.js when the reader taps a figure's button. Every script file is deferred, and the theme's search
scripts are left to the search page (book/_templates/layout.html). Nothing is loaded from the internet.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from jzreport import paths

# Kept in book/_vendor, not _static: Jupyter Book adds every .js under a static path to every page.
VENDOR_DIR = Path(__file__).resolve().parents[1] / "_vendor"
PLOTLY_JS = "plotly-basic-4.1.1.min.js"
LAZY_FIGURES_JS = "lazy-figures.js"
FIGURE_MARK = 'class="lazy-figure-data"'  # written by jzreport.present.figures.figure_html


def _add_figure_script_to_figure_pages(app, pagename, templatename, context, doctree):
    """Pages with figures get lazy-figures.js (deferred), told where plotly.js is."""
    body = context.get("body", "")
    if FIGURE_MARK in body:
        script = context["pathto"](f"_static/{LAZY_FIGURES_JS}", 1)
        plotly = context["pathto"](f"_static/{PLOTLY_JS}", 1)
        context["body"] = body + f'\n<script defer src="{script}" data-plotly="{plotly}"></script>\n'


def _is_thebe(script) -> bool:
    text = f"{getattr(script, 'filename', '') or ''} {(getattr(script, 'attributes', None) or {}).get('body', '')}"
    return "thebe" in text.lower()


def _drop_thebe(app, pagename, templatename, context, doctree):
    """Jupyter Book always loads sphinx-thebe (live code from a CDN, declared twice: a page error). The book
    does not offer live code, so its scripts are left out of every page."""
    context["script_files"] = [js for js in context["script_files"] if not _is_thebe(js)]
    context["css_files"] = [css for css in context["css_files"] if "thebe" not in str(getattr(css, "filename", ""))]


def _drop_sphinx_design_where_unused(app, pagename, templatename, context, doctree):
    """sphinx-design (loaded by Jupyter Book) styles tabs, cards and grids: a page with none of them (class
    sd-…) leaves out its stylesheet and script, one request less before the text shows."""
    if 'class="sd-' in context.get("body", "") or " sd-" in context.get("body", ""):
        return
    context["css_files"] = [
        css for css in context["css_files"] if "sphinx-design" not in str(getattr(css, "filename", css))
    ]
    context["script_files"] = [
        js for js in context["script_files"] if "design-tabs" not in str(getattr(js, "filename", js))
    ]


def _defer_scripts(app, pagename, templatename, context, doctree):
    """Every script file loads after the page is parsed (defer keeps their order): none holds up the text.
    The few inline scripts only set variables and stay as they are."""
    from sphinx.builders.html._assets import _JavaScript

    context["script_files"] = [
        js
        if not getattr(js, "filename", None) or (getattr(js, "attributes", None) or {}).get("defer")
        else _JavaScript(js.filename, priority=js.priority, **{**js.attributes, "defer": "defer"})
        for js in context["script_files"]
    ]


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


def _used_icons(outdir: Path) -> set[str]:
    """The fa-* icon names the written pages carry."""
    return {name for page in outdir.rglob("*.html") for name in _ICON_CLASS.findall(page.read_text(encoding="utf-8"))}


def _subset_fontawesome(outdir: Path, used: set[str]) -> None:
    """Replace the theme's Font Awesome bundle by the few icons the pages use (saves ~0.5 MB gzipped a page)."""
    bundle = outdir / FONTAWESOME_JS
    if not bundle.exists():
        return
    source = bundle.read_text(encoding="utf-8")
    icons = {}
    for name in sorted(used):
        match = re.search(rf'"{re.escape(name)}":\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]', source)
        if match:
            icons[name] = [int(match.group(1)), int(match.group(2)), match.group(3)]
    bundle.write_text(_SUBSET_JS % json.dumps(icons, separators=(",", ":")), encoding="utf-8")
    for leftover in (bundle.with_suffix(".js.map"),):
        leftover.unlink(missing_ok=True)


ICON_FONT = Path("_static") / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2"
THEME_CSS = Path("_static") / "styles" / "pydata-sphinx-theme.css"
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CODEPOINT = re.compile(r'"(?:\\(f[0-9a-f]{3})|([\ue000-\uf8ff]))"')  # "\f019" or the private-use character itself


def _icon_codepoints(css: str, used_icons: set[str]) -> set[int]:
    """The icon font's code points the pages can show: those the theme's own rules use (its --pst-icon-*
    variables, admonition and link icons), and those of the fa-* icon classes the pages carry."""
    found: set[int] = set()
    for selectors, body in _CSS_RULE.findall(css):
        names = {s.strip().removeprefix(".").split(":")[0] for s in selectors.split(",")}
        icon_rule = all(s.strip().startswith(".fa-") for s in selectors.split(","))
        if not icon_rule or names & {f"fa-{name}" for name in used_icons}:
            found.update(int(escaped, 16) if escaped else ord(char) for escaped, char in _CODEPOINT.findall(body))
    return found


def _subset_icon_font(outdir: Path, used: set[str]) -> None:
    """Cut the theme's icon font (156 KB, fetched by every page before its text shows on a slow phone) down to
    the glyphs the pages can show: a few KB. fonttools keeps the font's own timestamps: stable bytes."""
    from fontTools import subset

    font_path, css_path = outdir / ICON_FONT, outdir / THEME_CSS
    if not font_path.exists() or not css_path.exists():
        return
    codepoints = sorted(_icon_codepoints(css_path.read_text(encoding="utf-8"), used))
    # The same font and glyphs give the same subset: kept from the last build (0.4 s of every rebuild).
    key = hashlib.sha256(font_path.read_bytes() + json.dumps(codepoints).encode()).hexdigest()
    kept = paths.BUILD_DIR / "asset-cache" / f"icon-font-{key}.woff2"
    if not kept.exists():
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]
        font = subset.load_font(str(font_path), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        kept.parent.mkdir(parents=True, exist_ok=True)
        subset.save_font(font, str(kept.with_suffix(".new")), options)
        kept.with_suffix(".new").replace(kept)
    shutil.copyfile(kept, font_path)


def _inline_basic_css(outdir: Path) -> None:
    """The theme's theme.css only @imports Sphinx's basic.css: a chain of two requests before the page can be
    drawn. Written out in place, it is one."""
    theme = outdir / "_static" / "styles" / "theme.css"
    basic = outdir / "_static" / "basic.css"
    if theme.exists() and basic.exists() and '@import "../basic.css";' in (text := theme.read_text(encoding="utf-8")):
        theme.write_text(
            text.replace('@import "../basic.css";', _repoint(Path(".."), basic.read_text(encoding="utf-8"))),
            encoding="utf-8",
        )


_STYLESHEET = re.compile(r'[ \t]*<link (?=[^>]*rel="stylesheet")(?![^>]*media=)[^>]*href="([^"]+)"[^>]*>\n?')
_CSS_URL = re.compile(r"url\((['\"]?)([^)'\"]+)\1\)")
_BUNDLE_HEADER = "/* The stylesheets of the book's pages in one file (book/_ext/book_assets.py), from: "


def _bundle_css(static: Path, sources: list[str]) -> str:
    """The stylesheets (paths under _static/) as one, for a file in _static/styles/: each url() re-pointed."""
    parts = [_BUNDLE_HEADER + " ".join(sources) + " */"]
    for source in sources:
        parts.append(_repoint(Path("..") / Path(source).parent, (static / source).read_text(encoding="utf-8")))
    return "\n".join(parts) + "\n"


def _repoint(prefix: Path, css: str) -> str:
    """CSS moved to another folder: its relative url()s prefixed with the way back (`prefix`)."""

    def repoint(match):
        url = match.group(2)
        if url.startswith(("data:", "http:", "https:", "/", "#")):
            return match.group(0)
        return f"url({match.group(1)}{(prefix / url).as_posix()}{match.group(1)})"

    return _CSS_URL.sub(repoint, css)


def _bundle_stylesheets(outdir: Path) -> None:
    """A page asks for one stylesheet instead of nine: on a phone each request before the first paint costs a
    round trip. Each page's <link rel="stylesheet"> tags (except media-specific ones) become one link to
    _static/styles/bundle-<id>.css, the same files in the same order; every bundle is made again from its
    sources at every build, so pages the build did not rewrite get the current styles too."""
    static = outdir / "_static"
    made = {}
    for bundle in sorted((static / "styles").glob("bundle-*.css")):
        header = bundle.read_text(encoding="utf-8").split("\n", 1)[0]
        if header.startswith(_BUNDLE_HEADER):
            made[bundle.name] = header.removeprefix(_BUNDLE_HEADER).removesuffix(" */").split()
    for page in sorted(outdir.rglob("*.html")):
        if "_static" in page.relative_to(outdir).parts:
            continue
        html = page.read_text(encoding="utf-8")
        tags = list(_STYLESHEET.finditer(html))
        if len(tags) < 2:
            continue
        paths = [(page.parent / tag.group(1).split("?")[0]).resolve() for tag in tags]
        if not all(path.is_file() and path.is_relative_to(static.resolve()) for path in paths):
            continue
        sources = [path.relative_to(static.resolve()).as_posix() for path in paths]
        name = "bundle-" + hashlib.sha256(" ".join(sources).encode()).hexdigest()[:12] + ".css"
        made[name] = sources
        link = f'<link rel="stylesheet" href="{"../" * (len(page.relative_to(outdir).parts) - 1)}_static/styles/{name}" />\n'
        first = tags[0].start()
        for tag in reversed(tags):
            html = html[: tag.start()] + html[tag.end() :]
        page.write_text(html[:first] + link + html[first:], encoding="utf-8")
    for name, sources in made.items():
        (static / "styles" / name).write_text(_bundle_css(static, sources), encoding="utf-8")


def _trim_theme_assets(app, exception):
    if exception is None and app.builder.format == "html":
        used = _used_icons(Path(app.outdir))
        _subset_fontawesome(Path(app.outdir), used)
        _subset_icon_font(Path(app.outdir), used)
        _inline_basic_css(Path(app.outdir))
        _bundle_stylesheets(Path(app.outdir))


def setup(app):
    app.connect("html-page-context", _add_figure_script_to_figure_pages)
    app.connect("html-page-context", _drop_thebe)
    app.connect("html-page-context", _drop_sphinx_design_where_unused)
    app.connect("html-page-context", _defer_scripts, priority=900)
    app.connect("build-finished", _copy_vendor_files)
    app.connect("build-finished", _trim_theme_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
