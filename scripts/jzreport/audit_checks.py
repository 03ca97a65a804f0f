"""The audit's checks: every derived number and repeated fact of the report, recomputed from the data.

`build_ledger()` runs all checks and returns an `AuditLedger` (see audit.py for how verdicts are computed);
the audit appendix (book/chapters/10-audit.md) shows them and the front page's scorecard quotes them.
`name_checks()` and `numbering_checks()` compare names and numbering across the report's own text.
Each group of checks is one function, readable top to bottom.
"""

from __future__ import annotations

import re

import pandas as pd

from . import edition, paths
from .audit import AuditLedger, Calc, count, ratio, same_values, total
from .data import load_table, recording, stated_facts
from .numbers import fmt_number, fmt_signed

TOTALS, RATES, REPEATED, TEXT = "合计与分项", "比率与百分比", "同一事实的多处表述", "正文与表格对照"
GROUPS = [TOTALS, RATES, REPEATED, TEXT]


def name_groups(prefix: str) -> dict[str, str]:
    """The book's name register (name_mentions.csv): each way of writing an entity of kind `prefix`
    (e.g. "认定工种") -> the entity's short name (the part after "：")."""
    mentions = load_table("name_mentions")
    mentions = mentions[mentions["entity"].str.startswith(prefix + "：")]
    return {name: entity.split("：", 1)[1] for entity, name in zip(mentions["entity"], mentions["name"])}


def distinct_entities(names: list[str], prefix: str) -> tuple[list[str], list[str]]:
    """(entities, identifications): the distinct entities among `names`, counting the ways the register
    groups as one entity once, and each such grouping written out ("电焊工、焊工 视为同一工种：焊工")."""
    groups = name_groups(prefix)
    entities = list(dict.fromkeys(groups.get(name, name) for name in names))
    identified = []
    for entity in entities:
        variants = [name for name in dict.fromkeys(names) if groups.get(name, name) == entity]
        if len(variants) > 1 or variants != [entity]:
            identified.append(f"{'、'.join(variants)} 视为同一{prefix.removeprefix('认定')}：{entity}")
    return entities, identified


def not_in_table_1(names: list[str]) -> list[str]:
    """Names (of majors) that table 1 does not list."""
    listed = set(load_table("majors")["major"])
    return [name for name in names if name not in listed]


def _students_and_majors_listed(audit: AuditLedger, facts: dict) -> None:
    """Table 2's totals, and whether it lists every major of table 1."""
    enrolment, majors = load_table("enrolment_by_major"), load_table("majors")
    audit.fact(
        TOTALS, "enrolled_students", total(enrolment["total"]), "全日制在校生人数", "表 2 各专业在校生人数之和。"
    )
    audit.value(
        TOTALS,
        "表 2 各专业男生、女生人数之和等于“总数”",
        "表 2",
        enrolment["total"].sum(),
        total([enrolment["male"].sum(), enrolment["female"].sum()]),
        "男生合计 + 女生合计。",
    )
    same_major = name_groups("专业名称")  # e.g. 计算机应用 (表 1) and 计算机技术应用 (表 2) are one major
    in_table_2 = {same_major.get(e, e) for e in enrolment["major"]}
    missing = [m for m in majors["major"] if same_major.get(m, m) not in in_table_2]
    joint_missing = [m for m in missing if majors.set_index("major").loc[m, "note"].find("联合办学") >= 0]
    audit.value(
        TOTALS,
        f"表 2 覆盖 {edition.current().year} 年开设的全部专业",
        "表 1；表 2",
        len(majors),
        count(enrolment["major"]),
        f"表 1 列 {len(majors)} 个专业，表 2 列 {len(enrolment)} 个；表 1 中未见于表 2 的：{'、'.join(missing) or '无'}"
        + (f"（其中 {len(joint_missing)} 个是联合办学专业）" if joint_missing else "")
        + "。名称写法不同的见名称核查。",
    )


