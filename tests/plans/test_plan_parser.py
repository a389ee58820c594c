"""The plan-text parser on the shared example and on five plans written in other styles:
numbering, bracket and colon styles, role labels, items split across lines, collective unit
names, absolute and relative deadlines, targets, signatures and encodings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from fazhi.plans.parser import (
    PlanParseError,
    cn_number,
    decode,
    extract_units,
    find_deadlines,
    find_targets,
    parse_plan,
)

#: A copy of shared/examples/plan-example.txt (the repository must test it on its own).
EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "plan-example.txt"
D = dt.date


def tasks(text: str, **kwargs: Any) -> list[dict[str, Any]]:
    plan = parse_plan(text, **kwargs).as_dict()
    return [task for section in plan["sections"] for task in section["tasks"]]


def dates(task: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(d["text"], d["date"]) for d in task["deadlines"]]


def targets(task: dict[str, Any]) -> list[tuple[str, Any, str]]:
    return [(t["op"], t["value"], t["unit"]) for t in task["targets"]]


# --- the shared example ----------------------------------------------
def test_the_shared_example() -> None:
    plan = parse_plan(EXAMPLE.read_text(encoding="utf-8")).as_dict()
    assert plan["title"] == "2024年全市法治政府建设工作要点"
    assert (plan["year"], plan["issued_on"]) == (2024, "2024-03-05")
    assert [s["number"] for s in plan["sections"]] == ["一", "二", "三", "四", "五"]
    assert plan["sections"][3]["title"] == "健全社会矛盾纠纷行政预防调处化解体系"
    found = [t for s in plan["sections"] for t in s["tasks"]]
    assert [t["number"] for t in found] == [f"（{n}）" for n in "一二三四五六七八九"]
    assert [t["title"] for t in found][:3] == [
        "深入学习贯彻习近平法治思想",
        "落实第一责任人职责",
        "加强行政规范性文件管理",
    ]
    units = [(t["lead_units"], t["responsible_units"], t["cooperating_units"]) for t in found]
    assert units == [
        (["市政府办公室"], [], ["市司法局"]),
        (["市委依法治市办"], ["各区县政府", "市直各部门"], []),
        ([], ["市司法局", "各区县政府"], []),
        (["市司法局"], ["市直各部门"], []),
        ([], ["市直各行政执法部门"], []),
        (["市司法局"], [], []),
        (["市司法局"], [], []),
        ([], ["各区县政府", "市直各部门"], []),
        (["市委依法治市办"], ["各区县政府", "市直各部门"], []),
    ]
    assert [dates(t) for t in found] == [
        [],
        [("6月底前", "2024-06-30"), ("年底前", "2024-12-31")],
        [("自公布之日起30日内", None)],
        [("9月30日前", "2024-09-30")],
        [],
        [("第三季度", "2024-09-30")],
        [],
        [],
        [("2025年3月1日前", "2025-03-01"), ("4月1日前", "2025-04-01")],
    ]
    assert [targets(t) for t in found] == [
        [(">=", 4, "次")],
        [],
        [(">=", 100, "%")],
        [],
        [(">=", 60, "学时"), (">=", 5, "%")],
        [(">=", 200, "卷")],
        [(">=", 100, "%"), ("=", 1, "次")],
        [("=", 100, "%")],
        [],
    ]
    assert "【" not in found[0]["text"] and found[0]["text"].endswith("不少于4次。")


# --- five other styles -----------------------------------------------
COUNTY = """湘江县2025年法治政府建设工作计划

为深入推进法治政府建设，结合我县实际，制定本计划。

