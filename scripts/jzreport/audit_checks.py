"""The audit's checks: every derived number and repeated fact of the report, recomputed from the data.

`build_ledger()` runs all checks and returns an `AuditLedger` (see audit.py for how verdicts are computed);
the audit appendix (book/chapters/10-audit.md) shows them and the front page's scorecard quotes them.
`name_checks()` and `numbering_checks()` compare names and numbering across the report's own text.
Each group of checks is one function, readable top to bottom.
"""
from __future__ import annotations

import re

import pandas as pd

from . import paths
from .audit import AuditLedger, same_values
from .data import facts as load_facts, load_table
from .numbers import fmt_number, fmt_pct, fmt_signed

TOTALS, RATES, REPEATED, TEXT = "合计与分项", "比率与百分比", "同一事实的多处表述", "正文与表格对照"
GROUPS = [TOTALS, RATES, REPEATED, TEXT]


def totals(audit: AuditLedger, facts: dict) -> None:
    """Totals against the sum of their parts."""
    enrolment = load_table("enrolment_by_major")
    teachers = load_table("teacher_composition").set_index("indicator")
    fitness = load_table("fitness_tests").set_index("year")
    training = load_table("teacher_training")
    internships = load_table("internship_units")
    apprentices = load_table("apprenticeship_training")
    batches = load_table("certification_batches")
    budget = load_table("budget_2025").set_index("item")["amount_wan_yuan"]
    majors = load_table("majors")

    audit.fact(TOTALS, "enrolled_students", enrolment["total"].sum(), "全日制在校生人数",
               "表 2 各专业在校生人数之和。")
    audit.value(TOTALS, "表 2 各专业男生、女生人数之和等于“总数”", "表 2",
                enrolment["total"].sum(), (enrolment["male"] + enrolment["female"]).sum())
    audit.value(TOTALS, "表 2 覆盖 2025 年开设的全部专业", "表 1；表 2", len(majors), len(enrolment),
                "表 1 列 10 个专业，表 2 只列 8 个（未列两个联合办学专业）；表 2 的专业名称与表 1 也不尽相同，见名称核查。")
    teacher_groups = ["专业课教师", "文化课教师", "思政课教师", "体育课教师"]
    audit.value(TOTALS, "表 3 四类教师人数之和等于“专职教师”人数", "表 3", teachers.loc["专职教师", "value"],
                teachers.loc[teacher_groups, "value"].sum(), "原表未说明四类是否涵盖全部专职教师。", key="teacher_groups_sum")
    for year, row in fitness.iterrows():
        audit.value(TOTALS, f"表 7 {year} 年优秀、良好、及格人数之和等于体测总人数", "表 7", row["tested"],
                    row[["excellent", "good", "passed"]].sum(), "原表未列不及格人数。", key="fitness_sum")
    for key, breakdown in [("teacher_training_by_hours_total", "按学时划分"), ("teacher_training_by_level_total", "按层次划分")]:
        audit.fact(TOTALS, key, training.loc[training["breakdown"] == breakdown, "teachers"].sum(),
                   f"表 9 “{breakdown}”合计等于其分项之和")
    audit.fact(TOTALS, "teachers_trained", training.loc[training["breakdown"] == "按学时划分", "teachers"].sum(),
               "参加培训的教师人数", "表 9 按学时划分的分项之和。")
    audit.fact(TOTALS, "internship_positions", internships["positions"].sum(), "实习岗位总数", "表 6 各单位岗位数之和。")
    audit.fact(TOTALS, "internship_units_count", len(internships), "实习单位数", "表 6 的行数。")
    for key in ["apprentice_total_table10", "apprentice_total_3_2"]:
        audit.fact(TOTALS, key, apprentices["trainees"].sum(), "新型学徒制培训人数合计", "表 10 各工种人数之和。")
    audit.fact(TOTALS, "apprentices_trained_3_1", apprentices["trainees"].sum(), "新型学徒制培训人数", "表 10 各工种人数之和。")
    audit.fact(TOTALS, "apprentice_hours_total_table10", apprentices["course_hours"].sum(), "表 10 “合计”总课时等于各工种课时之和",
               "两个工种各 1060 课时；原报告未说明两工种是否共用同一课时安排。")
    for key in ["certification_total_table11", "certification_total_3_3a", "certification_total_case10",
                "exam_candidates_3_3b", "exam_candidates_case11"]:
        audit.fact(TOTALS, key, batches["attendances"].sum(), "职业技能等级认定服务人次", "表 11 各批次人次之和。")
    audit.fact(TOTALS, "exam_batches_case11", len(batches), "承办考试批次", "表 11 的行数。")
    trade_names = sorted({t for trades in batches["trades"] for t in trades.split("、")})
    for key in ["certification_trades", "certification_trades_case10"]:
        audit.fact(TOTALS, key, len(trade_names), "认定工种数", "表 11 中出现的不同工种名称：" + "、".join(trade_names) + "。")
    audit.fact(TOTALS, "union_subsidy_total", facts["union_subsidy_studio"].value + facts["union_subsidy_activities"].value,
               "市总工会补助等于两项之和", "劳模工作室 + 系列活动。")
    audit.used.update(["union_subsidy_studio", "union_subsidy_activities"])
    audit.value(TOTALS, "财政拨款收入与财政专户管理资金之和等于办学经费总收入", "7.3", budget["办学经费总收入"],
                budget[["财政拨款收入", "财政专户管理资金"]].sum(), key="budget_income_parts")
    audit.value(TOTALS, "人员经费与公用经费之和等于一般公共预算支出", "7.3", budget["一般公共预算支出"],
                budget[["人员经费", "公用经费"]].sum())
    audit.value(TOTALS, "基本支出与项目支出之和等于办学经费总收入", "7.3", budget["办学经费总收入"],
                budget[["基本支出", "项目支出"]].sum())
    audit.value(TOTALS, "表 16 派出参加市级以上培训干部人次等于党支部书记与中层干部人数之和", "7.1.3；表 16",
                load_table("party_building").set_index("item").loc["校外提升", "value"],
                facts["party_secretaries_trained"].value + facts["middle_cadres_trained"].value)
    audit.used.update(["party_secretaries_trained", "middle_cadres_trained"])
    audit.value(TOTALS, "三年制与五年制专业数之和等于开设专业数", "1.1；表 1", len(majors),
                facts["majors_three_year"].value + facts["majors_five_year"].value)
    audit.used.update(["majors_three_year", "majors_five_year"])
    for key in ["majors_2025_1_1", "majors_2025_2_3_1"]:
        audit.fact(TOTALS, key, len(majors), "2025 年开设专业数", "表 1 的行数。")
    joint = majors["note"].str.contains("联合办学", na=False).sum()
    audit.fact(TOTALS, "joint_majors_6_5", joint, "与辽宁铁道职业技术学院联合办学的专业数",
               "表 1 备注为联合办学的专业数；6.5 另列“铁道信号技术”，表 1 中没有此专业。")


