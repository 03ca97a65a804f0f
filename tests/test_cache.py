"""The execution cache follows the data: a CSV edit re-executes the chapters that declare it, and only those."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd

from tests.helpers import EDITION, build_copy, copy_repository


def build(copy):
    result = build_copy(copy)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    return set(re.findall(r"book/([\w/-]+)\.md: (?:Executed notebook|[\d.]+ 秒)", output)), output


def test_csv_edit_reexecutes_only_dependent_chapters(tmp_path):
    copy = copy_repository(tmp_path / "repo")
    build(copy)

    csv = copy / "data" / str(EDITION.year) / "fitness_tests.csv"
    fitness = pd.read_csv(csv, dtype=str)
    fitness.loc[fitness["year"] == str(EDITION.previous_year), "tested"] = "391"
    fitness.to_csv(csv, index=False)
    subprocess.run(
        [sys.executable, "-m", "jzreport.datapackage.checksums"],
        cwd=copy,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(copy / "scripts")},
    )

    executed, output = build(copy)
    # exactly the chapters that declare fitness_tests in their front matter: chapter 2 shows it; the audit, the
    # front page (scorecard verdicts) and 数字出处 (verdicts) run the audit's checks, which read it
    assert executed == {"chapters/02-talent-cultivation", "chapters/10-audit", "index", "numbers"}, output[-2000:]
    page = (copy / "book" / "_build" / "html" / "chapters" / "02-talent-cultivation.html").read_text(encoding="utf-8")
    assert "391" in page

    executed, _ = build(copy)
    assert executed == set(), "an unchanged book re-executes nothing"
