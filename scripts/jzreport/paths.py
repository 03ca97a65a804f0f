"""Where things live in the repository."""
from pathlib import Path
import os

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("JZREPORT_DATA_DIR", ROOT / "data"))
DESCRIPTOR = DATA_DIR / "datapackage.json"
BOOK_DIR = ROOT / "book"
SOURCE_TEXT = ROOT / "source" / "2025-quality-report.txt"
