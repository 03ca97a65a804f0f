"""The edition of the report being built: its year, the previous year and its title, read from the edition's
data package (`edition` in data/<edition>/datapackage.json); the edition asked for is jzreport.settings'.

Every year and title the book's code prints comes from here, so that a new edition is a new data folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jzreport.datapackage.load import DataError

if TYPE_CHECKING:
    from jzreport.datapackage.load import DataPackage

PUBLICATION_PREFIX = "jzjdgc"  # file names of what the book publishes (PDF, data zip, source archive)


class EditionError(DataError):
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


def read(package: DataPackage) -> Edition:
    """The edition a data package describes (its `edition` block), checked against the edition asked for."""
    block = package.descriptor.get("edition")
    where = package.settings.descriptor
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
    settings = package.settings
    if settings.data_dir == settings.root / "data" / settings.edition and str(edition.year) != settings.edition:
        raise EditionError(
            f"{where}: edition.year 为 {edition.year}，而所选版本为 {settings.edition} "
            f"(the data package describes {edition.year}, the setting picks {settings.edition})"
        )
    return edition