def _teacher_groups(audit: AuditLedger, facts: dict) -> None:
    """Table 3: the four kinds of teacher against the full-time teachers."""
    teachers = load_table("teacher_composition").set_index("indicator")
    teacher_groups = ["专业课教师", "文化课教师", "思政课教师", "体育课教师"]
    audit.value(
        TOTALS,
        "表 3 四类教师人数之和等于“专职教师”人数",
        "表 3",
        teachers.loc["专职教师", "value"],
        total(teachers.loc[teacher_groups, "value"]),
        "、".join(teacher_groups) + "之和；原表未说明四类是否涵盖全部专职教师。",
        key="teacher_groups_sum",
    )


def _fitness_grades(audit: AuditLedger, facts: dict) -> None:
    """Table 7: the graded students against the students tested, each year."""
    fitness = load_table("fitness_tests").set_index("year")
    for year, row in fitness.iterrows():
        audit.value(
            TOTALS,
            f"表 7 {year} 年优秀、良好、及格人数之和等于体测总人数",
            "表 7",
            row["tested"],
            total(row[["excellent", "good", "passed"]]),
            "原表未列不及格人数。",
            key="fitness_sum",
        )


def _teacher_training(audit: AuditLedger, facts: dict) -> None:
    """Table 9: each breakdown's total against its parts."""
    training = load_table("teacher_training")
    for key, breakdown in [
        ("teacher_training_by_hours_total", "按学时划分"),
        ("teacher_training_by_level_total", "按层次划分"),
    ]:
        audit.fact(
            TOTALS,
            key,
            total(training.loc[training["breakdown"] == breakdown, "teachers"]),
            f"表 9 “{breakdown}”合计等于其分项之和",
        )
    audit.fact(
        TOTALS,
        "teachers_trained",
        total(training.loc[training["breakdown"] == "按学时划分", "teachers"]),
        "参加培训的教师人数",
        "表 9 按学时划分的分项之和。",
    )


def _internships(audit: AuditLedger, facts: dict) -> None:
    """Table 6: positions and units."""
    internships = load_table("internship_units")
    audit.fact(
        TOTALS, "internship_positions", total(internships["positions"]), "实习岗位总数", "表 6 各单位岗位数之和。"
    )
    audit.fact(TOTALS, "internship_units_count", count(internships["company"]), "实习单位数", "表 6 的行数。")


def _apprenticeships(audit: AuditLedger, facts: dict) -> None:
    """Table 10: trainees and course hours."""
    apprentices = load_table("apprenticeship_training")
    for key in ["apprentice_total_table10", "apprentice_total_3_2"]:
        audit.fact(TOTALS, key, total(apprentices["trainees"]), "新型学徒制培训人数合计", "表 10 各工种人数之和。")
    audit.fact(
        TOTALS,
        "apprentices_trained_3_1",
        total(apprentices["trainees"]),
        "新型学徒制培训人数",
        "表 10 各工种人数之和。",
    )
    hours = "、".join(
        f"{trade} {fmt_number(h)} 课时" for trade, h in zip(apprentices["trade"], apprentices["course_hours"])
    )
    audit.fact(
        TOTALS,
        "apprentice_hours_total_table10",
        total(apprentices["course_hours"]),
        "表 10 “合计”总课时等于各工种课时之和",
        f"表 10：{hours}；原报告未说明各工种是否共用同一课时安排。",
    )


