"""Where things live in the repository.

Data are organised by edition: data/<year>/ holds one report's CSV files and their datapackage.json
(same schemas every year). JZREPORT_EDITION picks the edition (default 2025); JZREPORT_DATA_DIR
points at any other folder of the same shape (the tests use it for temporary copies).
"""
from pathlib import Path
import os

ROOT = Path(__file__).resolve().parents[2]
EDITION = os.environ.get("JZREPORT_EDITION", "2025")
DATA_DIR = Path(os.environ.get("JZREPORT_DATA_DIR", ROOT / "data" / EDITION))
DESCRIPTOR = DATA_DIR / "datapackage.json"
BOOK_DIR = ROOT / "book"
SOURCE_TEXT = ROOT / "source" / f"{EDITION}-quality-report.txt"
