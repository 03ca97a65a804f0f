"""`make release` and `make diff`: record a release, or compare the book with one.

    python -m jzreport.releases record [--date YYYY-MM-DD]   the ledger committed and tagged release-<year>-<n>
    python -m jzreport.releases diff [BASE]                   what changed since BASE (a release tag or a commit;
                                                              by default the last release)
    python -m jzreport.releases ledger FILE                   the book's ledger as it is, written to FILE

Each first validates the data and executes the pages whose inputs changed, as the build does (into the same
execution cache), so the numbers are the ones the next build publishes.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from jzreport.build import run
from jzreport.datapackage.load import DataError, DataPackage
from jzreport.releases import compare, comparison, ledger, store, text
from jzreport.settings import Settings, SettingsError


def _announce(message: str) -> None:
    print(f"==> {message}", flush=True)


def current_ledger(settings: Settings) -> tuple[DataPackage, dict]:
    """The book's ledger as the next build would publish it: the data validated, the changed pages executed."""
    package = run.build_environment(settings)
    run.execute_notebooks(package)
    try:
        return package, ledger.current(package, run.JB_BUILD_DIR)
    except ledger.NotExecuted as page:
        raise SystemExit(
            f"{page} 运行出错：先用 make html 查看问题 (the page failed to execute: make html names the cell)"
        ) from None


def record(settings: Settings, date: str) -> int:
    """Record a release of the book as it is committed: write its ledger, commit it, tag the commit."""
    root = settings.root
    head = store.commit_of(root, "HEAD")
    if head is None:
        print(
            "这里不是 git 仓库：发布需要提交与标签 (not a git checkout: a release is a commit and a tag)",
            file=sys.stderr,
        )
        return 1
    if store.git(root, "status", "--porcelain", "--untracked-files=no").stdout.strip():
        print(
            "有未提交的修改：先提交，再发布 (commit your changes first: the release must be what is committed)",
            file=sys.stderr,
        )
        return 1
    package, current = current_ledger(settings)
    releases = store.released(settings)
    if releases and compare.same_book(current, releases[-1]):
        last = releases[-1]["release"]
        print(
            f"本书与第 {last['number']} 次发布（{last['tag']}）相同，无需再发布 (the book is release {last['number']} "
            "already: nothing to release)",
            file=sys.stderr,
        )
        return 1
    found = comparison.of_book(package, current)
    if found["problems"]:
        try:
            comparison.report_problems(found)
        except SystemExit as stop:
            print(f"未发布 (nothing released): {stop}", file=sys.stderr)
            return 1
    number = releases[-1]["release"]["number"] + 1 if releases else 1
    tag = store.tag_of(settings.edition, number)
    if store.commit_of(root, f"refs/tags/{tag}") is not None:
        print(f"标签 {tag} 已存在 (the tag {tag} exists already)", file=sys.stderr)
        return 1
    path = store.path_of(settings, number)
    relative = path.relative_to(root).as_posix()
    current["release"] = {"number": number, "tag": tag, "date": date, "commit": head, "file": relative}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ledger.dumps(current), encoding="utf-8")
    message = (
        f"Release {settings.edition}-{number} ({date}): the ledger of the book as released, "
        f"{len(current['numbers'])} published numbers and the data they were read from ({relative})"
    )
    for step in (["add", relative], ["commit", "--quiet", "-m", message, "--", relative], ["tag", tag]):
        done = store.git(root, *step)
        if done.returncode != 0:
            print(f"git {' '.join(step[:1])} 失败 (failed): {done.stderr.strip()}", file=sys.stderr)
            return 1
    _announce(
        f"已发布 (released): {tag}，{len(current['numbers'])} 个数字记录于 {relative}；"
        f"make html pdf 构建所发布的书 (the released book is built next)"
    )
    return 0


def diff(settings: Settings, base_ref: str) -> int:
    """Print what changed in the book since `base_ref` (by default the last release)."""
    package, current = current_ledger(settings)
    if not base_ref:
        found = comparison.of_book(package, current)
    else:
        try:
            base = store.recorded_at(settings, base_ref) or store.computed_at(settings, base_ref)
        except store.BaseError as error:
            print(error, file=sys.stderr)
            return 1
        base.setdefault(
            "release", {"number": 0, "tag": base_ref, "date": "", "commit": store.commit_of(settings.root, base_ref)}
        )
        found = compare.compare(
            current, [], titles=comparison.titles(package), labels=comparison.row_labels(package), base=base
        )
    print("\n".join(text.lines(found)))
    return 0


def write_ledger(settings: Settings, output: Path) -> int:
    _, current = current_ledger(settings)
    output.write_text(ledger.dumps(current), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    actions = parser.add_subparsers(dest="action", required=True)
    recording = actions.add_parser("record", help="record a release: ledger, commit, tag")
    recording.add_argument("--date", default=datetime.date.today().isoformat(), help="the release's date (YYYY-MM-DD)")
    comparing = actions.add_parser("diff", help="what changed since a release or commit")
    comparing.add_argument("base", nargs="?", default="", help="a release tag or a commit (default: the last release)")
    writing = actions.add_parser("ledger", help="write the book's ledger to a file")
    writing.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    settings = Settings.from_environment()
    try:
        if args.action == "record":
            datetime.date.fromisoformat(args.date)
            return record(settings, args.date)
        if args.action == "diff":
            return diff(settings, args.base)
        return write_ledger(settings, args.output)
    except (DataError, SettingsError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
