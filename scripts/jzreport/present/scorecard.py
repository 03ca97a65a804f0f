"""The front page's scorecard (关键指标一览), as the edition declares it (data/<year>/scorecard.yaml).

Each row is a number the report states (`fact(...)`) or a cell of its tables (`cell(...)`), read with the audit's
own expressions, so the row's number is the very stated number the audit's checks verify or read: the verdict
cell is derived from that record (jzreport.audit.traces) and links to each check's anchor. The value links to
its entry on 数字出处: a fact to its row of reported_facts.csv, a cell to the trace of the cell (say). A value that
changed since the last release also shows its value then (`released_note`, added by the book's Sphinx extension
book/_ext/revision_marks.py from the comparison with the release, jzreport.releases).
"""

from __future__ import annotations

import re

import pandas as pd
import yaml

from jzreport.audit import traces
from jzreport.audit.expressions import Data, Scope
from jzreport.audit.values import Number
from jzreport.datapackage.load import DataError, DataPackage, Fact
from jzreport.present.formatting import fmt_signed
from jzreport.present.prose import say

RESOURCE = "scorecard"
LABEL = "tbl-scorecard"  # the scorecard's anchor on the front page
COLUMNS = ("指标", "数值", "较上年", "出处", "核查")


def released_note(value: str | None) -> str:
    """The book's note beside a value that changed since the last release: its value at that release."""
    return f"（发布时：{value}）" if value is not None else "（发布时无此项）"


def number_link(text: str, name: str) -> str:
    """MyST link from a number to its entry on the page 数字出处."""
    return f"[{text}](#number-{name})"


def printed(fact: Fact) -> str:
    """A stated number as the report prints it, with its unit and qualifier: "1700余人", "90% 以上"."""
    pattern = (
        r"(?:(?:近|约|超过)\s*)?"
        + re.escape(fact.text)
        + r"\s*(余|多)?\s*"
        + re.escape(fact.unit)
        + r"(\s*(以上|左右))?"
    )
    found = re.search(pattern, fact.quote)
    return found.group(0) if found else f"{fact.text} {fact.unit}".strip()


def section_label(section: str) -> str:
    """The book's anchor of a report section: "2.2.5" -> "sec-2-2-5" (first number of the place)."""
    number = re.match(r"[\d.]+", section)
    return "sec-" + number.group(0).strip(".").replace(".", "-") if number else ""


def _cell_source(package: DataPackage, number: Number) -> dict:
    (ref,) = number.reads
    name = ref.file.removesuffix(".csv")
    return {
        "file": ref.file,
        "lines": [ref.line],
        "column": package.field_titles(name)[ref.column],
        "field": ref.column,
        "sha256": package.recorded_sha256(name),
    }


def _value(scope: Scope, number: Number, name: str) -> tuple[str, str, str]:
    """(the value as MyST, where it stands, the anchor of that place) of a row's stated number."""
    (ref,) = number.reads
    if ref.key:
        fact = scope.data.facts[ref.key]
        return number_link(printed(fact), ref.key), fact.section, section_label(fact.section)
    table = ref.file.removesuffix(".csv")
    text = number.text + number.unit
    say(name, text, how=f"{number.place}（照录原报告）", source=_cell_source(scope.data.package, number))
    section = scope.data.package.resource(table).get("source", {}).get("section", "")
    return number_link(text, name), scope.data.table_number(table), section_label(section)


def _change(package: DataPackage, number: Number, unit: str, name: str) -> str:
    current = package.edition
    places = max((len(part.split(".")[1]) if "." in part else 0) for part in re.findall(r"[\d.]+", number.text))
    text = fmt_signed(number.value, places) + (f" {unit}" if unit else "")
    sources = [_cell_source(package, Number(0, "", frozenset({ref}))) for ref in sorted(number.reads)]
    say(name, text, how=f"{current.year} 年减 {current.previous_year} 年：{number.text}", source=sources)
    return number_link(text, name)


def scorecard(package: DataPackage, ledger) -> tuple[pd.DataFrame, list[str]]:
    """The scorecard's rows (indicator with its place, value, change, place as a link, the audit's verdict), and
    the data files they were read from."""
    declared = yaml.safe_load(package.read_text(RESOURCE))[RESOURCE]
    current = package.edition
    scope = Scope(Data(package), {"year": current.year, "previous_year": current.previous_year})
    rows, files = [], ["reported_facts", RESOURCE]
    for number, row in enumerate(declared, start=1):
        value = scope.evaluate(row["value"])
        if not isinstance(value, Number) or value.computed or len(value.reads) != 1:
            raise DataError(
                f"scorecard.yaml 第 {number} 项：value 应是一个报告所述的数字或表中的一个单元格 "
                f"(row {number}: the value must be one stated number, fact(...) or cell(...))"
            )
        (ref,) = value.reads
        files.append(ref.file.removesuffix(".csv"))
        shown, place, anchor = _value(scope, value, f"scorecard_{number}")
        change = "—"
        if "change" in row:
            change = _change(
                package, scope.evaluate(row["change"]), row.get("change_unit", ""), f"scorecard_{number}_change"
            )
        link = row.get("link") or anchor
        where = "，".join(filter(None, [place.replace("（", " ").replace("）", ""), row.get("unit", "")]))
        rows.append(
            {
                COLUMNS[0]: f"{row['indicator']}（{where}）",
                COLUMNS[1]: shown,
                COLUMNS[2]: change,
                COLUMNS[3]: f"{{ref}}`{place} <{link}>`" if link else place,
                COLUMNS[4]: traces.verdict_myst(ledger, ref),
            }
        )
    columns = [COLUMNS[0], f"{current.year} 年度", *COLUMNS[2:]]
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).set_axis(columns, axis=1)
    return frame, list(dict.fromkeys(files))
