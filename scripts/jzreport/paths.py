"""Where things live in the repository (the same for every edition; the edition is jzreport.settings')."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOK_DIR = ROOT / "book"  # the book's sources: chapters, extensions, templates, static files
BUILD_DIR = BOOK_DIR / "_build"  # everything built (excluded from the sources by _config.yml)
CONFIG = ROOT / "_config.yml"  # Jupyter Book's configuration and table of contents, beside book/
TOC = ROOT / "_toc.yml"