def _certification(audit: AuditLedger, facts: dict) -> None:
    """Table 11: attendances, batches and trades."""
    batches = load_table("certification_batches")
    for key in [
        "certification_total_table11",
        "certification_total_3_3a",
        "certification_total_case10",
        "exam_candidates_3_3b",
        "exam_candidates_case11",
    ]:
        audit.fact(TOTALS, key, total(batches["attendances"]), "职业技能等级认定服务人次", "表 11 各批次人次之和。")
    audit.fact(TOTALS, "exam_batches_case11", count(batches["service_dates"]), "承办考试批次", "表 11 的行数。")
    trade_names = [t for trades in batches["trades"] for t in trades.split("、")]
    trades, identified = distinct_entities(trade_names, "认定工种")
    for key in ["certification_trades", "certification_trades_case10"]:
        audit.fact(
            TOTALS,
            key,
            Calc(len(trades), "", detail="、".join(trades)),
            "认定工种数",
            "表 11 中出现的工种，按本书名称登记（name_mentions.csv）归并写法不同的同一工种。",
            assumptions=identified,
        )


def _money(audit: AuditLedger, facts: dict) -> None:
    """The union's subsidy and the budget (7.3): totals against their parts."""
    budget = load_table("budget").set_index("item")["amount_wan_yuan"]
    audit.fact(
        TOTALS,
        "union_subsidy_total",
        total([facts["union_subsidy_studio"].value, facts["union_subsidy_activities"].value]),
        "市总工会补助等于两项之和",
        "劳模工作室 + 系列活动。",
    )
    audit.used.update(["union_subsidy_studio", "union_subsidy_activities"])
    income_parts, spending_parts, budget_parts = (
        ["财政拨款收入", "财政专户管理资金"],
        ["人员经费", "公用经费"],
        ["基本支出", "项目支出"],
    )
    audit.value(
        TOTALS,
        "财政拨款收入与财政专户管理资金之和等于办学经费总收入",
        "7.3",
        budget["办学经费总收入"],
        total(budget[income_parts]),
        key="budget_income_parts",
    )
    audit.value(
        TOTALS,
        "人员经费与公用经费之和等于一般公共预算支出",
        "7.3",
        budget["一般公共预算支出"],
        total(budget[spending_parts]),
    )
    audit.value(
        TOTALS, "基本支出与项目支出之和等于办学经费总收入", "7.3", budget["办学经费总收入"], total(budget[budget_parts])
    )


def _party_training(audit: AuditLedger, facts: dict) -> None:
    """Table 16's cadres sent to training against the prose's two counts."""
    party_out = load_table("party_building").set_index("item").loc["校外提升"]
    audit.value(
        TOTALS,
        "表 16 派出参加市级以上培训干部人次等于党支部书记与中层干部人数之和",
        f"{facts['party_secretaries_trained'].section}；表 16",
        party_out["value"],
        total([facts["party_secretaries_trained"].value, facts["middle_cadres_trained"].value]),
        f"党支部书记 {facts['party_secretaries_trained'].text} 人 + 中层干部 {facts['middle_cadres_trained'].text} 人。",
        assumptions=[
            f"表 16 “{party_out['content']}” {fmt_number(party_out['value'])} {party_out['unit']}与 "
            f"{facts['party_secretaries_trained'].section} 所述培训视为同一事项（原报告未说明）"
        ],
    )
    audit.used.update(["party_secretaries_trained", "middle_cadres_trained"])


def _majors_counted(audit: AuditLedger, facts: dict) -> None:
    """The number of majors, as the prose and table 1 give it."""
    majors = load_table("majors")
    audit.value(
        TOTALS,
        "三年制与五年制专业数之和等于开设专业数",
        "1.1；表 1",
        len(majors),
        total([facts["majors_three_year"].value, facts["majors_five_year"].value]),
    )
    audit.used.update(["majors_three_year", "majors_five_year"])
    for key in ["majors_1_1", "majors_2_3_1"]:
        audit.fact(TOTALS, key, count(majors["major"]), f"{edition.current().year} 年开设专业数", "表 1 的行数。")
    joint = majors["note"].str.contains("联合办学", na=False)
    outside = not_in_table_1([n for n, e in name_groups("联合办学专业").items()])
    audit.fact(
        TOTALS,
        "joint_majors_6_5",
        Calc(joint.sum(), "", detail="、".join(majors.loc[joint, "major"])),
        "与辽宁铁道职业技术学院联合办学的专业数",
        "表 1 备注为联合办学的专业。" + (f"6.5 另写的 {'、'.join(outside)} 不在表 1 中。" if outside else ""),
    )


