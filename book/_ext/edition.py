"""The edition's title, year and file names in the Sphinx configuration, from the edition's data package
(jzreport.datapackage.edition): _config.yml holds what every edition shares.

- html_title, project and the Open Graph site name: the edition's title;
- MyST substitutions for the pages ({{ edition_title }}, {{ edition_year }}, {{ previous_year }},
  {{ school }}, {{ published }});
- the printed book's LaTeX file, named after the edition (jzjdgc-quality-report-<year>.tex), with its title.

The build's edition is resolved once, here (jzreport.settings); the other extensions take its data package from
`package(app)`.
"""

from __future__ import annotations

from jzreport.datapackage.load import DataPackage


def package(app) -> DataPackage:
    """The data package of the edition this build makes."""
    return app.jzreport_package


def _latex_macros(current) -> str:
    """The edition's school, report, year and publication date for the printed book's title page, running head and
    PDF metadata (_latex/jzbook.sty)."""
    return "".join(
        f"\\newcommand{{\\jz{name}}}{{{value}}}\n"
        for name, value in [
            ("school", current.school),
            ("report", current.report),
            ("year", current.year),
            ("published", current.published),
        ]
    )


def _configure(app, config) -> None:
    current = package(app).edition
    config.latex_elements = {
        **config.latex_elements,
        "preamble": _latex_macros(current) + config.latex_elements.get("preamble", ""),
    }
    config.html_title = config.project = config.ogp_site_name = current.title
    config.myst_substitutions = {
        **config.myst_substitutions,
        "edition_title": current.title,
        "edition_year": str(current.year),
        "previous_year": str(current.previous_year),
        "school": current.school,
        "published": current.published,
    }


def _name_printed_book(app, env, docnames) -> None:
    """jupyter-book sets latex_documents after the configuration is read; name the edition's file here."""
    current = package(app).edition
    target = current.pdf_name.removesuffix(".pdf") + ".tex"
    app.config.latex_documents = [
        (start, target, current.title, *rest) for start, _, _, *rest in app.config.latex_documents
    ]


def _fresh_package(app, env, added, changed, removed) -> list[str]:
    """Each build reads the data as they are now: a live preview builds one Sphinx application again and again,
    and the data may have changed since its last build (a package keeps the tables it has read)."""
    app.jzreport_package = DataPackage.from_environment()
    return []


def setup(app):
    app.jzreport_package = DataPackage.from_environment()
    app.connect("config-inited", _configure)
    app.connect("env-get-outdated", _fresh_package, priority=100)  # the first event of every build
    app.connect("env-before-read-docs", _name_printed_book)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
