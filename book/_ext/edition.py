"""The edition's title, year and file names in the Sphinx configuration, from the edition's data package
(jzreport.datapackage.edition): _config.yml holds what every edition shares.

- html_title, project and the Open Graph site name: the edition's title;
- MyST substitutions for the pages ({{ edition_title }}, {{ edition_year }}, {{ previous_year }},
  {{ school }}, {{ published }});
- the printed book's LaTeX file, named after the edition (jzjdgc-quality-report-<year>.tex), with its title.
"""

from __future__ import annotations

from jzreport.datapackage import edition


def _configure(app, config) -> None:
    current = edition.current()
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
    current = edition.current()
    target = current.pdf_name.removesuffix(".pdf") + ".tex"
    app.config.latex_documents = [
        (start, target, current.title, *rest) for start, _, _, *rest in app.config.latex_documents
    ]


def setup(app):
    app.connect("config-inited", _configure)
    app.connect("env-before-read-docs", _name_printed_book)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