def rates(audit: AuditLedger, facts: dict) -> None:
    """Rates and percentages against their counts."""
    teachers = load_table("teacher_composition").set_index("indicator")
    graduates, placed, progressed = (facts[k].value for k in ["graduates_2025", "graduates_placed_2025", "graduates_progressed_2025"])
    audit.used.update(["graduates_2025", "graduates_placed_2025", "graduates_progressed_2025"])
    audit.fact(RATES, "employment_rate_2025", None, "2025 届毕业生就业率",
               f"原报告未公布就业人数与口径：去向落实人数 ÷ 毕业生总数 = {fmt_pct(100 * placed / graduates)}%；"
               f"（去向落实 − 升学）÷（毕业生 − 升学）= {fmt_pct(100 * (placed - progressed) / (graduates - progressed))}%，均不等于 90.81%。")
    audit.fact(RATES, "matched_employment_rate_2025", None, "2025 届对口就业率", "原报告未公布对口就业人数。")
    audit.fact(RATES, "progression_rate_2025_1_1", 100 * progressed / graduates, "2025 届毕业生升学率",
               "升学人数 ÷ 毕业生总数（1.1 所列）。报告所列 80.93% 与表 5 中 2024 年的升学率相同。")
    progression = load_table("progression").set_index("year")
    for year, row in progression.iterrows():
        audit.value(RATES, f"表 5 {year} 年升学率 = 录取人数 ÷ 报考人数", "表 5", fmt_number(row["progression_rate_pct"]),
                    100 * row["admitted"] / row["applicants"], key=f"progression_rate_{year}")
    audit.fact(RATES, "specialist_teacher_share", 100 * teachers.loc["专业课教师", "value"] / teachers.loc["专职教师", "value"],
               "专任专业课教师占专任教师的比例", "表 3：专业课教师 ÷ 专职教师。")
    certificates = load_table("certificate_attainment")
    for _, row in certificates.iterrows():
        audit.value(RATES, f"表 15 {row['major']}证书获取率 = 获取人数 ÷ 毕业生人数", "表 15",
                    fmt_number(row["attainment_rate_pct"], 1), 100 * row["certified"] / row["graduates"], key="certificate_rates")
    audit.fact(RATES, "cert_rate_intermediate_min", (100 * certificates["certified"] / certificates["graduates"]).min(),
               "2025 届职业技能等级证书（中级）获取率", "表 15 各专业获取率中的最低值。")
    audit.value(RATES, "表 15 “同比变化”", "表 15", "、".join(fmt_signed(v, 1) + "%" for v in certificates["yoy_change_pct"]), None,
                "原报告未公布上一年的获取率，也未说明同比变化是百分点还是相对变化。")
    audit.fact(RATES, "senior_cert_rate_increase", None, "高级工获取率较上年提升幅度", "原报告未公布两年的高级工获取人数。")
    audit.value(RATES, "表 17 各项“提升幅度”", "表 17", "40%、25%、5 个、35%、15%", None, "原报告未公布改革前后的基数。")
    audit.fact(RATES, "weld_efficiency_gain", facts["weld_cycle_before"].value / facts["weld_cycle_after"].value - 1,
               "焊接单元效率提升倍数", "焊接周期 30 秒 → 10 秒：单位时间产量为原来的 3 倍，即提升 2 倍。")
    audit.used.update(["weld_cycle_before", "weld_cycle_after"])


