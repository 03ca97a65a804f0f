"""Where things live in the repository, and which edition of the report is built.

The edition is the one setting that picks a report: JZREPORT_EDITION (`make ... EDITION=2026`), by default
DEFAULT_EDITION. Its data are data/<edition>/ (one report's CSV files and their datapackage.json, the same
schemas every year) and its text source/<edition>-quality-report.txt; everything else about the edition (its
year, the previous year, its title) is read from the data package (jzreport.datapackage.edition). JZREPORT_DATA_DIR points
at any other folder of the same shape (the tests use it for temporary copies).
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_EDITION = "2025"
EDITION = os.environ.get("JZREPORT_EDITION") or DEFAULT_EDITION
DATA_DIR = Path(os.environ.get("JZREPORT_DATA_DIR", ROOT / "data" / EDITION))
DESCRIPTOR = DATA_DIR / "datapackage.json"
SOURCE_TEXT = ROOT / "source" / f"{EDITION}-quality-report.txt"
BOOK_DIR = ROOT / "book"  # the book's sources: chapters, extensions, templates, static files
BUILD_DIR = BOOK_DIR / "_build"  # everything built (excluded from the sources by _config.yml)
CONFIG = ROOT / "_config.yml"  # Jupyter Book's configuration and table of contents, beside book/
TOC = ROOT / "_toc.yml"
