"""The edition of the report being built: its year, the previous year and its title, read from the edition's
data package (`edition` in data/<edition>/datapackage.json); the one setting is `paths.EDITION`.

Every year and title the book's code prints comes from here, so that a new edition is a new data folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jzreport import paths
from jzreport.datapackage import load as datapackage

PUBLICATION_PREFIX = "jzjdgc"  # file names of what the book publishes (PDF, data zip, source archive)


class EditionError(datapackage.DataError):
    """The edition's description in its data package is missing or disagrees with the setting."""


@dataclass(frozen=True)
class Edition:
    year: int
    previous_year: int
    school: str
    report: str  # the report's name without the school, e.g. 中等职业教育质量报告
    published: str  # when the report was published, as the report says (year and month)
    closing_case: str = ""  # the title of a case printed after the last chapter, if the report has one

    @property
    def title(self) -> str:
        return f"{self.school} {self.report}（{self.year} 年度）"

    @property
    def pdf_name(self) -> str:
        return f"{PUBLICATION_PREFIX}-quality-report-{self.year}.pdf"

    @property
    def data_zip_name(self) -> str:
        return f"{PUBLICATION_PREFIX}-data-{self.year}.zip"

    @property
    def source_archive_name(self) -> str:
        return f"{PUBLICATION_PREFIX}-source-{self.year}.tar.gz"


def _read() -> Edition:
    block = datapackage.descriptor().get("edition")
    where = paths.DESCRIPTOR
    if not isinstance(block, dict):
        raise EditionError(
            f"{where}: 缺少 edition 描述 (no 'edition' object with year, previous_year, school, report, published)"
        )
    try:
        edition = Edition(
            **{key: block[key] for key in ("year", "previous_year", "school", "report", "published")},
            closing_case=block.get("closing_case", ""),
        )
    except KeyError as missing:
        raise EditionError(f"{where}: edition 缺少 {missing} (the edition object lacks {missing})") from None
    if paths.DATA_DIR == paths.ROOT / "data" / paths.EDITION and str(edition.year) != paths.EDITION:
        raise EditionError(
            f"{where}: edition.year 为 {edition.year}，而所选版本为 {paths.EDITION} "
            f"(the data package describes {edition.year}, the setting picks {paths.EDITION})"
        )
    return edition


@lru_cache(maxsize=1)
def _cached(descriptor_path: str) -> Edition:
    return _read()


def current() -> Edition:
    """The edition being built."""
    return _cached(str(paths.DESCRIPTOR))
