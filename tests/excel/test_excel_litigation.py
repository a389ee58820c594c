"""行政应诉 import: one row per hearing, cases grouped by 法院+案号+被告, errors, all-or-nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.excel.helpers import counts, xlsx
from tests.personas import County

from fazhi.core.excel import ImportResult
from fazhi.litigation.excel import import_xlsx
from fazhi.litigation.models import HeadCategory, LitigationCase, LossReview, Result, Status
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as reconsideration

D = dt.date


def line(number: str, **cells: Any) -> dict[str, Any]:
    base = {
        "案号": number,
        "法院": "湘江县人民法院",
        "审级": "一审",
        "被告": "白沙镇人民政府",
        "立案日期": "2025-02-10",
    }
    return {**base, **cells}


APPEARED = {"负责人是否出庭": "是", "出庭负责人职务": "副镇长", "出庭负责人类别": "副职"}
ABSENT = {"负责人是否出庭": "否", "未出庭理由": "因公出差，委托工作人员出庭"}


def run(county: County, rows: list[dict[str, Any]], unit: OrgUnit | None = None) -> ImportResult:
    unit = unit or county.root
    return import_xlsx(xlsx(rows), actor=Actor.command_line(unit), unit=unit)


@pytest.mark.django_db
def test_cases_hearings_and_judgments(county: County) -> None:
    rows = [
        line("（2025）湘0199行初1号"),  # no hearing yet
        line("（2025）湘0199行初2号", 开庭日期="2025-04-01", **ABSENT, 案由="行政处罚"),
        line(
            "（2025）湘0199行初2号",
            开庭日期="2025-03-10",
            **APPEARED,
            出庭负责人姓名="李四",
            被诉行为类别="行政处罚",
        ),
        line(
            "（2025）湘0199行初3号",
            被告="430199101001",
            开庭日期="2025-03-20",
            **APPEARED,
            裁判日期="2025-05-08",
            裁判结果="胜诉（驳回诉讼请求）",
        ),
        line(
            "（2025）湘0199行初2号",
            开庭日期="2025-04-15",
            **APPEARED,
            工作人员是否出庭="否",
            裁判日期="2025-06-01",
            裁判结果="败诉:撤销或部分撤销",
            裁判说明="程序违法",
        ),
    ]
    result = run(county, rows)
    assert result.errors == []
    assert result.summary() == "导入完成：新增 3 件，开庭记录 4 次"

    pending = LitigationCase.objects.get(number="（2025）湘0199行初1号")
    assert (pending.status, pending.hearing_count, pending.head_appeared) == (
        Status.PENDING,
        0,
        False,
    )
    two = LitigationCase.objects.get(number="（2025）湘0199行初2号")
    assert (two.status, two.result, two.is_loss, two.result_note) == (
        Status.CLOSED,
        Result.LOSS_ANNUL,
        True,
        "程序违法",
    )
    assert (two.cause, two.act_category, two.unit) == ("行政处罚", "penalty", county.town_a)
    assert (two.hearing_count, two.first_hearing_on, two.head_appeared) == (3, D(2025, 3, 10), True)
    hearings = [
        (h.held_on, h.head_appeared, h.head_name, h.head_post, h.head_category, h.staff_appeared)
        for h in two.hearings.all()
    ]
    assert hearings == [
        (D(2025, 3, 10), True, "李四", "副镇长", HeadCategory.DEPUTY, True),
        (D(2025, 4, 1), False, "", "", "", True),
        (D(2025, 4, 15), True, "", "副镇长", HeadCategory.DEPUTY, False),
    ]
    assert two.hearings.get(held_on=D(2025, 4, 1)).absence_reason == "因公出差，委托工作人员出庭"
    three = LitigationCase.objects.get(number="（2025）湘0199行初3号")
    assert (three.unit, three.result, three.is_loss) == (county.village_a, Result.WIN, False)


@pytest.mark.django_db
def test_losses_open_a_review(county: County, settings: Any) -> None:
    settings.FAZHI_LOSS_REVIEW_EVERY = 2
    rows = [
        line(
            f"败{i}",
            开庭日期="2025-03-10",
            **APPEARED,
            裁判日期=f"2025-05-0{i}",
            裁判结果="败诉：确认违法",
        )
        for i in (1, 2)
    ]
    assert run(county, rows).errors == []
    review = LossReview.objects.get(unit=county.root)
    assert review.opened_on == D(2025, 5, 2)
    assert review.covered.count() == 2


@pytest.mark.django_db
def test_link_to_a_reconsideration_case(county: County) -> None:
    reconsideration.case_receive(
        actor=county.actor("dept_clerk"),
        unit=county.dept,
        number="湘江复〔2025〕1号",
        received_on=D(2025, 1, 6),
        act_category="penalty",
        respondent=county.town_a,
    )
    assert run(county, [line("A", 关联复议案号="湘江复〔2025〕1号")]).errors == []
    assert LitigationCase.objects.get(number="A").reconsideration.number == "湘江复〔2025〕1号"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_row_errors_and_nothing_written(county: County) -> None:
    assert run(county, [line("已有")]).errors == []
    before = counts()
    rows = [
        line("好", 开庭日期="2025-03-10", **APPEARED),  # 2: fine
        line("不一致", 开庭日期="2025-03-10", **APPEARED),  # 3
        line("不一致", 立案日期="2025-02-11", 开庭日期="2025-03-11", **APPEARED),  # 4
        line("晚于裁判", 开庭日期="2025-05-10", **APPEARED, 裁判日期="2025-05-01", 裁判结果="撤诉"),
        line("空开庭", 开庭日期="2025-03-10", **APPEARED),  # 6
        line("空开庭"),  # 7
        line("无开庭有出庭", 负责人是否出庭="是"),  # 8
        line("缺出庭", 开庭日期="2025-03-10"),  # 9
        line("缺结果", 裁判日期="2025-05-01"),  # 10
        line("越界", 被告="黄金乡人民政府"),  # 11 (imported for 白沙镇)
        line("无复议", 关联复议案号="不存在〔2025〕9号"),  # 12
        line("已有"),  # 13
        line("审级", 审级="三审"),  # 14
        line("出庭又有理由", 开庭日期="2025-03-10", **APPEARED, 未出庭理由="出差"),  # 15
        line("未出庭有职务", 开庭日期="2025-03-10", **ABSENT, 出庭负责人职务="镇长"),  # 16
    ]
    result = run(county, rows, unit=county.town_a)
    assert [str(e) for e in result.errors] == [
        "第4行【立案日期】与同一案件第3行的“2025-02-10”不一致",
        "第5行【开庭日期】开庭日期晚于裁判日期（2025年5月1日）",
        "第7行【开庭日期】同一案件有多行的，每行登记一次开庭，开庭日期不能为空",
        "第8行【负责人是否出庭】未填写开庭日期的，不能填写出庭情况",
        "第9行【负责人是否出庭】填写了开庭日期的，此项必填",
        "第10行【裁判结果】裁判日期和裁判结果应同时填写",
        "第11行【被告】在“白沙镇人民政府”及其下级单位中找不到“黄金乡人民政府”"
        "（可填写全称、简称或单位编码）",
        "第12行【关联复议案号】复议案号“不存在〔2025〕9号”在系统中找不到（请先导入行政复议台账）",
        "第13行【案号】“已有”（湘江县人民法院，被告白沙镇人民政府）已在系统中登记",
        "第14行【审级】“三审”不是有效的取值，可选：一审、二审、再审",
        "第15行【未出庭理由】负责人出庭的，不应填写此项",
        "第16行【出庭负责人职务】负责人未出庭的，不应填写此项",
    ]
    assert counts() == before


@pytest.mark.django_db
def test_service_objections_are_row_errors(county: County) -> None:
    before = counts()
    rows = [
        line("好", 开庭日期="2025-03-10", **APPEARED),
        line("无职务", 开庭日期="2025-03-10", 负责人是否出庭="是", 出庭负责人类别="正职"),
        line("无类别", 开庭日期="2025-03-10", 负责人是否出庭="是", 出庭负责人职务="镇长"),
        line("无理由", 开庭日期="2025-03-10", 负责人是否出庭="否"),
        line("早于立案", 开庭日期="2025-02-01", **APPEARED),
        line("未来", 立案日期="2025-07-01"),
        line("裁判早于立案", 裁判日期="2025-02-01", 裁判结果="原告撤诉"),
    ]
    result = run(county, rows)
    assert [str(e) for e in result.errors] == [
        "第3行【出庭负责人职务】负责人出庭的，请填写出庭负责人职务",
        "第4行【出庭负责人类别】请选择负责人类别（正职、副职或其他分管负责人）",
        "第5行【未出庭理由】负责人未出庭的，请填写未出庭理由",
        "第6行【开庭日期】不能早于立案日期（2025年2月10日）",
        "第7行【立案日期】不能晚于今天（2025年6月30日）",
        "第8行【裁判日期】不能早于开庭（立案）日期（2025年2月10日）",
    ]
    assert counts() == before


@pytest.mark.django_db
def test_same_number_in_another_court_or_defendant_is_another_case(county: County) -> None:
    rows = [
        line("（2025）1号"),
        line("（2025）1号", 法院="湘江市中级人民法院", 审级="二审"),
        line("（2025）1号", 被告="湘江县司法局"),
    ]
    assert run(county, rows).summary() == "导入完成：新增 3 件，开庭记录 0 次"


@pytest.mark.django_db
def test_bad_cells_in_a_multi_row_case_are_reported_not_crashing(county: County) -> None:
    rows = [
        line("坏", 立案日期="不详", 开庭日期="2025-03-10", **APPEARED),
        line("坏", 立案日期="不详", 开庭日期="某日", **APPEARED),
    ]
    assert [str(e) for e in run(county, rows).errors] == [
        "第2行【立案日期】无法识别的日期“不详”，请使用 2024-03-05、2024/3/5 或 2024年3月5日 格式",
        "第3行【立案日期】无法识别的日期“不详”，请使用 2024-03-05、2024/3/5 或 2024年3月5日 格式",
        "第3行【开庭日期】无法识别的日期“某日”，请使用 2024-03-05、2024/3/5 或 2024年3月5日 格式",
    ]


@pytest.mark.django_db
def test_statutory_dates_give_the_defence_and_appeal_deadlines(county: County) -> None:
    """收到起诉状副本 → 答辩举证期限 (第67条), 裁判文书送达 → 上诉期限 (第85条), as on the
    case page; a late defence is noted on the timeline (第34条)."""
    rows = [
        line(
            "（2025）湘0199行初21号",
            收到起诉状副本日期="2025-02-12",
            提交答辩状和证据日期="2025-03-03",
            裁判日期="2025-05-08",
            裁判结果="败诉：撤销或部分撤销",
            裁判文书送达日期="2025-05-12",
        ),
        line("（2025）湘0199行初22号", 收到起诉状副本日期="2025-02-14"),
    ]
    result = run(county, rows)
    assert result.ok, [str(e) for e in result.errors]
    done = LitigationCase.objects.get(number="（2025）湘0199行初21号")
    assert (done.complaint_received_on, done.defence_due) == (D(2025, 2, 12), D(2025, 2, 27))
    assert done.defence_filed_on == D(2025, 3, 3)
    assert (done.served_on, done.document, done.appeal_due) == (
        D(2025, 5, 12),
        "judgment",
        D(2025, 5, 27),
    )
    assert "视为没有相应证据" in " ".join(done.events.values_list("note", flat=True))
    pending = LitigationCase.objects.get(number="（2025）湘0199行初22号")
    assert pending.defence_due == D(2025, 3, 3)  # 2/14 + 15 = 3/1 (Sat), moved to Mon 3/3


@pytest.mark.django_db
def test_statutory_dates_that_the_steps_refuse_are_row_errors(county: County) -> None:
    before = counts()
    rows = [
        line("二审", 审级="二审", 收到起诉状副本日期="2025-02-12"),
        line("早于立案", 收到起诉状副本日期="2025-02-01"),
        line("无副本", 提交答辩状和证据日期="2025-03-01"),
        line(
            "送达早于裁判",
            裁判日期="2025-05-08",
            裁判结果="原告撤诉",
            裁判文书送达日期="2025-05-01",
        ),
    ]
    result = run(county, rows)
    assert [str(e) for e in result.errors] == [
        "第2行【收到起诉状副本日期】起诉状副本在一审程序中发送被告，二审、再审案件不填写",
        "第3行【收到起诉状副本日期】不能早于立案日期（2025年2月10日）",
        "第4行【提交答辩状和证据日期】请先登记收到起诉状副本的日期（答辩举证期限从该日起算）",
        "第5行【裁判文书送达日期】不能早于裁判日期（2025年5月8日）",
    ]
    assert counts() == before