def repeated_facts(audit: AuditLedger, facts: dict) -> None:
    """One fact stated in several places."""
    majors = load_table("majors")
    joint = majors["note"].str.contains("联合办学", na=False).sum()
    apprentices = load_table("apprenticeship_training")
    progression = load_table("progression").set_index("year")
    audit.same_facts(REPEATED, "专任教师中“双师型”教师比例", [
        "double_qualified_share_1_1", "double_qualified_share_1_1b", "double_qualified_share_before_case21",
        "double_qualified_share_after_case21"],
        "表 3 亦列 71.6%。案例 21 称政策实施一年来比例“从 71.6% 提升至 80%”，而 1.1 与表 3 以 71.6% 为本年度数值。",
        key="double_qualified_share")
    audit.same(REPEATED, "2025 年度开设专业数", [("1.1", facts["majors_2025_1_1"].text), ("2.3.1", facts["majors_2025_2_3_1"].text),
                                              ("表 1", str(len(majors)))], key="majors_count")
    audit.same(REPEATED, "联合办学专业数", [("1.1（五年大专专业）", facts["majors_five_year"].text),
                                          ("表 1（备注为联合办学）", str(joint)), ("6.5", facts["joint_majors_6_5"].text)],
               "6.5 所列三个专业中的“铁道信号技术”不在表 1 中。")
    for prefix, claim in [("national_design_cases_2024", "2024 年全国教学设计与说课比赛优质案例数"),
                          ("provincial_first_2025", "2025 年省教师教学能力比赛一等奖数"),
                          ("provincial_third_2025", "2025 年省教师教学能力比赛三等奖数"),
                          ("national_qualified_2025", "获国赛遴选资格人数")]:
        audit.same_facts(REPEATED, claim, [f"{prefix}_a", f"{prefix}_b"], "2.3.3 两段文字重复陈述同一组成绩。")
    audit.same_facts(REPEATED, "新型学徒制累计培训课时", ["apprentice_hours_3_1", "apprentice_hours_case9", "apprentice_hours_total_table10"])
    for trade, keys in [("钳工", ["apprentice_fitters_3_2", "apprentice_fitters_case9"]), ("电工", ["apprentice_electricians_3_2", "apprentice_electricians_case9"])]:
        table_value = apprentices.set_index("trade").loc[trade, "trainees"]
        audit.used.update(keys)
        audit.same(REPEATED, f"新型学徒制{trade}培训人数", [(facts[k].section, facts[k].text) for k in keys] + [("表 10", str(table_value))])
    audit.same_facts(REPEATED, "校内实训基地数", ["training_bases", "campus_training_bases_1_3"])
    audit.same(REPEATED, "24 级升学班报考与录取人数（2.2.2 与表 5 的 2025 年）",
               [("2.2.2", f"{facts['cohort24_applicants'].text}/{facts['cohort24_admitted'].text}"),
                ("表 5", f"{progression.loc[2025, 'applicants']}/{progression.loc[2025, 'admitted']}")])
    audit.used.update(["cohort24_applicants", "cohort24_admitted"])


