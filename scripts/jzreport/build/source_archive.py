"""The book's complete source, published in the site as one reproducible archive (jzjdgc-source-<year>.tar.gz).

An auditor who holds only the published site unpacks it into an empty folder and, with no git, runs `make book`
and `make audit` (AUDITING.md inside says how). The archive holds, under one folder named like the archive:
- every source file of the tree (git's list in a checkout; the manifest's in an unpacked archive), as it is;
- SOURCE-SHA256SUMS: the sha256 of every source file (`make audit` checks them first: jzreport.build.source_tree);
- SOURCE-INFO.json: the commit, whether the tree differed from it, and the build's SOURCE_DATE_EPOCH, from which a
  build of the unpacked tree takes its time and commit (jzreport.build.source_tree.origin);
- EXPECTED-SHA256SUMS: the sha256 of every other file of the site, as this build published it;
- AUDITING.md: the auditor's README (jzreport.build.auditing_readme).

Packed reproducibly: entries sorted, every date the build's SOURCE_DATE_EPOCH, owner 0/0 without names, modes
0644 (0755 for executables), gzip without a name or a date. The archive made by a build of the unpacked tree is
byte-identical to the published one whenever everything else it built is.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

from jzreport import paths
from jzreport.build import auditing_readme, source_tree
from jzreport.datapackage.load import DataPackage, sha256_of

CHECKSUMS = "SHA256SUMS"  # the site's list of checksums (jzreport.build), written after the archive
EXPECTED_NAME = "EXPECTED-SHA256SUMS"
README_NAME = "AUDITING.md"


def _sums(entries: dict[str, str]) -> bytes:
    """`sha256sum` format, sorted by name."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(entries.items())).encode("utf-8")


def site_checksums(package: DataPackage, site: Path) -> dict[str, str]:
    """The site's files, other than the archive and SHA256SUMS, with their sha256."""
    skipped = {package.edition.source_archive_name, CHECKSUMS}
    return {
        path.relative_to(site).as_posix(): sha256_of(path)
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.relative_to(site).as_posix() not in skipped
    }


def _mode(path: Path) -> int:
    return 0o755 if os.stat(path).st_mode & 0o100 else 0o644


def members(package: DataPackage, site: Path, epoch: int) -> list[tuple[str, bytes, int]]:
    """(name, content, mode) of every file of the archive, sorted by name, names relative to its folder."""
    names = source_tree.files()
    sources = {name: (paths.ROOT / name).read_bytes() for name in names}
    origin = source_tree.origin()
    info = {
        "commit": origin.commit,
        "modified": origin.modified,
        "source_date_epoch": epoch,
        "edition": package.edition.year,
        "archive": package.edition.source_archive_name,
        "files": len(names),
    }
    expected = site_checksums(package, site)
    generated = {
        source_tree.MANIFEST_NAME: _sums(
            {name: hashlib.sha256(content).hexdigest() for name, content in sources.items()}
        ),
        source_tree.INFO_NAME: (json.dumps(info, indent=1, sort_keys=True) + "\n").encode("utf-8"),
        EXPECTED_NAME: _sums(expected),
        README_NAME: auditing_readme.render(package, site, info, expected, sources).encode("utf-8"),
    }
    clash = sorted(set(generated) & set(sources))
    if clash:
        raise source_tree.SourceTreeError(
            f"源文件与归档生成的文件同名 (source files named like the archive's own files): {', '.join(clash)}"
        )
    entries = [(name, content, _mode(paths.ROOT / name)) for name, content in sources.items()]
    entries += [(name, content, 0o644) for name, content in generated.items()]
    return sorted(entries)


def pack(entries: list[tuple[str, bytes, int]], folder: str, epoch: int) -> bytes:
    """A .tar.gz of the entries under `folder`/, reproducible: nothing in it depends on who packs it or when."""
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, content, mode in entries:
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size, info.mtime, info.mode = len(content), epoch, mode
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(content))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, compresslevel=9, mtime=0) as compressed:
        compressed.write(tar_bytes.getvalue())
    return packed.getvalue()


def folder_name(package: DataPackage) -> str:
    """The folder the archive unpacks into: its own name without .tar.gz."""
    return package.edition.source_archive_name.removesuffix(".tar.gz")


def write(package: DataPackage, site: Path, epoch: int) -> Path:
    """Pack the tree into `site` (call it when every other file of the site is final, before
    SHA256SUMS): written beside, then renamed into place."""
    target = site / package.edition.source_archive_name
    staging = target.with_name(target.name + ".new")
    staging.write_bytes(pack(members(package, site, epoch), folder_name(package), epoch))
    staging.replace(target)
    return target
