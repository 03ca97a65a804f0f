"""The execution cache follows the data: a CSV edit re-executes the chapters that read it, and only those."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pandas as pd

from conftest import ROOT


def build(copy):
    env = {**os.environ, "PYTHONPATH": str(copy / "scripts")}
    env.pop("JZREPORT_DATA_DIR", None)
    result = subprocess.run([sys.executable, "-m", "jzreport.build", "html"], cwd=copy, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    output = result.stdout + result.stderr
    return set(re.findall(r"book/([\w/-]+)\.md: (?:Executed notebook|[\d.]+ 秒)", output)), output


def test_csv_edit_reexecutes_only_dependent_chapters(tmp_path):
    copy = tmp_path / "repo"
    for part in ["book", "data", "scripts", "source"]:
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    # Start from the published build's cache so the first build of the copy need not run every notebook.
    shutil.copytree(ROOT / "book" / "_build" / "work" / "_build" / ".jupyter_cache", copy / "book" / "_build" / "work" / "_build" / ".jupyter_cache")
    build(copy)

    fitness = pd.read_csv(copy / "data" / "2025" / "fitness_tests.csv", dtype=str)
    fitness.loc[fitness["year"] == "2024", "tested"] = "391"
    fitness.to_csv(copy / "data" / "2025" / "fitness_tests.csv", index=False)
    subprocess.run([sys.executable, "-m", "jzreport.record"], cwd=copy, env={**os.environ, "PYTHONPATH": str(copy / "scripts")}, check=True)

    executed, output = build(copy)
    # chapter 2 reads the file; the audit, the front page (scorecard verdicts) and 数字出处 (verdicts) read the
    # audit checks, which read it
    assert executed == {"chapters/02-talent-cultivation", "chapters/10-audit", "index", "numbers"}, output[-2000:]
    page = (copy / "book" / "_build" / "html" / "chapters" / "02-talent-cultivation.html").read_text(encoding="utf-8")
    assert "391" in page

    executed, _ = build(copy)
    assert executed == set(), "an unchanged book re-executes nothing"
