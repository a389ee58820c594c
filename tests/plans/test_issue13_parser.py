"""Issue 13 item 10: the plan parser names its targets — one target per rate in “X率、Y率达到100%”,
each with its subject, and “确保Z率100%” (no 达到) is a target too."""

from __future__ import annotations

from typing import Any

from fazhi.plans.parser import find_targets, parse_plan

PLAN = """湘江县2026年法治政府建设工作要点
一、健全依法行政制度体系
（一）加强规范性文件管理。规范性文件备案审核率、行政执法公示率达到100%。（责任单位：县司法局）
（二）提升行政复议质效。确保行政复议决定履行率100%，年底前行政复议案件网上申请率达到30%以上。（责任单位：县司法局）
（三）开展案卷评查。第三季度组织评查，不少于100卷。（责任单位：县司法局）
（四）落实会前学法。会前学法全年不少于4次。（责任单位：县政府办）
"""


def targets(task: dict[str, Any]) -> list[tuple[str, str, str, Any, str]]:
    return [(t["subject"], t["text"], t["op"], t["value"], t["unit"]) for t in task["targets"]]


def test_two_rates_before_one_value_are_two_targets_each_with_its_subject() -> None:
    found = [
        (t.subject, t.text, t.op, t.value, t.unit)
        for t in find_targets("规范性文件备案审核率、行政执法公示率达到100%。")
    ]
    assert found == [
        ("规范性文件备案审核率", "规范性文件备案审核率达到100%", ">=", 100.0, "%"),
        ("行政执法公示率", "行政执法公示率达到100%", ">=", 100.0, "%"),
    ]


def test_ensure_a_rate_without_an_operator_word_is_a_target() -> None:
    found = [
        (t.subject, t.text, t.op, t.value, t.unit)
        for t in find_targets("确保行政复议决定履行率100%。")
    ]
    assert found == [("行政复议决定履行率", "行政复议决定履行率100%", ">=", 100.0, "%")]
    # a rate stated without 确保/力争/实现 … is not read as a target
    assert find_targets("去年审查率100%。") == []


def test_the_plan_names_each_target() -> None:
    plan = parse_plan(PLAN).as_dict()
    tasks = [t for s in plan["sections"] for t in s["tasks"]]
    assert [targets(t) for t in tasks] == [
        [
            ("规范性文件备案审核率", "规范性文件备案审核率达到100%", ">=", 100, "%"),
            ("行政执法公示率", "行政执法公示率达到100%", ">=", 100, "%"),
        ],
        [
            ("行政复议决定履行率", "行政复议决定履行率100%", ">=", 100, "%"),
            # the deadline (年底前) is not part of the subject
            ("行政复议案件网上申请率", "行政复议案件网上申请率达到30%", ">=", 30, "%"),
        ],
        # the subject of a clause that is only the value is the clause before it
        [("组织评查", "组织评查不少于100卷", ">=", 100, "卷")],
        # words of time around the subject are not part of it
        [("会前学法", "会前学法不少于4次", ">=", 4, "次")],
    ]