# In this order: a check's id (A1-1, A1-2, ...) is its place in the group.
_TOTALS_BY_TOPIC = (
    _students_and_majors_listed,
    _teacher_groups,
    _fitness_grades,
    _teacher_training,
    _internships,
    _apprenticeships,
    _certification,
    _money,
    _party_training,
    _majors_counted,
)


def totals(audit: AuditLedger, facts: dict) -> None:
    """Totals against the sum of their parts, topic by topic."""
    for topic in _TOTALS_BY_TOPIC:
        topic(audit, facts)


def rates(audit: AuditLedger, facts: dict) -> None:
    """Rates and percentages against their counts."""
    teachers = load_table("teacher_composition").set_index("indicator")
    graduates, placed, progressed = (facts[k].value for k in ["graduates", "graduates_placed", "graduates_progressed"])
    audit.used.update(["graduates", "graduates_placed", "graduates_progressed"])
    g, pl, pr = (fmt_number(v) for v in (graduates, placed, progressed))
    audit.interpretations(
        RATES,
        "employment_rate",
        [
            ("去向落实人数 ÷ 毕业生总数", ratio(placed, graduates)),
            (
                "（去向落实 − 升学）÷（毕业生 − 升学）",
                ratio(
                    placed - progressed,
                    graduates - progressed,
                    numerator_text=f"({pl} − {pr})",
                    denominator_text=f"({g} − {pr})",
                ),
            ),
        ],
        f"{edition.current().year} 届毕业生就业率",
        f"1.1：毕业生 {g} 人，去向落实 {pl} 人，升学 {pr} 人；原报告未说明就业率的口径与就业人数。",
    )
    audit.fact(
        RATES, "matched_employment_rate", None, f"{edition.current().year} 届对口就业率", "原报告未公布对口就业人数。"
    )
    progression = load_table("progression").set_index("year")
    stated = facts["progression_rate_1_1"].text
    same_year = [str(year) for year, rate in progression["progression_rate_pct"].items() if fmt_number(rate) == stated]
    audit.fact(
        RATES,
        "progression_rate_1_1",
        ratio(progressed, graduates),
        f"{edition.current().year} 届毕业生升学率",
        "升学人数 ÷ 毕业生总数（1.1 所列）。"
        + (f"报告所列 {stated}% 与表 5 中 {'、'.join(same_year)} 年的升学率相同。" if same_year else ""),
    )
    for year, row in progression.iterrows():
        audit.value(
            RATES,
            f"表 5 {year} 年升学率 = 录取人数 ÷ 报考人数",
            "表 5",
            fmt_number(row["progression_rate_pct"]),
            ratio(row["admitted"], row["applicants"]),
            key=f"progression_rate_{year}",
        )
    audit.fact(
        RATES,
        "specialist_teacher_share",
        ratio(teachers.loc["专业课教师", "value"], teachers.loc["专职教师", "value"]),
        "专任专业课教师占专任教师的比例",
        "表 3：专业课教师 ÷ 专职教师。",
    )
    certificates = load_table("certificate_attainment")
    for _, row in certificates.iterrows():
        audit.value(
            RATES,
            f"表 15 {row['major']}证书获取率 = 获取人数 ÷ 毕业生人数",
            "表 15",
            fmt_number(row["attainment_rate_pct"], 1),
            ratio(row["certified"], row["graduates"]),
            key="certificate_rates",
        )
    lowest = (
        certificates.assign(rate=100 * certificates["certified"] / certificates["graduates"])
        .sort_values("rate")
        .iloc[0]
    )
    audit.fact(
        RATES,
        "cert_rate_intermediate_min",
        ratio(lowest["certified"], lowest["graduates"]),
        f"{edition.current().year} 届职业技能等级证书（中级）获取率",
        f"表 15 各专业获取率中的最低值（{lowest['major']}）。",
    )
    audit.value(
        RATES,
        "表 15 “同比变化”",
        "表 15",
        "、".join(fmt_signed(v, 1) + "%" for v in certificates["yoy_change_pct"]),
        None,
        "原报告未公布上一年的获取率，也未说明同比变化是百分点还是相对变化。",
    )
    audit.fact(
        RATES, "senior_cert_rate_increase", None, "高级工获取率较上年提升幅度", "原报告未公布两年的高级工获取人数。"
    )
    governance = load_table("governance_indicators")
    audit.value(
        RATES,
        "表 17 各项“提升幅度”",
        "表 17",
        "、".join(
            f"{fmt_number(v)}{'' if u == '%' else ' '}{u}"
            for v, u in zip(governance["improvement_value"], governance["improvement_unit"])
        ),
        None,
        "原报告未公布改革前后的基数。",
    )
    before, after = facts["weld_cycle_before"], facts["weld_cycle_after"]
    audit.fact(
        RATES,
        "weld_efficiency_gain",
        Calc(before.value / after.value - 1, f"{before.text} ÷ {after.text} − 1"),
        "焊接单元效率提升倍数",
        f"焊接周期 {before.text} → {after.text} {after.unit.split('/')[0]}：单位时间产量为原来的 "
        f"{fmt_number(before.value / after.value)} 倍，即提升 {fmt_number(before.value / after.value - 1)} 倍。",
    )
    audit.used.update(["weld_cycle_before", "weld_cycle_after"])


