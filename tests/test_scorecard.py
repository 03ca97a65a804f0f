"""The front page scorecard's helpers (jzreport.scorecard): what each cell says and where it links."""

from __future__ import annotations

import pandas as pd

from jzreport import data, scorecard
from tests.helpers import EDITION


def _fact(**changes) -> data.Fact:
    base = dict(key="staff_total", value=150.0, text="150", unit="人", qualifier="exact", section="1.1", statement="")
    return data.Fact(**{**base, **changes})


def test_a_stated_number_keeps_its_printed_text_unit_and_qualifier():
    assert scorecard.stated(_fact()) == "[150 人](#number-staff_total)"
    assert scorecard.stated(_fact(key="enrolled", text="1700", qualifier="at_least")) == "[1700 余人](#number-enrolled)"
    assert scorecard.stated(_fact(key="rate", text="89", unit="%")) == "[89%](#number-rate)"


def test_links_to_sections_and_verdicts():
    assert scorecard.section("表 3", "tbl-teachers") == "{ref}`表 3 <tbl-teachers>`"

    class Ledger:
        def verdict(self, key):
            return {"majors_count": "A1-30 一致"}[key]

    assert scorecard.verdict(Ledger(), "majors_count") == "{ref}`A1-30 一致 <sec-audit-numbers>`"


def test_change_is_this_edition_less_the_previous_year(capsys):
    rows = pd.DataFrame({"tested": [390, 402]}, index=[EDITION.previous_year, EDITION.year])
    assert (
        scorecard.change("sc_test_change", rows, "fitness_tests", "tested", " 人") == "[+12 人](#number-sc_test_change)"
    )
    rows = pd.DataFrame({"progression_rate_pct": [80.93, 89.08]}, index=[EDITION.previous_year, EDITION.year])
    text = scorecard.change("sc_rate_change", rows, "progression", "progression_rate_pct", " 个百分点")
    assert text == "[+8.15 个百分点](#number-sc_rate_change)"
