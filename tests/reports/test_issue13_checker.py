"""Issue 13 item 9: the report checker maps figures by what the sentence counts, leaves numbers
inside rules alone, reads lists and Chinese numerals, checks rates against their counts, and
treats an unusual part order as a note."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fazhi.reports.checker import NOTE, PROBLEM, CheckResult, check_text

WANGCHENG = Path(__file__).parent / "data" / "wangcheng-2023-annual-report.txt"


def coded(text: str) -> list[tuple[str, str | None]]:
    return [(f.display, f.metric_code) for f in check_text(text).figures]


def mismatches(result: CheckResult) -> list[str]:
    return [f.message for f in result.findings if f.kind == "rate_mismatch"]


# --- what the sentence counts -----------------------------------------------------------------
def test_a_coordinated_withdrawal_is_the_resolution_numerator_not_received() -> None:
    """“经协调申请人撤回…申请案件N件” counts withdrawals (in 实质性化解率), not applications."""
    text = "全年审结行政复议案件20件，经协调申请人撤回行政复议申请案件6件，实质性化解率30%。"
    assert coded(text) == [
        ("20件", "reconsideration.closed"),
        ("6件", "reconsideration.withdrawn_resolved"),
        ("30%", "reconsideration.resolution_rate"),
    ]
    # without 协调/和解 it is a withdrawal still, never 收案数
    assert coded("行政复议申请人撤回申请2件。") == [("2件", "reconsideration.withdrawn")]


def test_annul_confirm_illegal_order_to_perform_is_the_correction_count() -> None:
    text = "全年审结行政复议案件20件，其中决定撤销、确认违法、责令履行3件，纠错率15%。"
    assert coded(text) == [
        ("20件", "reconsideration.closed"),
        ("3件", "reconsideration.corrected"),
        ("15%", "reconsideration.correction_rate"),
    ]
    assert coded("作为被申请人的行政复议案件5件，被撤销1件。") == [
        ("5件", "reconsideration.respondent_cases"),
        ("1件", "reconsideration.respondent_corrected"),
    ]


def test_a_number_inside_a_rule_is_not_a_figure() -> None:
    text = (
        "建立败诉案件分析制度，每5起败诉案件为一个时间节点开展集中剖析。"
        "要求各部门主要负责人每年出庭应诉不少于2次。"
        "全年组织执法培训不少于30次。"
    )
    result = check_text(text)
    # 5 (every 5 cases) and 2 (the requirement) are rules; 30 is what was done, approximately
    assert [(f.display, f.approx) for f in result.figures] == [("30次", True)]


def test_several_counts_in_one_list_some_without_a_unit_are_each_found() -> None:
    result = check_text("全年共印发党组会议纪要12、常务会议纪要15、议题140项。")
    assert [(f.display, f.written) for f in result.figures] == [
        ("12项", "12"),
        ("15项", "15"),
        ("140项", "140项"),
    ]
    # list markers, ordinals and years are not list members
    text = "1、全年办结12件；第1、2批共30家；2022、2023年分别办理12、15件。"
    assert [f.display for f in check_text(text).figures] == ["12件", "30家", "12件", "15件"]


# --- rates against their counts ---------------------------------------------------------------
def test_a_rate_that_disagrees_with_its_counts_is_reported() -> None:
    wrong = check_text("全年审结行政复议案件20件，其中纠错3件，纠错率25%。")
    assert mismatches(wrong) == [
        "纠错率写为25%，按文中的纠错数3件、结案数20件计算为15.0%，两者不符"
    ]
    assert [f.level for f in wrong.findings if f.kind == "rate_mismatch"] == [PROBLEM]
    assert wrong.summary()["problems"] == 6  # five parts missing, one rate
    text = wrong.format_text()
    assert "数据核对：1处比率与文中件数不符" in text
    assert "[不符] 第1行：纠错率写为25%" in text
    right = check_text("全年审结行政复议案件20件，其中纠错3件，纠错率15%。")
    assert mismatches(right) == []


def test_rate_checks_follow_the_relation_of_their_counts() -> None:
    # 败诉率 = 败诉数 ÷ 结案数 (equal), rounded as written
    assert mismatches(check_text("全年行政应诉案件8件，审结6件，败诉1件，败诉率16.7%。")) == []
    assert mismatches(check_text("全年行政应诉案件8件，审结6件，败诉1件，败诉率50%。")) == [
        "败诉率写为50%，按文中的败诉数1件、结案数6件计算为16.7%，两者不符"
    ]
    # 实质性化解率 counts at least the coordinated withdrawals and 调解
    fine = "全年审结行政复议案件20件，经协调申请人撤回申请6件，实质性化解率45%。"
    assert mismatches(check_text(fine)) == []
    low = "全年审结行政复议案件20件，经协调申请人撤回申请6件，实质性化解率20%。"
    assert mismatches(check_text(low)) == [
        "实质性化解率写为20%，低于按文中的协调、和解后撤回数6件、结案数20件计算的30.0%"
        "（这些件数都计入实质性化解率的分子）"
    ]
    # 按期完成率 cannot exceed 已完成 ÷ 到期
    high = "年度工作计划到期任务36项，已完成30项，按期完成率90%。"
    assert mismatches(check_text(high)) == [
        "按期完成率写为90%，高于按文中的已完成任务数30项、到期任务数36项计算的83.3%"
        "（按期完成率不会高于这一比例）"
    ]
    assert mismatches(check_text(high.replace("90%", "77.8%"))) == []


def test_counts_of_one_kind_are_added_up() -> None:
    """撤销3件、确认违法2件 are both 纠错数: 5 ÷ 20 = 25%."""
    text = "全年审结行政复议案件20件，其中维持12件、撤销3件、确认违法2件，纠错率25%。"
    assert mismatches(check_text(text)) == []
    assert len(mismatches(check_text(text.replace("25%", "40%")))) == 1


# --- part order ----------------------------------------------------------------------------------
REORDERED = """某区2023年法治政府建设年度报告
一、区政府主要负责同志履行推进法治建设第一责任人职责情况
区长主持召开区政府常务会议12次。
二、2023年推进法治政府建设的主要举措和成效
精简行政许可事项18项。
三、存在的问题及原因
执法力量不足。
四、2024年主要安排
深化改革。
五、其他需要报告的情况
无。
"""


def test_an_unusual_part_order_is_a_note_not_a_defect() -> None:
    result = check_text(REORDERED)
    assert result.order == [3, 1, 2, 4, 5]
    assert [(f.kind, f.level) for f in result.findings] == [("part_order", NOTE)]
    assert result.summary()["problems"] == 0 and result.summary()["notes"] == 1
    assert "与通常的顺序不同，仅作提示，不是缺项" in result.format_text()
    assert check_text(REORDERED).as_dict()["findings"] == [
        {
            "kind": "part_order",
            "level": "note",
            "message": "各部分的出现顺序为三、一、二、四、五，与通常的顺序不同；"
            "规定未要求顺序，仅作提示",
            "line": None,
        }
    ]


# --- Chinese numerals -------------------------------------------------------------------------
def test_figures_in_chinese_numerals_are_read() -> None:
    text = (
        "开展两轮执法资格考试，办理案件一百二十件，群众满意率达百分之九十五，三百余人参加，"
        "投入两万元，培训二十五点五学时。"
    )
    got = [(f.value, f.unit, f.approx, f.written) for f in check_text(text).figures]
    assert got == [
        ("2", "轮", False, "两轮"),
        ("120", "件", False, "一百二十件"),
        ("95", "%", False, "百分之九十五"),
        ("300", "人", True, "三百余人"),
        ("2", "万元", False, "两万元"),
        ("25.5", "学时", False, "二十五点五学时"),
    ]
    assert check_text(text).figures[1].number == Decimal(120)


def test_chinese_numerals_in_names_and_words_are_not_figures() -> None:
    text = (
        "做到“两个维护”，落实“三项制度”，第五次会议，十分重要，三番五次，一个平台，"
        "三四个部门，二〇二三年，“两代表一委员”，《十四五规划》，一次性告知，"
        "重点抓好以下七个方面的工作，再强调三个问题。"
    )
    assert check_text(text).figures == []


def test_chinese_numerals_are_mapped_and_checked_like_digits() -> None:
    text = "全年审结行政复议案件二十件，其中纠错五件，纠错率百分之四十。"
    result = check_text(text)
    assert [(f.display, f.metric_code) for f in result.figures] == [
        ("20件", "reconsideration.closed"),
        ("5件", "reconsideration.corrected"),
        ("40%", "reconsideration.correction_rate"),
    ]
    assert mismatches(result) == [
        "纠错率写为40%，按文中的纠错数5件、结案数20件计算为25.0%，两者不符"
    ]


def test_the_seed_report_chinese_numeral_counts() -> None:
    """望城区 2023: 两项工作, 两轮考试, 两家法律服务所, 三项专项行动 — and nothing from its names
    (“七进”, “三项制度”, “两代表一委员”, “一规划两方案”) or 第五次."""
    result = check_text(WANGCHENG.read_text(encoding="utf-8"))
    chinese = [
        (f.line, f.display, f.written)
        for f in result.figures
        if not any(c.isdigit() for c in f.written)
    ]
    assert chinese == [
        (11, "2项", "两项"),
        (25, "2轮", "两轮"),
        (29, "2家", "两家"),
        (41, "3项", "三项"),
    ]
    assert "2轮（原文“两轮”）" in result.format_text()


# --- the demo county's reports ------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.usefixtures("demo_county")
def test_every_demo_report_agrees_with_its_own_rates() -> None:
    """The drafter writes rates and their counts from the metric engine: the checker's rate
    rules (figure_patterns.json ``rate_checks``) must agree with the metric definitions, so no
    demo report shows a mismatch."""
    from fazhi.reports import selectors, tokens
    from fazhi.reports.models import AnnualReport

    checked = 0
    for report in AnnualReport.objects.select_related("unit"):
        displays = {f.code: f.display for f in selectors.figures_of(report)}
        text = "\n".join(
            [report.title]
            + [
                f"{p.heading}\n{tokens.render(p.body, displays)}"
                for p in selectors.parts_of(report)
            ]
        )
        result = check_text(text)
        assert mismatches(result) == [], report.unit.short_name
        # a rate checked: 纠错率 with 纠错数 and 结案数 (or 败诉率 with its counts) in one paragraph
        for rate, counts in (
            (
                "reconsideration.correction_rate",
                {"reconsideration.corrected", "reconsideration.closed"},
            ),
            ("litigation.loss_rate", {"litigation.losses", "litigation.closed"}),
        ):
            for line in {f.line for f in result.figures if f.metric_code == rate}:
                codes = {f.metric_code for f in result.figures if f.line == line}
                checked += counts <= codes
    assert checked  # the demo reports state rates with their counts
