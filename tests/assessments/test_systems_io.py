"""Indicator systems in and out (``assessments.systems_io``): the Excel round trip of the shipped
county system, bad rows refused with row and column named, a scheme built as a workbook and
scored in a campaign against hand calculations, the shipped systems, and versions (copy,
freeze)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook
from tests.personas import County

from fazhi.assessments import services, systems_io
from fazhi.assessments.models import (
    Answer,
    Campaign,
    Evaluation,
    Indicator,
    IndicatorSystem,
    Source,
    Status,
    SystemStatus,
)
from fazhi.assessments.shipped import shipped_files, shipped_sync
from fazhi.metrics.models import MetricDefinition
from fazhi.study.services import exam_register, session_register

pytestmark = pytest.mark.django_db
D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNTY_SYSTEM = "县级法治政府建设年度考核指标（示例方案）"
FIELDS = (
    "code",
    "name",
    "points",
    "kind",
    "rule",
    "params",
    "cap",
    "answered_by",
    "metric_code",
    "evidence",
)


def workbook(rows: list[dict[str, Any]], title: str = "") -> bytes:
    """An .xlsx as a user would fill it: Chinese headers, numbers as numbers, labels."""
    headers = [c.header for c in systems_io.SPEC.columns]
    book = Workbook()
    ws = book.active
    assert ws is not None
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        assert set(row) <= set(headers), set(row) - set(headers)
        ws.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def indicators(system: IndicatorSystem) -> list[tuple[Any, ...]]:
    return [
        (*(getattr(i, f) for f in FIELDS), i.parent.code if i.parent else None, i.level, i.order)
        for i in system.indicators.select_related("parent").order_by("order")
    ]


def shipped(name: str = COUNTY_SYSTEM) -> IndicatorSystem:
    return IndicatorSystem.objects.get(owner=None, name=name)


# --- round trip -------------------------------------------------------------------------------
def test_the_shipped_county_system_goes_out_to_excel_and_back_unchanged(county: County) -> None:
    original = shipped()
    data = systems_io.system_xlsx(original)
    result = systems_io.system_import(
        actor=county.actor("coordinator"), owner=county.root, name=original.name, data=data
    )
    assert result.ok, [str(e) for e in result.errors]
    copy = result.system
    assert copy is not None and copy.pk != original.pk
    assert (copy.owner, copy.version, copy.status) == (county.root, 1, SystemStatus.DRAFT)
    assert len(indicators(copy)) == 45
    assert indicators(copy) == indicators(original)
    # the standards travel too, and a second export is the same workbook content
    assert [i.standard for i in copy.indicators.order_by("order")] == [
        i.standard for i in original.indicators.order_by("order")
    ]
    assert systems_io.system_rows(copy) == systems_io.system_rows(original)


# --- bad rows ---------------------------------------------------------------------------------
RULE_THRESHOLD, RULE_LINEAR, RULE_COUNT = "达标判断（未达标扣分）", "按比例计分", "按件（次）扣分"
RULE_CHECKLIST, RULE_REVIEWER, BY_UNIT = "佐证清单", "评审打分", "被考核单位填报"
BAD = [
    {"编号": 1, "指标名称": "组织领导", "分值": 10},
    {"编号": 1.1, "指标名称": "年度报告", "分值": 10, "计分规则": RULE_REVIEWER},
    {"编号": "一.1", "指标名称": "中文编号", "分值": 1, "计分规则": RULE_REVIEWER},  # row 4
    {"编号": "1.1", "指标名称": "重复", "分值": 1, "计分规则": RULE_REVIEWER},
    {"编号": "9.1", "指标名称": "没有上级", "分值": 1, "计分规则": RULE_REVIEWER},
    {"编号": 2, "指标名称": "空的一级指标", "分值": 5},
    {
        "编号": 3,
        "指标名称": "未知统计指标",
        "分值": 2,
        "计分规则": RULE_THRESHOLD,
        "统计指标编码": "no.such_metric",
        "比较方式": ">=",
        "目标值": 100,
    },
    {
        "编号": 4,
        "指标名称": "分值不是数字",
        "分值": "abc",
        "计分规则": RULE_REVIEWER,
        "扣分上限": 2,
    },
    {"编号": 5, "指标名称": "分值为负", "分值": "-1", "计分规则": RULE_REVIEWER, "扣分上限": 2},
    {
        "编号": 6,
        "指标名称": "比较方式错",
        "分值": 2,
        "计分规则": RULE_THRESHOLD,
        "数据来源": BY_UNIT,
        "比较方式": "约等于",
        "目标值": 1,
    },
    {
        "编号": 7,
        "指标名称": "清单写法错",
        "分值": 2,
        "计分规则": RULE_CHECKLIST,
        "数据来源": BY_UNIT,
        "佐证清单": "年度计划1分；报送（0.5）",
    },
    {
        "编号": 8,
        "指标名称": "清单数字错",
        "分值": 2,
        "计分规则": RULE_CHECKLIST,
        "数据来源": BY_UNIT,
        "佐证清单": "年度计划（1.2.3）",
    },
    {
        "编号": 10,
        "指标名称": "满分值等于零分值",
        "分值": 4,
        "计分规则": RULE_LINEAR,
        "统计指标编码": "study.exam_pass_rate",
        "满分值": 80,
        "零分值": 80,
    },
    {"编号": 11, "指标名称": "没有分值的加分项", "类型": "加分", "计分规则": RULE_REVIEWER},
    {
        "编号": 12,
        "指标名称": "按件否决",
        "类型": "一票否决",
        "计分规则": RULE_COUNT,
        "数据来源": BY_UNIT,
        "每件扣分": 1,
    },
    {
        "编号": 13,
        "指标名称": "台账没有编码",
        "分值": 2,
        "计分规则": RULE_THRESHOLD,
        "数据来源": "系统台账",
        "比较方式": ">=",
        "目标值": 1,
    },
    {"编号": 14, "指标名称": "加分项", "类型": "加分"},  # row 18
    {
        "编号": 14.1,
        "指标名称": "加分项下的计分项",
        "类型": "计分",
        "分值": 1,
        "计分规则": RULE_REVIEWER,
    },
    {"编号": 14.2, "指标名称": "类型留空的加分项", "分值": 1, "计分规则": RULE_REVIEWER},
    {"编号": 15, "指标名称": "分值太大", "分值": 100000, "扣分上限": 5, "计分规则": RULE_REVIEWER},
    {"编号": 16, "指标名称": "三位小数", "分值": 1, "扣分上限": "0.125", "计分规则": RULE_REVIEWER},
]


def test_bad_rows_are_all_listed_by_row_and_column_and_nothing_is_written(county: County) -> None:
    systems, rows = IndicatorSystem.objects.count(), Indicator.objects.count()
    result = systems_io.system_import(
        actor=county.actor("coordinator"), owner=county.root, name="错误方案", data=workbook(BAD)
    )
    assert not result.ok and result.system is None
    assert [str(e) for e in result.errors] == [
        "第4行【编号】编号“一.1”应为 1、1.2、1.2.3 这样的数字",
        "第5行【编号】编号“1.1”与第3行重复",
        "第6行【编号】上级指标“9”不在表中",
        "第7行【计分规则】没有下级指标的，须填写计分规则",
        "第8行【统计指标编码】统计指标“no.such_metric”不存在",
        "第9行【分值】“abc”不是数字",
        "第10行【分值】“-1”不是非负数",
        "第11行【计分规则】指标“比较方式错”的比较方式须为 >=、>、<=、<、== 之一",
        "第11行【比较方式】“约等于”不是有效的取值，可选：>=、>、<=、<、==",
        "第12行【佐证清单】“年度计划1分”应写作 项目（扣分），如 年度计划（1）",
        "第13行【计分规则】指标“清单数字错”的佐证清单为空",
        "第13行【佐证清单】“年度计划（1.2.3）”应写作 项目（扣分），如 年度计划（1）",
        "第14行【计分规则】指标“满分值等于零分值”的满分值与零分值不能相同",
        "第15行【计分规则】加分项“没有分值的加分项”须有分值（加分上限）",
        "第16行【计分规则】否决项“按件否决”只能按数值条件或由评审认定",
        "第17行【统计指标编码】数据来源为系统台账的，须填写统计指标编码",
        "第19行【类型】上级指标“14”的类型为加分，下级指标也须为加分（可留空）",
        "第21行【分值】“100000”应不超过9999.99，最多两位小数",
        "第22行【扣分上限】“0.125”应不超过9999.99，最多两位小数",
    ]
    assert (IndicatorSystem.objects.count(), Indicator.objects.count()) == (systems, rows)


def test_a_file_without_indicators_or_without_the_headers_is_refused(county: County) -> None:
    coordinator = county.actor("coordinator")
    empty = systems_io.system_import(
        actor=coordinator, owner=county.root, name="空", data=workbook([])
    )
    assert [str(e) for e in empty.errors] == ["文件：文件中没有指标"]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "内容"])
    out = io.BytesIO()
    book.save(out)
    headless = systems_io.system_import(
        actor=coordinator, owner=county.root, name="无表头", data=out.getvalue()
    )
    assert [str(e) for e in headless.errors] == [
        "文件：前10行中找不到表头（如“编号”）；请使用导出的模板填写"
    ]
    with pytest.raises(PermissionDenied):
        systems_io.system_import(
            actor=county.actor("clerk_a"), owner=county.town_a, name="x", data=workbook(BAD[:2])
        )


# --- acceptance: a scheme from a workbook, used in a campaign -----------------------------------
SCHEME = [
    {"编号": 1, "指标名称": "组织领导与学法", "分值": 40},
    {
        "编号": 1.1,
        "指标名称": "领导班子学法次数",
        "考核标准": "每年不少于4次，每少1次扣2分",
        "分值": 8,
        "计分规则": RULE_COUNT,
        "统计指标编码": "study.sessions",
        "数值名称": "学法次数",
        "数值单位": "次",
        "目标值": 4,
        "每件扣分": 2,
    },
    {
        "编号": 1.2,
        "指标名称": "政府常务会议学法",
        "考核标准": "不少于2次，未达到扣4分",
        "分值": 6,
        "计分规则": RULE_THRESHOLD,
        "统计指标编码": "study.executive",
        "数值名称": "常务会议学法次数",
        "数值单位": "次",
        "比较方式": "不低于",
        "目标值": 2,
        "扣分": 4,
    },
    {
        "编号": 1.3,
        "指标名称": "领导干部学法考试合格率",
        "分值": 14,
        "计分规则": RULE_LINEAR,
        "统计指标编码": "study.exam_pass_rate",
        "数值名称": "考试合格率",
        "数值单位": "%",
        "满分值": 100,
        "零分值": 50,
    },
    {
        "编号": 1.4,
        "指标名称": "年度法治建设工作要点",
        "分值": 12,
        "计分规则": RULE_CHECKLIST,
        "数据来源": BY_UNIT,
        "佐证清单": "年度工作要点（5）；报送依法治县办（2）；部署会议纪要（5）",
        "佐证要求": "年度工作要点；报送记录；会议纪要",
    },
    {"编号": 2, "指标名称": "依法行政（倒扣分，扣完为止）", "分值": 40},
    {
        "编号": 2.1,
        "指标名称": "被上级通报批评",
        "计分规则": RULE_COUNT,
        "数据来源": BY_UNIT,
        "数值名称": "通报批评次数",
        "数值单位": "次",
        "每件扣分": 10,
    },
    {
        "编号": 2.2,
        "指标名称": "执法决定被复议纠错",
        "计分规则": RULE_COUNT,
        "数据来源": BY_UNIT,
        "数值名称": "被纠错件数",
        "数值单位": "件",
        "每件扣分": 4,
        "扣分上限": 12,
    },
    {
        "编号": 2.3,
        "指标名称": "重大行政决策未履行法定程序",
        "计分规则": RULE_REVIEWER,
        "扣分上限": 10,
    },
    {
        "编号": 3,
        "指标名称": "法治政府建设年度报告",
        "考核标准": "未报送扣20分，逾期扣10分",
        "分值": 20,
        "计分规则": RULE_REVIEWER,
        "佐证要求": "年度报告；报送回执",
    },
    {"编号": 4, "指标名称": "加分项", "类型": "加分"},
    {"编号": 4.1, "指标名称": "经验做法被上级推广", "分值": 3, "计分规则": RULE_REVIEWER},
    {
        "编号": 4.2,
        "指标名称": "学法考试全员合格",
        "类型": "加分",
        "分值": 2,
        "计分规则": RULE_THRESHOLD,
        "统计指标编码": "study.exam_pass_rate",
        "数值名称": "考试合格率",
        "数值单位": "%",
        "比较方式": "≥",
        "目标值": 100,
    },
    {
        "编号": 4.3,
        "指标名称": "法治创新项目",
        "分值": 3,
        "计分规则": RULE_COUNT,
        "数据来源": BY_UNIT,
        "数值名称": "创新项目",
        "数值单位": "项",
        "每件扣分": 1.5,
    },
    {"编号": 5, "指标名称": "一票否决", "类型": "一票否决"},
    {"编号": 5.1, "指标名称": "违法行政造成重大负面影响", "计分规则": RULE_REVIEWER},
]


def record_study(county: County) -> None:
    """2025 学法 through the study register's services: 白沙镇 3 sessions (1 常务会议) and 3 of
    4 exams passed; 黄金乡 4 sessions (2 常务会议) and 2 of 2 passed; 司法局 nothing."""
    plan = [
        ("clerk_a", county.town_a, ["executive", "lecture", "lecture"], [90, 80, 70, 50]),
        ("clerk_b", county.town_b, ["executive", "executive", "group", "group"], [88, 92]),
    ]
    for clerk, unit, kinds, scores in plan:
        actor = county.actor(clerk)
        for n, kind in enumerate(kinds):
            session_register(
                actor=actor,
                unit=unit,
                kind=kind,
                held_on=dt.date(2025, 3 + n, 12),
                subject=f"学法{n}",
                attendee_count=12,
            )
        for n, value in enumerate(scores):
            exam_register(
                actor=actor,
                unit=unit,
                name=f"干部{n}",
                exam_on=dt.date(2025, 11, 20),
                score=str(value),
            )


def answer_of(evaluation: Evaluation, code: str) -> Answer:
    return evaluation.answers.select_related("indicator", "evaluation__campaign").get(
        indicator__code=code
    )


def test_a_scheme_built_in_excel_scores_a_campaign_as_worked_out_by_hand(county: County) -> None:
    coordinator = county.actor("coordinator")
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=SHANGHAI), tick=False):
        record_study(county)
        result = systems_io.system_import(
            actor=coordinator,
            owner=county.root,
            name="2025年度县直部门和乡镇法治建设考核方案",
            data=workbook(SCHEME, title="2025年度法治建设考核指标（县依法治县办）"),
            bonus_cap=D(4),
        )
        assert result.ok, [str(e) for e in result.errors]
        system = result.system
        assert system is not None
        kinds = dict(system.indicators.values_list("code", "kind"))
        assert (kinds["4.1"], kinds["4.3"], kinds["5.1"]) == ("bonus", "bonus", "veto")
        assert system.indicators.get(code="1.2").params == {
            "op": ">=",
            "figure_name": "常务会议学法次数",
            "figure_unit": "次",
            "target": 2.0,
            "deduct": 4.0,
        }
        campaign = services.campaign_create(
            actor=coordinator,
            organiser=county.root,
            system=system,
            year=2025,
            title="2025年度法治建设考核",
            self_due=dt.date(2026, 1, 20),
            review_due=dt.date(2026, 2, 10),
        )
        services.campaign_open(actor=coordinator, campaign=campaign)
    evaluations = {e.unit_id: e for e in campaign.evaluations.all()}
    town_a, town_b, dept = (evaluations[u.pk] for u in (county.town_a, county.town_b, county.dept))
    prefilled = answer_of(town_a, "1.3")
    assert (prefilled.source, prefilled.figure, prefilled.display) == (
        Source.REGISTER,
        D(75),
        "75.0%",
    )
    assert answer_of(town_b, "1.2").figure == D(2) and answer_of(dept, "1.1").figure == D(0)

    with time_machine.travel(dt.datetime(2026, 1, 15, 10, tzinfo=SHANGHAI), tick=False):
        typed = {  # what each unit types: figures, then the checklist
            (town_a, "clerk_a"): ({"2.1": 0, "2.2": 1, "4.3": 2}, [True, True, True]),
            (town_b, "clerk_b"): ({"2.1": 0, "2.2": 0}, [True, False, True]),
            (dept, "dept_clerk"): ({"2.1": 3, "2.2": 2, "4.3": 1}, [True, True, False]),
        }
        for (evaluation, clerk), (figures, checks) in typed.items():
            actor = county.actor(clerk)
            for code, value in figures.items():
                services.answer_save(
                    actor=actor, answer=answer_of(evaluation, code), value=D(value)
                )
            services.answer_save(actor=actor, answer=answer_of(evaluation, "1.4"), checks=checks)
            services.evaluation_submit(actor=actor, evaluation=evaluation)
    with time_machine.travel(dt.datetime(2026, 1, 21, 10, tzinfo=SHANGHAI), tick=False):
        services.campaign_start_review(actor=coordinator, campaign=campaign)
        reviews: list[tuple[Evaluation, str, dict[str, Any]]] = [
            (town_a, "2.3", {"deduction": D(0)}),
            (town_a, "3", {"deduction": D(0)}),
            (town_a, "4.1", {"deduction": D(3), "note": "经验做法被市司法局推广"}),
            (town_b, "2.3", {"deduction": D(0)}),
            (town_b, "3", {"deduction": D(10), "note": "年度报告逾期报送"}),
            (town_b, "5.1", {"veto": True, "note": "违法强拆被省级媒体曝光"}),
            (dept, "2.3", {"deduction": D(5), "note": "一项决策未经合法性审查"}),
            (dept, "3", {"deduction": D(0)}),
        ]
        for evaluation, code, verdict in reviews:
            services.answer_review(actor=coordinator, answer=answer_of(evaluation, code), **verdict)
        services.campaign_publish(
            actor=coordinator, campaign=campaign, objection_due=dt.date(2026, 1, 28)
        )
    # 白沙镇 (the bonus cap bites):
    #   1.1 3 sessions of 4 → 1 short × 2 = −2; 1.2 1 常务会议 < 2 → −4 (the fixed deduction,
    #   not the 6 points); 1.3 75% → (100 − 75) / (100 − 50) × 14 = −7; 1.4 all evidenced 0
    #   → branch 1: 40 − 13 = 27
    #   2.1 0; 2.2 1 × 4 = −4; 2.3 0 → branch 2: 40 − 4 = 36;   3: 20 − 0 = 20;   base 83
    #   awards 4.1 3 + 4.2 0 (75% < 100%) + 4.3 2 × 1.5 = 3 → 6, capped at 4 → total 87 (良好)
    # 黄金乡 (一票否决):
    #   1.1 4 of 4 → 0; 1.2 2 ≥ 2 → 0; 1.3 100% → 0; 1.4 报送 missing → −2 → branch 1: 38
    #   branch 2: 40;   3: 逾期 −10 → 10;   base 88; 4.2 100% → +2 → total 90,
    #   which would be 优秀, but 5.1 is vetoed → 不合格, ranked after 白沙镇
    # 司法局 (the branch cap bites):
    #   1.1 0 sessions → 4 short × 2 = −8; 1.2 0 < 2 → −4; 1.3 no exam (—) → 0;
    #   1.4 会议纪要 missing → −5 → branch 1: 40 − 17 = 23
    #   2.1 3 × 10 = 30; 2.2 2 × 4 = 8; 2.3 −5 → 43, 扣完为止 at 40 → branch 2: 0
    #   3: 20;   base 43; 4.3 1 × 1.5 = +1.5 → total 44.5 (不合格), first of the departments
    got = {
        e.unit_id: (e.base, e.bonus, e.total, e.vetoed, e.grade, e.rank)
        for e in Campaign.objects.get(pk=campaign.pk).evaluations.all()
    }
    assert got[county.town_a.pk] == (D(83), D(4), D(87), False, "良好", 1)
    assert got[county.town_b.pk] == (D(88), D(2), D(90), True, "不合格", 2)
    assert got[county.dept.pk] == (D(43), D("1.5"), D("44.5"), False, "不合格", 1)

    explained = services.outcome_of(Evaluation.objects.get(pk=dept.pk))
    branch = next(line for line in explained.lines if line.code == "2")
    assert (branch.raw, branch.applied, branch.score) == (D(43), D(40), D(0))
    assert branch.reason == "扣40分（下级扣分合计43分，扣完为止）"
    lines = {line.code: line for line in explained.flat()}
    assert lines["1.3"].reason == "考试合格率 无可计算的数据（—），不扣分"
    assert lines["1.2"].reason == "常务会议学法次数 0次，要求不低于2次：未达到，扣4分"
    town_a_lines = {line.code: line for line in services.outcome_of(town_a).flat()}
    assert town_a_lines["1.3"].reason == ("考试合格率 75.0%（100%得满分、50%及以下不得分）：扣7分")
    assert services.outcome_of(town_b).veto_reasons == ("违法行政造成重大负面影响",)
    assert Campaign.objects.get(pk=campaign.pk).status == Status.PUBLICITY


# --- the shipped systems ----------------------------------------------------------------------
def test_the_shipped_systems_are_installed_frozen_and_owner_less_once() -> None:
    files = [json.loads(p.read_text(encoding="utf-8")) for p in shipped_files()]
    assert sorted(f["name"] for f in files) == sorted(
        [COUNTY_SYSTEM, "市县法治政府建设示范指标体系（2021年版框架）"]
    )
    for data in files:
        system = shipped(data["name"])
        assert (system.status, system.version, system.kind) == (
            SystemStatus.FROZEN,
            data["version"],
            data["kind"],
        )
        assert system.indicators.count() == len(data["rows"])
        assert system.source == data["source"] and system.confidence == data["confidence"]
        codes = {r["metric_code"] for r in data["rows"] if r.get("metric_code")}
        known = set(MetricDefinition.objects.filter(code__in=codes).values_list("code", flat=True))
        assert codes and codes - known == set()
    assert shipped(COUNTY_SYSTEM).bonus_cap == D(5)
    count, indicators_ = IndicatorSystem.objects.count(), Indicator.objects.count()
    assert shipped_sync() == 0
    assert (IndicatorSystem.objects.count(), Indicator.objects.count()) == (count, indicators_)


def test_every_indicator_of_the_shipped_county_system_scores_for_an_empty_county(
    county: County,
) -> None:
    coordinator = county.actor("coordinator")
    system = shipped()
    units = [county.dept, county.town_a, county.town_b, county.village_a]
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=SHANGHAI), tick=False):
        campaign = services.campaign_create(
            actor=coordinator,
            organiser=county.root,
            system=system,
            year=2025,
            title="2025年度考核（示例方案）",
            self_due=dt.date(2026, 1, 20),
            review_due=dt.date(2026, 2, 10),
            units=units,
        )
        services.campaign_open(actor=coordinator, campaign=campaign)
    with time_machine.travel(dt.datetime(2026, 1, 21, 10, tzinfo=SHANGHAI), tick=False):
        services.campaign_start_review(actor=coordinator, campaign=campaign)
    leaves = system.indicators.exclude(rule="").count()
    registers = system.indicators.exclude(rule="").exclude(metric_code="").count()
    assert (leaves, registers) == (36, 26)
    for evaluation in Campaign.objects.get(pk=campaign.pk).evaluations.all():
        answers = list(evaluation.answers.select_related("indicator"))
        assert len(answers) == leaves
        assert evaluation.prefilled == registers
        assert all(a.applied is not None and a.reason for a in answers)
        by_code = {a.indicator.code: a for a in answers}
        # 1.3 学法 ≥6 a year, −0.3 each missing, capped at 1.2: none recorded → −1.2
        assert (by_code["1.3"].applied, by_code["1.3"].reason) == (
            D("1.2"),
            "学法活动次数 0次，要求6次，差6，每次扣0.3分（上限1.2分），以1.2分为限",
        )
        # 1.8 a figure the unit had to type and did not (review started): its cap, 1.5
        assert (by_code["1.8"].applied, by_code["1.8"].reason) == (
            D("1.5"),
            "应填报而未填报，扣1.5分",
        )
        # the reviewer-scored items wait (1.4, 2.2.3, 4.4, 4.5); bonus and veto do not
        assert evaluation.pending == 4 and not evaluation.vetoed
        assert evaluation.total is not None and evaluation.bonus == 0


# --- versions ---------------------------------------------------------------------------------
def test_a_copy_is_the_next_draft_version_and_the_original_stays_frozen(county: County) -> None:
    coordinator = county.actor("coordinator")
    original = shipped()
    first = services.system_copy(actor=coordinator, system=original, owner=county.root)
    assert (first.owner, first.version, first.status, first.based_on) == (
        county.root,
        1,
        SystemStatus.DRAFT,
        original,
    )
    assert indicators(first) == indicators(original)
    services.system_freeze(actor=coordinator, system=first)
    frozen_rows = indicators(first)
    second = services.system_copy(actor=coordinator, system=first, owner=county.root)
    assert (second.name, second.version, second.status, second.based_on) == (
        COUNTY_SYSTEM,
        2,
        SystemStatus.DRAFT,
        first,
    )
    assert indicators(second) == frozen_rows
    assert set(second.indicators.values_list("pk", flat=True)).isdisjoint(
        first.indicators.values_list("pk", flat=True)
    )
    first.refresh_from_db()
    assert first.status == SystemStatus.FROZEN and indicators(first) == frozen_rows
    assert shipped().status == SystemStatus.FROZEN and indicators(shipped()) == frozen_rows


def test_freeze_is_refused_for_another_units_system_and_for_a_shipped_one(
    county: County,
) -> None:
    draft = services.system_copy(
        actor=county.actor("coordinator"), system=shipped(), owner=county.root
    )
    message = "只能修改本单位（或下级单位）制定的指标体系；内置指标体系请先复制"
    with pytest.raises(PermissionDenied, match=message):
        services.system_freeze(actor=county.actor("coordinator_a"), system=draft)
    with pytest.raises(PermissionDenied, match=message):
        services.system_freeze(actor=county.actor("coordinator"), system=shipped())
    draft.refresh_from_db()
    assert draft.status == SystemStatus.DRAFT and draft.frozen_at is None
