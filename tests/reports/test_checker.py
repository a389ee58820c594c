"""The annual-report checker (fazhi.reports.checker): parts, year, figures and metric codes."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from fazhi.reports import checker
from fazhi.reports.checker import CheckResult, Figure, check_text

DATA = Path(__file__).parent / "data"
#: A copy of ../shared/seeds/wangcheng-2023-annual-report.txt (a published government report), kept
#: with the tests so that a fresh clone runs them.
WANGCHENG = DATA / "wangcheng-2023-annual-report.txt"
RULES = Path(checker.__file__).parent / "fixtures" / "report_rules.json"


def found(result: CheckResult) -> dict[int, tuple[int | None, int | None]]:
    """Part number → (line, level) for the parts found."""
    return {p.number: (p.line, p.level) for p in result.parts if p.found}


def figs(result: CheckResult) -> list[tuple[str, int | None, str | None]]:
    """(value+unit, part, metric code) for each figure, in text order."""
    return [(f.display, f.part, f.metric_code) for f in result.figures]


# --- the real report: 望城区 2023 ------------------------------------------------------------
@pytest.fixture(scope="module")
def wangcheng() -> CheckResult:
    return check_text(WANGCHENG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def truth() -> list[dict[str, object]]:
    data = json.loads((DATA / "wangcheng_figures.json").read_text(encoding="utf-8"))
    figures: list[dict[str, object]] = data["figures"]
    return figures


def test_wangcheng_parts_and_year(wangcheng: CheckResult) -> None:
    # The report has 一 举措和成效, 二 第一责任人, 三 不足和原因, 四 2024年主要安排; no 其他.
    assert wangcheng.year == 2023
    assert found(wangcheng) == {1: (13, 1), 3: (31, 1), 2: (35, 1), 4: (39, 1)}
    assert wangcheng.missing_parts == [5]
    assert wangcheng.order == [1, 3, 2, 4]
    assert wangcheng.parts[0].heading == "一、2023年度推进法治政府建设的主要举措和成效"
    assert [p.number for p in wangcheng.parts] == [1, 2, 3, 4, 5]


def test_wangcheng_figures_recall_and_precision(
    wangcheng: CheckResult, truth: list[dict[str, object]]
) -> None:
    expected = Counter((Decimal(str(t["value"])), str(t["unit"])) for t in truth)
    got = Counter((f.number, f.unit) for f in wangcheng.figures)
    hits = sum((expected & got).values())
    recall = hits / sum(expected.values())
    precision = hits / sum(got.values())
    assert len(truth) == 63  # 59 in Arabic digits, 4 in Chinese numerals (两轮 …)
    assert recall >= 0.9, f"recall {recall:.3f}; missed {expected - got}"
    assert precision >= 0.9, f"precision {precision:.3f}; extra {got - expected}"


def test_wangcheng_figure_details(wangcheng: CheckResult, truth: list[dict[str, object]]) -> None:
    matched = 0
    for t in truth:
        key = (int(str(t["line"])), Decimal(str(t["value"])), str(t["unit"]))
        snippet = str(t["snippet"])
        same = [
            f
            for f in wangcheng.figures
            if (f.line, f.number, f.unit) == key and (snippet in f.phrase or f.phrase in snippet)
        ]
        if not same:
            continue
        matched += 1
        assert same[0].approx == t["approx"], t
        assert same[0].metric_code == t.get("metric_code"), t
    assert matched >= 0.9 * len(truth)
    # Parts: lines 17–29 are in part 一, line 33 in part 三 (第一责任人); line 11 (两项工作) is
    # the preamble, before any part.
    assert {f.part for f in wangcheng.figures if 17 <= f.line < 30} == {1}
    assert {f.part for f in wangcheng.figures if f.line == 11} == {None}
    assert {f.part for f in wangcheng.figures if f.line == 33} == {3}


# --- the draft generator's sentences ----------------------------------------------------------
GENERATOR = [
    (
        "全年收到行政复议申请12件，受理10件，不予受理2件，审结9件，其中纠错3件，纠错率33.3%；"
        "调解和解率22.2%，实质性化解率44.4%，法定期限内结案率100%，平均办理41.5天。",
        [
            ("12件", "reconsideration.received"),
            ("10件", "reconsideration.accepted"),
            ("2件", "reconsideration.refused"),
            ("9件", "reconsideration.closed"),
            ("3件", "reconsideration.corrected"),
            ("33.3%", "reconsideration.correction_rate"),
            ("22.2%", "reconsideration.mediation_rate"),
            ("44.4%", "reconsideration.resolution_rate"),
            ("100%", "reconsideration.on_time_rate"),
            ("41.5天", "reconsideration.avg_days"),
        ],
    ),
    (
        "作为被申请人的行政复议案件5件，被纠错1件。",
        [
            ("5件", "reconsideration.respondent_cases"),
            ("1件", "reconsideration.respondent_corrected"),
        ],
    ),
    (
        "全年行政应诉案件8件，审结6件，败诉1件，败诉率16.7%；"
        "行政机关负责人出庭应诉率（按案件）87.5%，按庭次计算为80%。",
        [
            ("8件", "litigation.cases"),
            ("6件", "litigation.closed"),
            ("1件", "litigation.losses"),
            ("16.7%", "litigation.loss_rate"),
            ("87.5%", "litigation.head_rate_case"),
            ("80%", "litigation.head_rate_hearing"),
        ],
    ),
    (
        "年度工作计划到期任务36项，已完成30项，按期完成率77.8%；逾期任务6项，其中逾期未完成2项。",
        [
            ("36项", "plans.assignments_due"),
            ("30项", "plans.completed_count"),
            ("77.8%", "plans.on_time_rate"),
            ("6项", "plans.overdue"),
            ("2项", "plans.overdue_open"),
        ],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), GENERATOR)
def test_generator_sentences_map_to_codes(sentence: str, expected: list[tuple[str, str]]) -> None:
    result = check_text(sentence)
    assert [(f.display, f.metric_code) for f in result.figures] == expected


def test_generator_sentences_in_one_paragraph() -> None:
    """Topic words are taken from the figure's own sentence, the nearest before it: 审结 after
    the 行政复议 sentence is a litigation figure when its sentence is about 应诉."""
    text = "".join(s for s, _ in GENERATOR)
    got = [(f.display, f.metric_code) for f in check_text(text).figures]
    assert got == [pair for _, expected in GENERATOR for pair in expected]


def test_figure_sentences_of_the_report_rules_map_to_their_codes() -> None:
    """Every clause the draft generator can write for the registers the checker knows (复议,
    应诉, 计划: their kits' report_sentences.json, merged by reports.rules) maps to the code of
    its token, with a sample value in the metric's display unit."""
    from fazhi.reports import rules as report_rules

    known = ("reconsideration.", "litigation.", "plans.")
    rules = {
        "figure_sentences": [
            s for s in report_rules.figure_sentences() if str(s["when"]).startswith(known)
        ],
        "part3_figures": [
            s for s in report_rules.part3_figures() if str(s["when"]).startswith(known)
        ],
    }
    assert len(rules["figure_sentences"]) == 4 and len(rules["part3_figures"]) == 1
    units = {
        "rate": "%",
        "avg_days": "天",
        "plans.": "项",
    }
    token = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")

    def sample(code: str) -> str:
        unit = next((u for k, u in units.items() if k in code), "件")
        return f"{7 + len(code) % 5}{unit}"

    specs = [*rules["figure_sentences"]]
    for spec in specs:
        text = "；".join("，".join(group) for group in spec["groups"]) + "。"
        codes = token.findall(text)
        rendered = token.sub(lambda m: sample(m.group(1)), text)
        assert [f.metric_code for f in check_text(rendered).figures] == codes, rendered
    for spec in rules.get("part3_figures", []):
        codes = token.findall(spec["text"])
        rendered = token.sub(lambda m: sample(m.group(1)), spec["text"])
        assert [f.metric_code for f in check_text(rendered).figures] == codes, rendered


def test_clause_words_go_with_the_following_figure() -> None:
    result = check_text("本年度行政复议受理10件、不予受理2件、办结11件。")
    assert [(f.display, f.metric_code) for f in result.figures] == [
        ("10件", "reconsideration.accepted"),
        ("2件", "reconsideration.refused"),
        ("11件", "reconsideration.closed"),
    ]
    assert {f.phrase for f in result.figures} == {"本年度行政复议受理10件、不予受理2件、办结11件"}


def test_no_code_without_the_topic() -> None:
    """受理, 审结, 调解率 outside a 复议/应诉 sentence are not platform metrics."""
    text = "全区人民调解委员会受理纠纷8989起，审结8000件，调解成功率达98%。"
    assert [f.metric_code for f in check_text(text).figures] == [None, None, None]


# --- constructed reports ----------------------------------------------------------------------
TEMPLATE_REPORT = """某某县2023年法治政府建设年度报告
　　2023年，某某县坚持以习近平新时代中国特色社会主义思想为指导。现将有关情况报告如下。
一、主要举措和成效
（一）依法全面履行政府职能
　　全年办理政务服务事项１２３４５件，群众满意率９８．５％。根据《某某办法》（某政发〔2023〕5号）第二十四条、第24条和第3号公告，于2023年3月1日起施行。
（二）严格规范公正文明执法
　　1.开展案卷评查。共评查案卷３００余件，发现问题12个。（3）组织培训4次，培训执法人员1,200人次，投入经费1.2万元。
二、存在的不足和原因
　　一是执法队伍力量不足。二是法治宣传不够深入。
三、党政主要负责人履行推进法治建设第一责任人职责情况
　　县长带头出庭应诉3次，主持召开政府常务会议专题研究法治政府建设2次。
四、2024年主要安排
　　力争行政复议纠错率降至15%以下。
五、其他需要报告的情况
　　无。
某某县人民政府
2024年3月20日
"""


def test_template_report_with_full_width_digits() -> None:
    result = check_text(TEMPLATE_REPORT)
    assert result.year == 2023
    assert found(result) == {1: (3, 1), 2: (8, 1), 3: (10, 1), 4: (12, 1), 5: (14, 1)}
    assert result.missing_parts == []
    assert result.order == [1, 2, 3, 4, 5]
    assert figs(result) == [
        ("12345件", 1, None),
        ("98.5%", 1, None),
        ("300件", 1, None),
        ("12个", 1, None),
        ("4次", 1, None),
        ("1,200人次", 1, None),
        ("1.2万元", 1, None),
        ("3次", 3, None),
        ("2次", 3, None),
        ("15%", 4, "reconsideration.correction_rate"),
    ]
    by_display = {f.display: f for f in result.figures}
    assert by_display["300件"].approx is True
    assert by_display["1,200人次"].number == Decimal("1200")
    assert by_display["1.2万元"].number == Decimal("1.2")
    assert by_display["98.5%"].phrase == "群众满意率９８．５％"
    assert by_display["12345件"].line == 5


REORDERED_REPORT = """天津市某区人民政府关于2023年度法治政府建设情况的报告
一、区政府主要负责同志履行推进法治建设第一责任人职责情况
区长主持召开区政府常务会议12次，其中专题研究法治政府建设3次。
二、2023年推进法治政府建设的主要举措和成效
（一）依法全面履行政府职能
精简行政许可事项18项，515项政务服务事项实现“一网通办”。
（二）加强行政复议和应诉工作
全年收到行政复议申请12件，受理10件，不予受理2件，审结9件，其中纠错3件，纠错率33.3%；调解和解率22.2%，实质性化解率44.4%，法定期限内结案率100%，平均办理41.5天。
三、存在的问题及原因
一是部分执法人员能力不足。
四、2024年重点工作
一、深化行政执法体制改革。
二、推进示范创建，力争完成创建任务30项。
"""


def test_reordered_report_without_part_five() -> None:
    result = check_text(REORDERED_REPORT)
    assert result.year == 2023
    assert found(result) == {3: (2, 1), 1: (4, 1), 2: (9, 1), 4: (11, 1)}
    assert result.missing_parts == [5]
    assert result.order == [3, 1, 2, 4]
    assert [f.display for f in result.figures][:4] == ["12次", "3次", "18项", "515项"]
    assert [f.part for f in result.figures] == [3, 3] + [1] * 12 + [4]
    assert result.figures[-1].display == "30项"
    assert result.figures[-1].metric_code is None
    assert [f.metric_code for f in result.figures[4:14]] == [c for _, c in GENERATOR[0][1]]


QINGSHUI_REPORT = """清水县法治政府建设工作情况报告
一、工作开展情况
2023年，我县扎实推进法治政府建设。2023年共办理行政执法案件56件，2022年为40件。
（一）加强组织领导。2023年召开专题会议3次。
二、存在的问题
执法人员专业素养有待提高。
三、下一步工作打算
2024年，我县将持续深化法治政府建设，计划开展培训10场。
"""


def test_three_part_report_year_from_part_one() -> None:
    result = check_text(QINGSHUI_REPORT)
    assert result.year == 2023  # no year in the title: the most frequent in part 一
    assert found(result) == {1: (2, 1), 2: (5, 1), 4: (7, 1)}
    assert result.missing_parts == [3, 5]
    assert figs(result) == [
        ("56件", 1, None),
        ("40件", 1, None),
        ("3次", 1, None),
        ("10场", 4, None),
    ]


DEPARTMENT_REPORT = """某市某局2023年法治政府建设年度报告
一、深入学习贯彻习近平法治思想
（一）加强党的全面领导，履行推进法治建设第一责任人职责
局党组召开会议研究法治工作4次。
（二）开展学法活动
组织集中学法6场。
二、严格规范公正文明执法
办理行政处罚案件35件，罚没款12.6万元。
三、存在的问题和下一步工作打算
执法力量仍然不足。下一步，将加强执法队伍建设。
其他需要报告的情况
无。
"""


def test_chapter_report_with_merged_and_bare_headings() -> None:
    """Part 一 by 纲要 chapter (no heading names it), 第一责任人 only as a sub-heading, 不足 and
    安排 under one heading, and 其他 as a bare line."""
    result = check_text(DEPARTMENT_REPORT)
    assert result.year == 2023
    assert found(result) == {1: (2, 1), 3: (3, 2), 2: (9, 1), 4: (9, 1), 5: (11, 1)}
    assert result.missing_parts == []
    assert figs(result) == [
        ("4次", 3, None),
        ("6场", 1, None),
        ("35件", 1, None),
        ("12.6万元", 1, None),
    ]
    assert "仅作为小标题出现" in result.format_text()


def test_part_three_first_as_chapter() -> None:
    """第X部分 headings: 一、 lines inside them are sub-headings."""
    text = (
        "2023年度法治政府建设报告\n第一部分 主要举措和成效\n一、加强复议工作\n"
        "第二部分 存在的不足和原因\n一、不足之一\n第三部分 下一年度主要安排\n"
    )
    result = check_text(text)
    assert found(result) == {1: (2, 1), 2: (4, 1), 4: (6, 1)}


# --- what is not a figure ---------------------------------------------------------------------
def test_skips_dates_document_numbers_ordinals_and_articles() -> None:
    text = (
        "根据《行政复议法》第24条、第二十四条和〔2023〕5号文件，自2023年3月1日起，"
        "1.全年办结12件；（3）共13人；第1、2批共30家；12345市民热线受理诉求3,456件，"
        "5G基站20座，9时30分开会，合计4省25市，2024-01-31发布。"
    )
    result = check_text(text)
    assert [f.display for f in result.figures] == [
        "12件",
        "13人",
        "30家",
        "3,456件",
        "20座",
        "4省",
        "25市",
    ]


def test_approximate_figures() -> None:
    text = (
        "招募200余名调解员，培训约70%，超过1000万元，3万余人，95.5%以上，300多人，近5年8次，"
        "至少2期。"
    )
    result = check_text(text)
    got = [(f.value, f.unit, f.approx) for f in result.figures]
    assert got == [
        ("200", "名", True),
        ("70", "%", True),
        ("1000", "万元", True),
        ("3", "万人", True),
        ("95.5", "%", True),
        ("300", "人", True),
        ("8", "次", False),
        ("2", "期", True),
    ]


def test_phrase_line_and_types() -> None:
    result = check_text("标题\n\n全年办理案件156件，同比增长12.5％；其中当场办结3000余件。")
    assert [(f.line, f.phrase) for f in result.figures] == [
        (3, "全年办理案件156件"),
        (3, "同比增长12.5％"),
        (3, "其中当场办结3000余件"),
    ]
    f = result.figures[1]
    assert isinstance(f, Figure)
    assert (f.value, f.number, f.unit) == ("12.5", Decimal("12.5"), "%")
    assert result.figures[2].unit == "件"
    assert result.figures[2].approx


# --- output -----------------------------------------------------------------------------------
def test_as_dict_is_json_ready(wangcheng: CheckResult) -> None:
    data = json.loads(json.dumps(wangcheng.as_dict(), ensure_ascii=False))
    assert set(data) == {"year", "parts", "figures", "findings", "summary"}
    assert data["year"] == 2023
    assert len(data["parts"]) == 5
    assert data["parts"][4] == {
        "number": 5,
        "name": "其他需要报告的情况",
        "found": False,
        "heading": None,
        "line": None,
        "level": None,
    }
    assert set(data["figures"][0]) == {
        "value",
        "written",
        "number",
        "unit",
        "approx",
        "phrase",
        "line",
        "part",
        "metric_code",
    }
    summary = data["summary"]
    assert summary["parts_found"] == 4
    assert summary["parts_missing"] == [5]
    assert summary["order"] == [1, 3, 2, 4]
    assert summary["figures"] == len(data["figures"])
    assert summary["figures_mapped"] == 1
    assert summary["figures_by_metric"] == {"litigation.head_rate_case": 1}
    assert sum(summary["figures_by_part"].values()) == summary["figures"]


def test_format_text(wangcheng: CheckResult) -> None:
    text = wangcheng.format_text()
    assert "报告年度：2023年" in text
    assert "五项中已有4项" in text
    assert "[缺] 五、其他需要报告的情况" in text
    assert "与通常的顺序不同，仅作提示，不是缺项" in text
    assert "litigation.head_rate_case" in text
    assert "第33行｜第三部分｜10525人｜我区参考人数10525人" in text
    assert len(text.splitlines()) == 10 + len(wangcheng.figures)


def test_windows_line_ends() -> None:
    result = check_text(QINGSHUI_REPORT.replace("\n", "\r\n"))
    assert found(result) == {1: (2, 1), 2: (5, 1), 4: (7, 1)}
    assert [(f.line, f.phrase) for f in result.figures][-1] == (8, "计划开展培训10场")


def test_empty_text() -> None:
    result = check_text("")
    assert result.year is None
    assert result.figures == []
    assert result.missing_parts == [1, 2, 3, 4, 5]
    assert "报告年度：未能识别" in result.format_text()


def test_pathological_input_is_fast() -> None:
    text = "\n".join(
        [
            "1," * 50_000 + "件",
            "1" * 50_000 + "件",
            "一、" * 20_000,
            "（一）" + "复议" * 20_000 + "12件，" * 5_000,
            "第1、" * 20_000 + "2批",
        ]
    )
    start = time.perf_counter()
    check_text(text)
    assert time.perf_counter() - start < 5