def repeated_facts(audit: AuditLedger, facts: dict) -> None:
    """One fact stated in several places."""
    year, previous_year = edition.current().year, edition.current().previous_year
    majors = load_table("majors")
    joint = majors["note"].str.contains("联合办学", na=False).sum()
    apprentices = load_table("apprenticeship_training")
    progression = load_table("progression").set_index("year")
    teachers = load_table("teacher_composition").set_index("indicator")
    table_share = fmt_number(teachers.loc["双师型占比", "value"])
    case_before, case_after = (
        facts["double_qualified_share_before_case21"],
        facts["double_qualified_share_after_case21"],
    )
    audit.same_facts(
        REPEATED,
        "专任教师中“双师型”教师比例",
        [
            "double_qualified_share_1_1",
            "double_qualified_share_1_1b",
            "double_qualified_share_before_case21",
            "double_qualified_share_after_case21",
        ],
        f"表 3 列 {table_share}%。{case_before.section} 称政策实施一年来比例“从 {case_before.text}% 提升至 {case_after.text}%”，"
        f"而 {facts['double_qualified_share_1_1'].section} 与表 3 以 {table_share}% 为本年度数值。",
        key="double_qualified_share",
    )
    audit.same(
        REPEATED,
        f"{year} 年度开设专业数",
        [("1.1", facts["majors_1_1"].text), ("2.3.1", facts["majors_2_3_1"].text), ("表 1", str(len(majors)))],
        key="majors_count",
    )
    outside = not_in_table_1(list(name_groups("联合办学专业")))
    audit.same(
        REPEATED,
        "联合办学专业数",
        [
            ("1.1（五年大专专业）", facts["majors_five_year"].text),
            ("表 1（备注为联合办学）", str(joint)),
            ("6.5", facts["joint_majors_6_5"].text),
        ],
        f"6.5 所写的 {'、'.join(outside)} 不在表 1 中。" if outside else "",
    )
    for prefix, claim in [
        ("national_design_cases_prev", f"{previous_year} 年全国教学设计与说课比赛优质案例数"),
        ("provincial_first", f"{year} 年省教师教学能力比赛一等奖数"),
        ("provincial_third", f"{year} 年省教师教学能力比赛三等奖数"),
        ("national_qualified", "获国赛遴选资格人数"),
    ]:
        audit.same_facts(
            REPEATED,
            claim,
            [f"{prefix}_a", f"{prefix}_b"],
            f"{facts[prefix + '_a'].section} 两段文字重复陈述同一组成绩。",
        )
    audit.same_facts(
        REPEATED,
        "新型学徒制累计培训课时",
        ["apprentice_hours_3_1", "apprentice_hours_case9", "apprentice_hours_total_table10"],
    )
    for trade, keys in [
        ("钳工", ["apprentice_fitters_3_2", "apprentice_fitters_case9"]),
        ("电工", ["apprentice_electricians_3_2", "apprentice_electricians_case9"]),
    ]:
        table_value = apprentices.set_index("trade").loc[trade, "trainees"]
        audit.used.update(keys)
        audit.same(
            REPEATED,
            f"新型学徒制{trade}培训人数",
            [(facts[k].section, facts[k].text) for k in keys] + [("表 10", str(table_value))],
        )
    audit.same_facts(REPEATED, "校内实训基地数", ["training_bases", "campus_training_bases_1_3"])
    audit.same(
        REPEATED,
        f"24 级升学班报考与录取人数（2.2.2 与表 5 的 {year} 年）",
        [
            ("2.2.2", f"{facts['cohort24_applicants'].text}/{facts['cohort24_admitted'].text}"),
            ("表 5", f"{progression.loc[year, 'applicants']}/{progression.loc[year, 'admitted']}"),
        ],
    )
    audit.used.update(["cohort24_applicants", "cohort24_admitted"])