一、深化行政体制改革
（一）推进机构职能优化
1、持续推进“放管服”改革，10月底前完成县级权责清单动态调整，
清单事项公开率达到100%。（责任单位：县委编办、县司法局、县各相关部门）
2、规范中介服务，6月底前清理规范行政审批中介服务事项。(牵头单位:县政务服务中心;责任单位:县发改局)
（二）优化法治化营商环境
3、开展涉企行政执法专项监督，检查企业不少于50家。（牵头单位：县司法局；配合单位：县市场监管局、县住房和城乡建设局）
二、提升行政复议应诉质效
4、加强行政复议规范化建设，年底前实现复议案件网上申请率达到30%以上。（责任单位：县司法局）
"""


def test_county_plan_with_three_levels_and_split_lines() -> None:
    plan = parse_plan(COUNTY)
    assert (plan.title, plan.year, plan.issued_on) == (
        "湘江县2025年法治政府建设工作计划",
        2025,
        None,
    )
    found = tasks(COUNTY)
    assert [t["number"] for t in found] == ["1", "2", "3", "4"]
    assert found[0]["text"].startswith("持续推进“放管服”改革，10月底前")
    assert "清单事项公开率达到100%。" in found[0]["text"]  # the second line joined on
    assert found[0]["responsible_units"] == ["县委编办", "县司法局", "县各相关部门"]
    assert (found[1]["lead_units"], found[1]["responsible_units"]) == (
        ["县政务服务中心"],
        ["县发改局"],
    )
    assert found[2]["cooperating_units"] == ["县市场监管局", "县住房和城乡建设局"]
    assert dates(found[0]) == [("10月底前", "2025-10-31")]
    assert dates(found[1]) == [("6月底前", "2025-06-30")]
    assert targets(found[0]) == [(">=", 100, "%")]
    assert targets(found[2]) == [(">=", 50, "家")]
    assert dates(found[3]) == [("年底前", "2025-12-31")]
    assert targets(found[3]) == [(">=", 30, "%")]
    sections = parse_plan(COUNTY).sections
    assert [(s.number, s.title, len(s.tasks)) for s in sections] == [
        ("一", "深化行政体制改革", 3),
        ("二", "提升行政复议应诉质效", 1),
    ]


VERB_STYLE = """某区2024年依法行政工作要点
1. 健全重大行政决策程序，重大行政决策事项目录于上半年向社会公布（区司法局牵头，区政府办配合）。
2. 加强合法性审查，审查意见在收到送审稿之日起20个工作日内出具，审查率保持100%。（区司法局负责）
3. 开展普法中期评估，10月中旬前完成，组织旁听庭审2次。（区委宣传部、区司法局牵头，各街道配合）
4. 推进柔性执法，轻微违法不予处罚事项清单覆盖90%以上执法领域。
"""


def test_verb_style_units_and_no_sections() -> None:
    plan = parse_plan(VERB_STYLE)
    assert [(s.number, s.title) for s in plan.sections] == [("", "")]
    found = tasks(VERB_STYLE)
    assert len(found) == 4
    assert (found[0]["lead_units"], found[0]["cooperating_units"]) == (["区司法局"], ["区政府办"])
    assert found[1]["responsible_units"] == ["区司法局"]
    assert found[2]["lead_units"] == ["区委宣传部", "区司法局"]
    assert found[2]["cooperating_units"] == ["各街道"]
    assert (found[3]["lead_units"], found[3]["responsible_units"]) == ([], [])
    assert dates(found[0]) == [("上半年", "2024-06-30")]
    assert dates(found[1]) == [("在收到送审稿之日起20个工作日内", None)]
    assert dates(found[2]) == [("10月中旬前", "2024-10-20")]
    assert targets(found[1]) == [("=", 100, "%")]
    assert targets(found[2]) == [("=", 2, "次")]
    assert targets(found[3]) == [(">=", 90, "%")]


HEADINGS = """2026年全县法治政府建设重点任务清单
一、加强党的领导（牵头单位：县委依法治县办）
（一）落实述法制度。第一季度完成2025年度述法。
（二）开展法治督察。下半年开展专项督察不少于1次。
二、严格规范公正文明执法
（三）推行执法“三项制度”。【牵头单位：县司法局】
1.全面推行行政执法公示，执法信息自作出决定之日起7日内公开；
2.行政执法案卷评查合格率不低于95%；
3.年内完成执法人员全员轮训。
（四）深化综合行政执法改革。【责任单位：各镇区、县综合行政执法局】
"""


def test_units_on_headings_and_inherited() -> None:
    found = tasks(HEADINGS)
    assert [t["number"] for t in found] == ["（一）", "（二）", "（三）", "（四）"]
    # 一、 names the lead unit; its tasks name none and take it
    assert found[0]["lead_units"] == ["县委依法治县办"]
    assert found[1]["lead_units"] == ["县委依法治县办"]
    # （三） names its unit; its numbered points are part of its text, not tasks
    assert found[2]["lead_units"] == ["县司法局"]
    assert "执法人员全员轮训" in found[2]["text"]
    assert dates(found[2]) == [("自作出决定之日起7日内", None), ("年内", "2026-12-31")]
    assert targets(found[2]) == [(">=", 95, "%")]
    assert found[3]["responsible_units"] == ["各镇区", "县综合行政执法局"]
    assert dates(found[0]) == [("第一季度", "2026-03-31")]
    assert dates(found[1]) == [("下半年", "2026-12-31")]
    assert targets(found[1]) == [(">=", 1, "次")]


NOTICE = """关于印发《2024年度法治政府建设工作安排》的通知
各镇区人民政府，县直各单位：
现将《2024年度法治政府建设工作安排》印发给你们，请认真贯彻执行。

一、规范性文件管理
①2024年6月底前完成规章和规范性文件清理；② 清理结果于发布之日起15日内报送备案。
(牵头部门:县司法局; 协办单位:各镇区、县直各单位)
二、依法决策
（一）第四季度开展重大行政决策后评估，
评估事项不少于3项。
[责任部门：县发改局、县财政局]

