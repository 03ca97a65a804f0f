"""Which edition of the report is built, resolved once by whatever starts the work and passed down.

The repository's chapters (book/) are written for one edition, the current one, named in data/editions.yaml with
the editions released before it, each kept as a git tag. `Settings.from_environment()` reads the one switch,
JZREPORT_EDITION (`make ... EDITION=2024`; the current edition when unset), and JZREPORT_DATA_DIR (another
folder of the same shape as data/<year>/, for temporary copies). A command-line entry point, a Sphinx extension's
setup and a chapter's first read call it once; everything else receives the value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from jzreport import paths

EDITION_ENV, DATA_DIR_ENV = "JZREPORT_EDITION", "JZREPORT_DATA_DIR"


class SettingsError(Exception):
    """The edition asked for cannot be built from here (said in words an editor can act on)."""


def editions(root: Path = paths.ROOT) -> dict:
    """data/editions.yaml: {"current": year, "released": {year: git tag}}."""
    with open(root / "data" / "editions.yaml", encoding="utf-8") as handle:
        found = yaml.safe_load(handle) or {}
    return {"current": str(found["current"]), "released": {str(k): v for k, v in (found.get("released") or {}).items()}}


@dataclass(frozen=True)
class Settings:
    root: Path
    edition: str  # the edition built: "2025"
    current: str  # the edition the chapters in book/ are written for
    data_dir: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, root: Path = paths.ROOT) -> Settings:
        environ = os.environ if environ is None else environ
        current = editions(root)["current"]
        edition = environ.get(EDITION_ENV) or current
        data_dir = Path(environ[DATA_DIR_ENV]) if environ.get(DATA_DIR_ENV) else root / "data" / edition
        return cls(root=root, edition=edition, current=current, data_dir=data_dir)

    def with_data(self, folder: Path) -> Settings:
        """The same edition read from another folder of the same shape (a test's private copy)."""
        return replace(self, data_dir=Path(folder))

    @property
    def released(self) -> bool:
        """A past edition: built from its git tag (jzreport.build.editions), not from this tree's chapters."""
        return self.edition != self.current

    @property
    def descriptor(self) -> Path:
        return self.data_dir / "datapackage.json"

    @property
    def source_text(self) -> Path:
        return self.root / "source" / f"{self.edition}-quality-report.txt"

    def environment(self) -> dict[str, str]:
        """The environment that gives a child process (a kernel, a build) these settings."""
        return {EDITION_ENV: self.edition, DATA_DIR_ENV: str(self.data_dir)}