def prose_against_tables(audit: AuditLedger, facts: dict) -> None:
    """Numbers in the prose against the tables they summarise."""
    teachers = load_table("teacher_composition").set_index("indicator")
    party = load_table("party_building").set_index("item")
    awards = load_table("skills_competition_awards")["award"].value_counts()
    for key, award in [
        ("provincial_first_prizes", "省赛一等奖"),
        ("provincial_second_prizes", "省赛二等奖"),
        ("provincial_third_prizes", "省赛三等奖"),
    ]:
        audit.fact(
            TEXT,
            key,
            awards.get(award, 0),
            f"{edition.current().previous_year} 年省赛{award.removeprefix('省赛')}数",
            "表 4 中该奖项的行数。",
        )
    audit.fact(
        TEXT,
        "provincial_events_awarded",
        total(awards),
        "学生获省级技能大赛奖项数",
        "表 4 各奖项行数之和（每个赛项一项奖）。",
    )
    studio = facts["studio_student_awards"]
    audit.fact(
        TEXT,
        "studio_student_awards",
        total(awards),
        "工作室学生获省级技能大赛奖项数",
        "表 4 各奖项行数之和。",
        assumptions=[f"{studio.section}所述“{studio.statement}”与表 4 视为同一事项（原报告未说明）"],
    )
    audit.fact(
        TEXT,
        "party_activists",
        party.loc["发展党员", "value"],
        "新确定入党积极分子数",
        f"表 16 “{party.loc['发展党员', 'content']}”。",
    )
    audit.fact(
        TEXT,
        "party_trainings",
        party.loc["教育培训", "value"],
        "校内集中培训次数",
        f"表 16 “{party.loc['教育培训', 'content']}”。",
    )
    audit.fact(
        TEXT,
        "double_qualified_share_1_1",
        teachers.loc["双师型占比", "value"],
        "“双师型”比例（1.1 与表 3）",
        "表 3 双师型占比。",
    )


def build_ledger() -> AuditLedger:
    """Run every numeric check of the audit."""
    facts = stated_facts()
    audit = AuditLedger(facts)
    for name, checks in zip(GROUPS, (totals, rates, repeated_facts, prose_against_tables)):
        with recording() as read:
            checks(audit, facts)
        audit.group_files[name] = sorted(read | {"reported_facts"})
    return audit


