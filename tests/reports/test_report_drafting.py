"""The draft composed from the data: the five parts, figures frozen from the metric engine with
their provenance, completed tasks by 纲要 chapter, overdue tasks and missed targets in part 二,
the next year's plan in part 四; and the rules (deadlines, recipients) that are data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from tests.personas import County
from tests.reports.conftest import Data

from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_values
from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.reports import drafting, rules, tokens
from fazhi.reports.services import report_create

pytestmark = pytest.mark.django_db


def test_figures_equal_the_metric_engine(data: Data, frozen: Any) -> None:
    county = data.county
    actor = county.actor("coordinator")
    draft = drafting.compose(actor=actor, unit=county.root, year=2025, now=dt.datetime.now(dt.UTC))
    engine = {
        v.code: v
        for v in metric_values(actor=actor, unit=county.root, period=Period.for_year(2025))
    }
    assert [f.code for f in draft.figures] == list(engine)
    for f in draft.figures:
        v = engine[f.code]
        assert (f.value, f.display, f.numerator, f.denominator, f.version) == (
            v.value,
            v.display,
            Decimal(v.numerator),
            v.denominator,
            v.version,
        )
        assert f.period == "2025"
        assert f.drill_url.startswith(f"/metrics/{f.code}/drill/?unit=430199&period=2025")
    shown = draft.displays
    assert shown["reconsideration.received"] == "5件"
    assert shown["reconsideration.closed"] == "4件"
    assert shown["reconsideration.correction_rate"] == "50.0%"
    assert shown["litigation.head_rate_case"] == "50.0%"


def test_five_parts_with_sentences_tasks_and_prompts(data: Data, frozen: Any) -> None:
    county = data.county
    draft = drafting.compose(
        actor=county.actor("coordinator"), unit=county.root, year=2025, now=dt.datetime.now(dt.UTC)
    )
    assert sorted(draft.parts) == [1, 2, 3, 4, 5]
    assert draft.title == "湘江县人民政府2025年法治政府建设年度报告"
    text = {n: tokens.render(body, draft.displays) for n, body in draft.parts.items()}
    part1 = text[1].splitlines()
    # 纲要 chapters in the template's order, numbered （一）…（十）
    headings = [line for line in part1 if line.startswith("（")]
    assert headings[0] == "（一）深入学习贯彻习近平法治思想"
    assert headings[4] == "（五）严格规范公正文明执法" and len(headings) == 10
    chapter5 = part1[part1.index(headings[4]) : part1.index(headings[5])]
    assert chapter5[1:3] == [
        "1.开展行政执法案卷评查",
        "评查行政执法案卷120卷，发现问题36个，已全部反馈整改。",
    ]
    assert chapter5[-1].startswith("{{?请填写：")  # a marked prompt
    chapter7 = part1[part1.index(headings[6]) : part1.index(headings[7])]
    assert chapter7[1] == (
        "全年收到行政复议申请5件，受理4件，审结4件，其中纠错2件，纠错率50.0%；"
        "调解和解率0.0%，实质性化解率0.0%，法定期限内结案率100.0%，平均办理30.0天。"
    )
    # counts of zero are left out (no 不予受理 case, no case as respondent); 0.0% rates stay
    assert chapter7[2] == (
        "全年行政应诉案件2件；行政机关负责人出庭应诉率（按案件）50.0%，按庭次计算为50.0%。"
    )
    assert chapter7[3:5] == ["1.提升行政应诉水平", "已完成应诉规范培训。"]
    # part 二: the overdue and the late task, and the missed 100% target
    assert "逾期未完成1项、逾期完成1项" in text[2]
    # the tasks, not the units: the report is published (naming them is the author's choice)
    assert "涉及以下任务：提升行政应诉水平；推进行政复议规范化建设。" in text[2]
    assert "白沙镇" not in text[2]
    assert (
        "负责人出庭应诉率（按案件）为50.0%，未达到年度工作要点提出的“行政机关负责人出庭应诉率达到100%”的目标"
        in text[2]
    )
    # part 三 names the head-appearance rate; part 四 takes the 2026 plan; part 五 a prompt
    assert "本级行政机关负责人出庭应诉率（按案件）为50.0%。" in text[3]
    assert text[4].splitlines()[:3] == [
        "2026年，按照《湘江县2026年法治政府建设工作要点》，重点抓好以下工作：",
        "（一）健全依法行政制度体系",
        "开展规范性文件清理。",
    ]
    assert tokens.prompts_in(text[5]) and not tokens.codes_in(text[5])


def test_a_department_gets_its_own_template_and_its_own_tasks(data: Data, frozen: Any) -> None:
    county = data.county
    draft = drafting.compose(
        actor=county.actor("dept_clerk"), unit=county.dept, year=2025, now=dt.datetime.now(dt.UTC)
    )
    assert draft.kind == "department"
    assert "在县委、县政府的坚强领导下" in draft.preamble
    text = tokens.render(draft.parts[1], draft.displays)
    assert "1.开展行政执法案卷评查" in text and "1.提升行政应诉水平" in text
    assert "推进行政复议规范化建设" not in text  # 白沙镇's task, not the 司法局's
    assert "全年收到行政复议申请4件" in text  # the 司法局's own subtree


def test_no_data_gives_prompts_not_zero_sentences(county: County, frozen: Any) -> None:
    draft = drafting.compose(
        actor=county.actor("coordinator"), unit=county.root, year=2025, now=dt.datetime.now(dt.UTC)
    )
    assert "行政复议申请" not in draft.parts[1]
    assert "从工作台账看" not in draft.parts[2]
    assert "{{?请填写：2026年推进法治政府建设的主要安排" in draft.parts[4]


def test_units_that_do_not_report(county: County) -> None:
    court = OrgUnit(name="湘江县人民法院", kind=UnitKind.EXTERNAL, level=UnitLevel.COUNTY)
    assert not rules.must_report(court)
    with pytest.raises(ValueError, match="无须编写"):
        drafting.compose(
            actor=Actor.command_line(), unit=court, year=2025, now=dt.datetime.now(dt.UTC)
        )


# --- rules: deadlines and recipients are data ----------------------------------------------------
def unit(kind: str, level: str = UnitLevel.COUNTY, demo: str = "") -> OrgUnit:
    return OrgUnit(name="某单位", kind=kind, level=level, demonstration_area=demo)


def test_deadlines_by_kind() -> None:
    gov = rules.deadlines(unit(UnitKind.GOVERNMENT), 2025)
    assert (gov.submit_due, gov.publish_due) == (dt.date(2026, 3, 31), dt.date(2026, 3, 31))
    dept = rules.deadlines(unit(UnitKind.DEPARTMENT), 2025)
    assert (dept.submit_due, dept.publish_due) == (dt.date(2026, 2, 28), dt.date(2026, 3, 31))
    assert rules.deadlines(unit(UnitKind.DEPARTMENT), 2027).submit_due == dt.date(2028, 2, 29)
    demo = rules.deadlines(unit(UnitKind.GOVERNMENT, demo="第二批全国法治政府建设示范地区"), 2025)
    assert demo.submit_due == dt.date(2026, 1, 31) and demo.demonstration
    assert "第二十四条" in gov.publish_basis


def test_recipients_by_kind_level_and_title() -> None:
    assert rules.recipients(unit(UnitKind.GOVERNMENT)) == (
        ["本级党委", "本级人大常委会", "上一级党委和政府"],
        ["上一级党委法治建设议事协调机构办公室"],
    )
    assert rules.recipients(unit(UnitKind.GOVERNMENT, UnitLevel.PROVINCE))[0] == [
        "党中央",
        "国务院",
    ]
    assert rules.recipients(unit(UnitKind.DEPARTMENT))[0] == ["本级党委和政府", "上一级主管部门"]
    to, _ = rules.recipients(unit(UnitKind.GOVERNMENT, demo="示范地区"))
    assert to[-1] == "中央依法治国办（经省委依法治省办）"


def test_rules_file_changes_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = {**rules.rules()}
    changed["kinds"] = {**changed["kinds"]}
    changed["kinds"]["department"] = {**changed["kinds"]["department"], "submit_before": "03-15"}
    monkeypatch.setattr(rules, "rules", lambda: changed)
    assert rules.deadlines(unit(UnitKind.DEPARTMENT), 2025).submit_due == dt.date(2026, 3, 14)


def test_report_create_saves_what_compose_gives(data: Data, frozen: Any) -> None:
    county = data.county
    report = report_create(actor=county.actor("coordinator"), unit=county.root, year=2025)
    assert [p.heading for p in report.parts.order_by("number")] == [
        "一、主要举措和成效",
        "二、存在的不足和原因",
        "三、党政主要负责人履行推进法治建设第一责任人职责情况",
        "四、下一年度主要安排",
        "五、其他需要报告的情况",
    ]
    figure = report.figures.get(code="reconsideration.received")
    assert (figure.display, figure.version, figure.computed_at) == ("5件", 2020, report.figures_at)
    assert report.rules_version == rules.version()
