"""The front page scorecard (jzreport.present.scorecard): values as the report prints them, one stated number per row."""

from __future__ import annotations

import pytest

from jzreport.audit import build_ledger
from jzreport.datapackage import checksums
from jzreport.datapackage.load import DataError, DataPackage, Fact
from jzreport.present import scorecard


def _fact(**changes) -> Fact:
    base = dict(key="k", value=150.0, text="150", unit="人", qualifier="exact", section="1.1", quote="", place="")
    return Fact(**{**base, **changes})


def test_a_stated_number_is_shown_as_the_report_prints_it():
    assert scorecard.printed(_fact(quote="学校教职工155人", text="155")) == "155人"
    assert scorecard.printed(_fact(quote="在校生1700余人", text="1700", qualifier="at_least")) == "1700余人"
    assert scorecard.printed(_fact(quote="获取率达到 90% 以上", text="90", unit="%")) == "90% 以上"
    assert scorecard.printed(_fact(quote="实训基地面积近2.6万平方米", text="2.6", unit="万平方米")) == "近2.6万平方米"
    assert scorecard.printed(_fact(quote="", place="表 10 “合计”一行", text="111")) == "111 人"


def test_places_link_to_the_book_s_sections():
    assert scorecard.section_label("2.2.5") == "sec-2-2-5"
    assert scorecard.section_label("3.3（构建鉴定体系）") == "sec-3-3"
    assert scorecard.section_label("王浩劳模创新工作室") == ""


def test_a_row_must_be_one_stated_number(data_copy):
    path = data_copy / "scorecard.yaml"
    path.write_text(
        'scorecard:\n  - indicator: x\n    value: total(column("internship_units", "positions"))\n', encoding="utf-8"
    )
    assert checksums.main() == 0
    with pytest.raises(DataError, match="value 应是一个报告所述的数字"):
        package = DataPackage.from_environment()
        scorecard.scorecard(package, build_ledger(package))
