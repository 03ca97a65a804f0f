"""Figures in the built HTML: each data figure's traces carry exactly the data they are drawn from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jzreport.present.displays import displays
from tests.helpers import EDITION, PACKAGE, find_figure


def pairs(trace, category_axis: str, value_axis: str) -> dict:
    return dict(zip(trace[category_axis], trace[value_axis]))


def trace_named(traces, name):
    matches = [t for t in traces if t.get("name") == name]
    assert len(matches) == 1, f"no single trace named {name!r}: {[t.get('name') for t in traces]}"
    return matches[0]


def test_students_by_major(html_dir):
    traces = find_figure("fig-students-by-major")
    enrolment = PACKAGE.load_table("enrolment_by_major")
    assert pairs(trace_named(traces, "男生"), "y", "x") == dict(zip(enrolment["major"], enrolment["male"]))
    assert pairs(trace_named(traces, "女生"), "y", "x") == dict(zip(enrolment["major"], enrolment["female"]))


def test_teacher_composition(html_dir):
    traces = find_figure("fig-teacher-composition")
    teachers = PACKAGE.load_table("teacher_composition")
    groups = teachers[teachers["kind"] == "teacher_group"]
    bar = next(t for t in traces if t["type"] == "bar")
    assert pairs(bar, "x", "y") == dict(zip(groups["indicator"], groups["value"]))
    pie = next(t for t in traces if t["type"] == "pie")
    share = teachers.loc[teachers["kind"] == "share", "value"].item()
    assert pie["values"] == pytest.approx([share, 100 - share])


def test_figures_use_only_trace_types_of_the_shipped_plotly_bundle(html_dir):
    from tests.helpers import chapter_pages, plotly_figures

    allowed = {"bar", "pie", "scatter"}  # plotly.js basic bundle, see book/_ext/book_assets.py
    for page in chapter_pages():
        for label, traces in plotly_figures(page).items():
            assert {t.get("type", "scatter") for t in traces} <= allowed, (page.name, label)


def test_progression_chart(html_dir):
    traces = find_figure("fig-progression")
    progression = PACKAGE.load_table("progression")
    years = [f"{y} 年" for y in progression["year"]]
    assert pairs(trace_named(traces, "报考人数"), "x", "y") == dict(zip(years, progression["applicants"]))
    assert pairs(trace_named(traces, "录取人数"), "x", "y") == dict(zip(years, progression["admitted"]))
    rate = next(t for t in traces if t["type"] == "scatter")
    assert pairs(rate, "x", "y") == dict(zip(years, progression["progression_rate_pct"]))


def test_fitness_chart(html_dir):
    traces = find_figure("fig-fitness")
    fitness = PACKAGE.load_table("fitness_tests").set_index("year")
    titles = PACKAGE.field_titles("fitness_tests")
    for year, row in fitness.iterrows():
        expected = {titles[c]: row[c] for c in ["tested", "excellent", "good", "passed"]}
        assert pairs(trace_named(traces, f"{year} 年"), "x", "y") == expected


def test_apprenticeship_structure(html_dir):
    (pie,) = find_figure("fig-apprenticeship-structure")
    training = PACKAGE.load_table("apprenticeship_training")
    assert pairs(pie, "labels", "values") == dict(zip(training["trade"], training["trainees"]))


def test_certification_charts(html_dir):
    batches = PACKAGE.load_table("certification_batches")
    timeline = find_figure("fig-certification-timeline")
    per_batch = next(t for t in timeline if t["type"] == "bar")
    assert per_batch["y"] == list(batches.sort_values("start_date")["attendances"])
    cumulative = next(t for t in timeline if t["type"] == "scatter")
    assert cumulative["y"][-1] == batches["attendances"].sum()
    trades = find_figure("fig-certification-trades")
    single = batches[~batches["trades"].str.contains("、")].groupby("trades")["attendances"].sum()
    shown = {}
    for trace in trades:
        shown.update(pairs(trace, "y", "x"))
    assert {k: v for k, v in shown.items() if not k.startswith("混合批次")} == single.to_dict()
    mixed = batches[batches["trades"].str.contains("、")]
    assert {k.removeprefix("混合批次："): v for k, v in shown.items() if k.startswith("混合批次")} == dict(
        zip(mixed["trades"], mixed["attendances"])
    )
    assert sum(shown.values()) == batches["attendances"].sum(), "every attendance counted exactly once"


def test_certificate_rates(html_dir):
    traces = find_figure("fig-certificate-rates")
    certificates = PACKAGE.load_table("certificate_attainment")
    assert len(traces) == 1, "only what 表 15 prints: no reconstructed previous-year series"
    assert pairs(trace_named(traces, f"{EDITION.year} 届"), "x", "y") == dict(
        zip(certificates["major"], certificates["attainment_rate_pct"])
    )
    labels = traces[0]["text"]
    for label, change in zip(labels, certificates["yoy_change_pct"]):
        assert f"同比变化 {'+' if change >= 0 else ''}{change:.1f}%" in label, label


def test_budget_structure(html_dir):
    traces = find_figure("fig-budget-structure")
    budget = PACKAGE.load_table("budget")
    parts = budget[budget["parent"].notna() & (budget["parent"] != "")].set_index("item")["amount_wan_yuan"]
    shown = {t["name"]: t["x"][0] for t in traces}
    for item, amount in parts.items():
        assert shown[item] == pytest.approx(amount), item
    spending = budget[(budget["flow"] == "支出") & budget["item"].isin(["基本支出", "项目支出"])].set_index("item")[
        "amount_wan_yuan"
    ]
    for item, amount in spending.items():
        assert shown[item] == pytest.approx(amount), item


def test_every_figure_in_the_book_is_tested(html_dir):
    from tests.helpers import chapter_pages, plotly_figures

    drawn = {label.removeprefix("plotly-") for page in chapter_pages() for label in plotly_figures(page)}
    described = {d.label for d in displays(PACKAGE)["figures"].values()}
    assert drawn == described, "every figure displays.yaml describes is drawn, and no other"
    this_module = Path(__file__).read_text(encoding="utf-8")  # each figure's data test reads it by its label
    untested = sorted(label for label in described if f'find_figure("{label}")' not in this_module)
    assert not untested, f"a new figure needs a data test here: {untested}"


NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def _stated_and_derived() -> set[float]:
    """Every number the data files hold, and what follows from them by the audit's own arithmetic
    : a column's total, its running totals in the table's order, its totals per category of any text column, the
    rest of a percentage (100 − p), and each value's share of its column's total (to 1 or 2 decimal places, as the
    book prints a share: 图 39's 50.5%)."""
    from jzreport.present.formatting import fmt_pct

    allowed = set()
    for name in PACKAGE.tables():
        frame = PACKAGE.load_table(name)
        numeric = [c for c in frame.columns if str(frame[c].dtype) in ("int64", "float64")]
        text = [c for c in frame.columns if c not in numeric and str(frame[c].dtype) == "string"]
        for column in numeric:
            values = frame[column].dropna()
            allowed.update(float(v) for v in values)
            allowed.update(100 - float(v) for v in values)
            allowed.add(float(values.sum()))
            allowed.update(float(values.iloc[: i + 1].sum()) for i in range(len(values)))
            if values.sum():  # each value's share of the column's total, in %, as the book prints a share
                shares = [100 * float(v) / float(values.sum()) for v in values]
                allowed.update(float(fmt_pct(share, places)) for share in shares for places in (1, 2))
            for category in text:
                allowed.update(float(group.sum()) for _, group in frame.groupby(category)[column])
        for column in text:  # numbers written inside text cells (reported_facts values, "3 名教师")
            allowed.update(float(n) for cell in frame[column] for n in NUMBER.findall(str(cell)))
    return {round(v, 6) for v in allowed}


def _drawn_numbers(trace: dict) -> list[float]:
    """The numbers a trace draws: its numeric values, and every number written in its labels."""
    found = []
    for key in ("x", "y", "values", "text", "customdata"):
        items = trace.get(key) or []
        for item in [items] if isinstance(items, str) else items:
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                found.append(float(item))
            elif isinstance(item, str) and (key in ("text", "customdata") or NUMBER.fullmatch(item)):
                found.extend(float(n) for n in NUMBER.findall(item.replace("<br>", " ")))
    return found


def test_every_number_a_figure_draws_is_stated_or_follows_from_stated_numbers(html_dir):
    """No figure draws a number the report neither states nor implies: each number of every trace (its
    values and the numbers in its labels) is in the data or follows from it by the audit's arithmetic."""
    from tests.helpers import chapter_pages, plotly_figures

    allowed = _stated_and_derived()
    for page in chapter_pages():
        for label, traces in plotly_figures(page).items():
            for trace in traces:
                invented = [n for n in _drawn_numbers(trace) if round(n, 6) not in allowed]
                assert not invented, f"{page.name} {label} trace {trace.get('name')!r} draws {invented}"


def test_every_trace_writes_its_numbers_as_labels_and_hovers_with_them(html_dir):
    """A chart's numbers are the book's own text (jzreport.present.figures.labels, the tables' formatting), one label per
    data point; the hover text shows that label, and no template asks plotly to format a value or a percentage."""
    from tests.helpers import chapter_pages, plotly_figures

    for page in chapter_pages():
        for label, traces in plotly_figures(page).items():
            for trace in traces:
                where = f"{page.name} {label} {trace.get('name')!r}"
                points = trace.get("labels") if trace["type"] == "pie" else trace.get("x")
                text = trace.get("text")
                text = [text] if isinstance(text, str) else text
                assert isinstance(text, list) and len(text) == len(points), where
                assert all(isinstance(t, str) and t for t in text), (where, text)
                value = "values" if trace["type"] == "pie" else "x" if trace.get("orientation") == "h" else "y"
                for template in (trace.get("hovertemplate", ""), trace.get("texttemplate", "")):
                    assert not any(code in template for code in ("%{value", "%{percent", "%{" + value)), (
                        where,
                        template,
                    )
                assert "%{text}" in trace.get("hovertemplate", ""), (where, trace.get("hovertemplate"))
