"""Figures in the built HTML: each data figure's traces carry exactly the data they are drawn from."""
from __future__ import annotations

import pytest

from conftest import find_figure
from jzreport import data


def pairs(trace, category_axis: str, value_axis: str) -> dict:
    return dict(zip(trace[category_axis], trace[value_axis]))


def trace_named(traces, name):
    matches = [t for t in traces if t.get("name") == name]
    assert len(matches) == 1, f"no single trace named {name!r}: {[t.get('name') for t in traces]}"
    return matches[0]


def test_students_by_major(html_dir):
    traces = find_figure("fig-students-by-major")
    enrolment = data.load_table("enrolment_by_major")
    assert pairs(trace_named(traces, "男生"), "y", "x") == dict(zip(enrolment["major"], enrolment["male"]))
    assert pairs(trace_named(traces, "女生"), "y", "x") == dict(zip(enrolment["major"], enrolment["female"]))


def test_teacher_composition(html_dir):
    traces = find_figure("fig-teacher-composition")
    teachers = data.load_table("teacher_composition")
    groups = teachers[teachers["kind"] == "teacher_group"]
    bar = next(t for t in traces if t["type"] == "bar")
    assert pairs(bar, "x", "y") == dict(zip(groups["indicator"], groups["value"]))
    pie = next(t for t in traces if t["type"] == "pie")
    share = teachers.loc[teachers["kind"] == "share", "value"].item()
    assert pie["values"] == pytest.approx([share, 100 - share])


def test_figures_use_only_trace_types_of_the_shipped_plotly_bundle(html_dir):
    from conftest import chapter_pages, plotly_figures

    allowed = {"bar", "pie", "scatter"}  # plotly.js basic bundle, see book/_ext/book_assets.py
    for page in chapter_pages():
        for label, traces in plotly_figures(page).items():
            assert {t.get("type", "scatter") for t in traces} <= allowed, (page.name, label)
