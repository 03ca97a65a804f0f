"""Making the book: the build (`run`: `python -m jzreport.build html|pdf`), the notebooks' execution and cache
(`execution`, `cache`, `notebook_runner`, `executed_notebooks`), the figures' images (`static_images`,
`figure_rendering`), reading Sphinx's log (`sphinx_log`), the published source archive (`source_archive`,
`source_tree`, `auditing_readme`), and replaying the book against its published pages (`replay`: `make audit`;
`built_pages` reads what a built page shows)."""