湘江县人民政府办公室
2024年2月28日
"""


def test_notice_with_signature_circled_points_and_ascii_brackets() -> None:
    plan = parse_plan(NOTICE)
    assert plan.title == "2024年度法治政府建设工作安排"
    assert (plan.year, plan.issued_on) == (2024, D(2024, 2, 28))
    found = tasks(NOTICE)
    assert len(found) == 2  # ① and ② are points of one item, the units are under both
    first, second = found
    assert (first["lead_units"], first["cooperating_units"]) == (
        ["县司法局"],
        ["各镇区", "县直各单位"],
    )
    assert dates(first) == [("2024年6月底前", "2024-06-30"), ("于发布之日起15日内", None)]
    assert second["responsible_units"] == ["县发改局", "县财政局"]
    assert dates(second) == [("第四季度", "2024-12-31")]
    assert targets(second) == [(">=", 3, "项")]
    assert "湘江县人民政府办公室" not in second["text"]  # the 落款 is not task text


def test_year_option_and_gbk_file() -> None:
    text = "工作要点\n一、总体\n（一）9月30日前完成清理。（牵头单位：县司法局）\n"
    assert parse_plan(text).year is None
    found = tasks(text, year=2027)
    assert dates(found[0]) == [("9月30日前", "2027-09-30")]
    assert decode(text.encode("gb18030")) == text
    assert decode(("\ufeff" + text).encode("utf-8")) == text


# --- pieces ----------------------------------------------------------
def test_unit_names_are_not_split_inside() -> None:
    text, units = extract_units("完成任务。（牵头单位：县住房和城乡建设局、县自然资源和规划局等）")
    assert text == "完成任务。"
    assert units == {"lead_units": ["县住房和城乡建设局", "县自然资源和规划局"]}
    assert extract_units("在（2024）年度内完成")[1] == {}


def test_deadline_forms() -> None:
    found = [(d.text, d.date) for d in find_deadlines("3月上旬、11月下旬前、2月30日前", 2024)]
    assert found == [
        ("3月上旬", D(2024, 3, 10)),
        ("11月下旬前", D(2024, 11, 30)),
        ("2月30日前", None),
    ]
    assert [d.date for d in find_deadlines("2025年底前", 2024)] == [D(2025, 12, 31)]
    assert [d.date for d in find_deadlines("二季度末", 2024)] == [D(2024, 6, 30)]
    assert find_deadlines("5月1日起施行", 2024) == []  # a start, not a deadline


def test_target_forms() -> None:
    found = [
        (t.op, t.value, t.unit) for t in find_targets("不超过15天，投诉率低于2％，不得少于3人")
    ]
    assert found == [("<=", 15.0, "天"), ("<", 2.0, "%"), (">=", 3.0, "人")]


def test_numbers() -> None:
    assert [cn_number(n) for n in ("一", "十", "十二", "二十三", "7", "③")] == [1, 10, 12, 23, 7, 3]


def test_text_without_numbered_items_is_refused() -> None:
    with pytest.raises(PlanParseError, match="未找到编号条目"):
        parse_plan("这是一段没有编号的文字。\n第二段。")


ARABIC = """关于2025年度依法行政重点工作的安排
1.健全制度
（1）完善行政规范性文件合法性审核机制，第四季度末前出台审核细则。
【主责单位：县司法局；
配合部门：县各相关部门】
（2）建立行政执法监督平台，上半年上线运行，覆盖率达到80%以上。【责任部门：县数据资源局】
2.强化监督
（1）开展法治政府建设督察。年内督察乡镇不少于10个。（牵头单位：县委依法治县办 责任单位：各镇区）
"""


def test_arabic_numbering_and_a_bracket_split_across_lines() -> None:
    plan = parse_plan(ARABIC)
    assert plan.year == 2025 and plan.title == "关于2025年度依法行政重点工作的安排"
    assert [(s.number, s.title) for s in plan.sections] == [("1", "健全制度"), ("2", "强化监督")]
    found = tasks(ARABIC)
    assert [t["number"] for t in found] == ["（1）", "（2）", "（1）"]
    assert (found[0]["responsible_units"], found[0]["cooperating_units"]) == (
        ["县司法局"],
        ["县各相关部门"],
    )
    assert dates(found[0]) == [("第四季度末前", "2025-12-31")]
    assert found[1]["responsible_units"] == ["县数据资源局"]
    assert dates(found[1]) == [("上半年", "2025-06-30")]
    assert targets(found[1]) == [(">=", 80, "%")]
    assert (found[2]["lead_units"], found[2]["responsible_units"]) == (
        ["县委依法治县办"],
        ["各镇区"],
    )
    assert dates(found[2]) == [("年内", "2025-12-31")]
    assert targets(found[2]) == [(">=", 10, "个")]