def prose_against_tables(audit: AuditLedger, facts: dict) -> None:
    """Numbers in the prose against the tables they summarise."""
    teachers = load_table("teacher_composition").set_index("indicator")
    party = load_table("party_building").set_index("item")
    awards = load_table("skills_competition_awards")["award"].value_counts()
    for key, award in [("provincial_first_prizes", "省赛一等奖"), ("provincial_second_prizes", "省赛二等奖"), ("provincial_third_prizes", "省赛三等奖")]:
        audit.fact(TEXT, key, awards.get(award, 0), f"2024 年省赛{award.removeprefix('省赛')}数", "表 4 中该奖项的行数。")
    for key in ["provincial_events_awarded", "studio_student_awards"]:
        audit.fact(TEXT, key, awards.sum(), "学生获省级技能大赛奖项数", "表 4 的行数（每个赛项一项奖）。")
    audit.fact(TEXT, "party_activists", party.loc["发展党员", "value"], "新确定入党积极分子数", "表 16。")
    audit.fact(TEXT, "party_trainings", party.loc["教育培训", "value"], "校内集中培训次数", "表 16。")
    audit.fact(TEXT, "double_qualified_share_1_1", teachers.loc["双师型占比", "value"], "“双师型”比例（1.1 与表 3）", "表 3 双师型占比。")


def build_ledger() -> AuditLedger:
    """Run every numeric check of the audit."""
    facts = load_facts()
    audit = AuditLedger(facts)
    for group in (totals, rates, repeated_facts, prose_against_tables):
        group(audit, facts)
    return audit


def name_checks() -> pd.DataFrame:
    """Each entity of name_mentions.csv with all the ways the report writes it; more than one is inconsistent."""
    mentions = load_table("name_mentions")
    rows = []
    for entity, group in mentions.groupby("entity", sort=False):
        rows.append({"所指": entity, "各处写法": "；".join(f"{n}（{s}）" for n, s in zip(group["name"], group["section"])),
                     "结论": str(same_values(list(group["name"])))})
    return pd.DataFrame(rows)


def numbering_checks() -> pd.DataFrame:
    """Numbering and cross-references, read from the report's own text (source/2025-quality-report.txt):
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
        rows.append({"核查内容": f"正文“见{quoted}”所指编号存在", "原报告": quoted, "结论": "一致" if exists else "不一致",
                     "说明": "" if exists else f"报告的{kind}目录中没有此编号（{kind}按 1、2、3… 连续编号）"})
    for number in sorted({n for n in body_sections if body_sections.count(n) > 1}):
        rows.append({"核查内容": "正文章节编号不重复", "原报告": number, "结论": "不一致",
                     "说明": f"编号 {number} 在正文中出现 {body_sections.count(number)} 次"})
    for number in [n for n in dict.fromkeys(body_sections) if n not in toc_sections]:
        rows.append({"核查内容": "正文章节列入目录", "原报告": number, "结论": "不一致", "说明": f"正文有 {number} 节，目录中没有"})
    case_parts = re.findall(r"^([一二三四五六七八九十])、", body.split("劳模引领 平台赋能 成果导向", 1)[1], re.M)
    for numeral in sorted({p for p in case_parts if case_parts.count(p) > 1}):
        rows.append({"核查内容": "工作室案例的分节编号不重复", "原报告": f"{numeral}、", "结论": "不一致",
                     "说明": f"“{numeral}、”出现 {case_parts.count(numeral)} 次"})
    return pd.DataFrame(rows)