def publish(folder) -> list:
    """Write the audit as audit.csv and audit.json into `folder` (the built site); returns the paths."""
    import json
    from pathlib import Path

    from . import data

    records = build_ledger().records(
        lambda name: {"file": data.resource(name)["path"], "sha256": data.recorded_sha256(name)}
    )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    as_json, as_csv = folder / "audit.json", folder / "audit.csv"
    as_json.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    flat = pd.DataFrame(
        [{**r, "data_files": "; ".join(f"{f['file']} sha256:{f['sha256']}" for f in r["data_files"])} for r in records]
    )
    flat.to_csv(as_csv, index=False, encoding="utf-8-sig", lineterminator="\n")
    return [as_csv, as_json]


def name_checks() -> pd.DataFrame:
    """Each entity of name_mentions.csv with all the ways the report writes it; more than one is inconsistent."""
    mentions = load_table("name_mentions")
    rows = []
    for entity, group in mentions.groupby("entity", sort=False):
        rows.append(
            {
                "所指": entity,
                "各处写法": "；".join(f"{n}（{s}）" for n, s in zip(group["name"], group["section"])),
                "结论": str(same_values(list(group["name"]))),
            }
        )
    return pd.DataFrame(rows)


def numbering_checks() -> pd.DataFrame:
    """Numbering and cross-references, read from the report's own text (source/<edition>-quality-report.txt):
    references to tables and figures that do not exist, section numbers used twice, body sections
    missing from the table of contents, and the closing case's part numbers used twice."""
    source = paths.SOURCE_TEXT.read_text(encoding="utf-8")
    front, body = source.split("\n前言\n", 1)
    table_numbers = set(re.findall(r"^表 (\d+)\t", front, re.M))
    figure_numbers = set(re.findall(r"^图 (\d+)[\t ]", front, re.M))
    toc_sections = re.findall(r"^(\d+(?:\.\d+)*)\.? ?\S.*\t\d+$", front, re.M)
    body_sections = re.findall(r"^(\d+\.\d+(?:\.\d+)?) \S", body, re.M)
    rows = []
    for reference in re.finditer(r"见((?:分析)?(表|图)\s*([\d-]+))", body):
        quoted, kind, number = reference.groups()
        exists = number in (table_numbers if kind == "表" else figure_numbers)
        rows.append(
            {
                "核查内容": f"正文“见{quoted}”所指编号存在",
                "原报告": quoted,
                "结论": "一致" if exists else "不一致",
                "说明": "" if exists else f"报告的{kind}目录中没有此编号（{kind}按 1、2、3… 连续编号）",
            }
        )
    for number in sorted({n for n in body_sections if body_sections.count(n) > 1}):
        rows.append(
            {
                "核查内容": "正文章节编号不重复",
                "原报告": number,
                "结论": "不一致",
                "说明": f"编号 {number} 在正文中出现 {body_sections.count(number)} 次",
            }
        )
    for number in [n for n in dict.fromkeys(body_sections) if n not in toc_sections]:
        rows.append(
            {
                "核查内容": "正文章节列入目录",
                "原报告": number,
                "结论": "不一致",
                "说明": f"正文有 {number} 节，目录中没有",
            }
        )
    case_parts = re.findall(r"^([一二三四五六七八九十])、", body.split("劳模引领 平台赋能 成果导向", 1)[1], re.M)
    for numeral in sorted({p for p in case_parts if case_parts.count(p) > 1}):
        rows.append(
            {
                "核查内容": "工作室案例的分节编号不重复",
                "原报告": f"{numeral}、",
                "结论": "不一致",
                "说明": f"“{numeral}、”出现 {case_parts.count(numeral)} 次",
            }
        )
    return pd.DataFrame(rows)
