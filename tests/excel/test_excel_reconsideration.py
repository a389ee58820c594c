"""行政复议 import: every final state, every kind of row error, duplicates, all-or-nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.excel.helpers import counts, xlsx
from tests.personas import County

from fazhi.core.excel import ImportResult
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services
from fazhi.reconsideration.excel import import_xlsx
from fazhi.reconsideration.models import (
    AcceptanceKind,
    Outcome,
    Procedure,
    ReconsiderationCase,
    Status,
    SuspensionGround,
)

D = dt.date


def row(number: str, state: str, **cells: Any) -> dict[str, Any]:
    base = {
        "复议案号": number,
        "被申请人": "白沙镇人民政府",
        "申请人类别": "自然人",
        "收到申请日期": "2025-03-03",
        "行政行为类别": "行政处罚",
        "受理情况": state,
    }
    return {**base, **cells}


def run(county: County, rows: list[dict[str, Any]], *, dry_run: bool = False) -> ImportResult:
    return import_xlsx(
        xlsx(rows), actor=Actor.command_line(county.dept), unit=county.dept, dry_run=dry_run
    )


def case(number: str) -> ReconsiderationCase:
    return ReconsiderationCase.objects.get(number=number)


ALL_STATES = [
    row("审查", "审查中", 收到申请日期="2025-06-26"),
    row(
        "补正后审查",
        "审查中",
        收到申请日期="2025-06-02",
        补正通知日期="2025-06-04",
        收到补正材料日期="2025-06-25",
    ),
    row("补正", "补正中", 收到申请日期="2025-06-16", 补正通知日期="2025-06-18"),
    row("放弃", "视为放弃申请", 补正通知日期="2025-03-05"),
    row("不受理", "不予受理", 不予受理决定日期="2025-03-07", 不予受理理由="超过申请期限"),
    row("视为受理", "视为受理"),
    row("审理中", "受理", 受理日期="2025-03-05", 审理程序="普通程序"),
    row(
        "中止中",
        "受理",
        收到申请日期="2025-03-28",
        受理日期="2025-04-01",
        审理程序="简易程序",
        中止日期="2025-05-06",
        中止情形="（八）",
    ),
    row(
        "审结",
        "受理",
        受理日期="2025/3/5",
        审理程序="普通程序",
        中止日期="2025-03-20",
        恢复日期="2025-04-10",
        中止情形="（六）依照本法规定进行调解、和解，申请人和被申请人同意中止",
        延期批准日期="2025-05-01",
        延长天数=30,
        结案日期="2025年6月10日",
        结案方式="维持",
    ),
    row(
        "中止中和解",
        "受理",
        受理日期="2025-03-05",
        审理程序="普通程序",
        中止日期="2025-04-01",
        结案日期="2025-05-20",
        结案方式="和解后撤回",
    ),
    row(
        "两次中止",
        "受理",
        受理日期="2025-03-05",
        审理程序="普通程序",
        中止日期="2025-05-01；2025-04-01",  # in any order, paired with 恢复日期 by position
        恢复日期="2025-05-20；2025-04-10",
        结案日期="2025-06-20",
        结案方式="撤销",
    ),
]


@pytest.mark.django_db
def test_every_final_state(county: County) -> None:
    result = run(county, ALL_STATES)
    assert result.errors == []
    assert result.summary() == "导入完成：新增 11 件"
    assert ReconsiderationCase.objects.filter(unit=county.dept).count() == 11

    c = case("审查")
    assert (c.status, c.review_due, c.current_due) == (
        Status.REVIEWING,
        D(2025, 7, 3),
        D(2025, 7, 3),
    )
    c = case("补正后审查")
    assert c.status == Status.REVIEWING
    assert c.correction_received_on == D(2025, 6, 25)
    assert c.review_due == D(2025, 7, 2)  # 5 working days from the corrected application
    c = case("补正")
    assert (c.status, c.correction_due) == (Status.CORRECTING, D(2025, 7, 2))
    c = case("放弃")
    assert (c.status, c.correction_due, c.current_due) == (Status.ABANDONED, D(2025, 3, 19), None)
    assert c.events.last().on == D(2025, 3, 20)  # type: ignore[union-attr]
    c = case("不受理")
    assert (c.status, c.refused_on, c.refusal_reason) == (
        Status.NOT_ACCEPTED,
        D(2025, 3, 7),
        "超过申请期限",
    )
    c = case("视为受理")
    assert (c.status, c.accepted_on, c.acceptance_kind, c.procedure) == (
        Status.ACCEPTED,
        D(2025, 3, 10),
        AcceptanceKind.DEEMED,
        Procedure.ORDINARY,
    )
    c = case("审理中")
    assert (c.status, c.decision_due) == (Status.ACCEPTED, D(2025, 5, 6))
    c = case("中止中")
    assert (c.status, c.procedure) == (Status.SUSPENDED, Procedure.SIMPLE)
    assert [(s.ground, s.suspended_on, s.resumed_on) for s in c.suspensions.all()] == [
        (SuspensionGround.G8, D(2025, 5, 6), None)
    ]
    c = case("审结")
    assert (c.status, c.outcome, c.closed_on) == (Status.CLOSED, Outcome.UPHOLD, D(2025, 6, 10))
    assert (c.suspended_days, c.extension_days, c.closed_on_time, c.handling_days) == (
        21,
        30,
        True,
        97,
    )
    assert c.suspensions.get().ground == SuspensionGround.G6
    c = case("中止中和解")
    assert (c.status, c.outcome) == (Status.CLOSED, Outcome.SETTLED_WITHDRAWN)
    assert c.suspensions.get().resumed_on == D(2025, 5, 20)  # closed while suspended
    c = case("两次中止")
    assert [(s.suspended_on, s.resumed_on) for s in c.suspensions.all()] == [
        (D(2025, 4, 1), D(2025, 4, 10)),
        (D(2025, 5, 1), D(2025, 5, 20)),
    ]
    assert c.suspended_days == 28
    assert all(s.ground == SuspensionGround.G10 for s in c.suspensions.all())  # default


@pytest.mark.django_db
def test_import_equals_entry_through_the_services(county: County) -> None:
    """An imported case stores what the same steps entered on screen store."""
    actor = county.actor("dept_clerk")
    typed = services.case_receive(
        actor=actor,
        unit=county.dept,
        number="手工",
        received_on=D(2025, 3, 3),
        act_category="penalty",
        respondent=county.town_a,
        applicant_name="张三",
    )
    typed = services.case_accept(actor=actor, case=typed, accepted_on=D(2025, 3, 5))
    typed = services.case_suspend(actor=actor, case=typed, suspended_on=D(2025, 3, 20), ground="6")
    typed = services.case_resume(actor=actor, case=typed, resumed_on=D(2025, 4, 10))
    typed = services.case_extend(actor=actor, case=typed, approved_on=D(2025, 5, 1), days=30)
    typed = services.case_close(actor=actor, case=typed, closed_on=D(2025, 6, 10), outcome="uphold")
    assert run(county, [ALL_STATES[8] | {"申请人": "张三"}]).errors == []
    imported = case("审结")
    skip = {"id", "number", "created_at", "updated_at"}
    fields = [f.attname for f in ReconsiderationCase._meta.concrete_fields if f.name not in skip]
    assert {f: getattr(imported, f) for f in fields} == {f: getattr(typed, f) for f in fields}
    assert imported.applicant_name == "张三"  # stored encrypted by the field
    assert [e.kind for e in imported.events.all()] == [e.kind for e in typed.events.all()]


@pytest.mark.django_db
def test_deemed_acceptance(county: County) -> None:
    # The deemed date is the review deadline; a different 受理日期 is an error.
    result = run(county, [row("A", "视为受理", 受理日期="2025-03-11")])
    assert [str(e) for e in result.errors] == [
        "第2行【受理日期】视为受理的日期为受理审查期限届满日（2025年3月10日），"
        "与所填日期（2025年3月11日）不一致"
    ]
    assert run(county, [row("A", "视为受理", 受理日期="2025-03-10")]).errors == []
    # Before the review period has ended a case cannot be deemed accepted.
    result = run(county, [row("B", "视为受理", 收到申请日期="2025-06-26")])
    assert [str(e) for e in result.errors] == [
        "第2行【受理情况】受理审查期限至2025年7月3日届满，届满前不能视为受理"
    ]


@pytest.mark.django_db
def test_every_kind_of_row_error_listed_and_nothing_written(county: County) -> None:
    assert run(county, [row("已有", "审查中")]).errors == []
    before = counts()
    rows = [
        row("好的", "受理", 受理日期="2025-03-05", 审理程序="普通程序"),  # row 2: fine
        row("格式", "受理", 收到申请日期="2025-02-30", 受理日期="2025-03-05", 审理程序="普通"),
        row("取值", "已结", 行政行为类别="罚款"),  # row 4
        row("", "审查中", 申请人类别=None),  # row 5: required cells blank
        row("状态", "审查中", 结案日期="2025-06-01", 结案方式="维持"),  # row 6
        row("缺项", "受理"),  # row 7
        row("成对", "受理", 受理日期="2025-03-05", 审理程序="普通程序", 结案日期="2025-06-01"),
        row("好的", "审查中"),  # row 9: duplicate in the file
        row("已有", "审查中"),  # row 10: already registered
        row("中止", "受理", 受理日期="2025-03-05", 审理程序="普通程序", 恢复日期="2025-04-01"),
        row("补正", "不予受理", 补正通知日期="2025-03-04", 不予受理决定日期="2025-03-07"),
    ]
    result = run(county, rows)
    assert [str(e) for e in result.errors] == [
        "第3行【收到申请日期】日期“2025-02-30”不存在（2025年2月30日）",
        "第4行【行政行为类别】“罚款”不是有效的取值，可选：行政处罚、行政许可、政府信息公开、"
        "举报投诉处理、行政征收、行政强制、行政不作为、行政确认、行政协议、其他",
        "第4行【受理情况】“已结”不是有效的取值，可选：受理、视为受理、不予受理、审查中、补正中、"
        "视为放弃申请、受理前撤回申请",
        "第5行【复议案号】必填，不能为空",
        "第5行【申请人类别】必填，不能为空",
        "第6行【结案日期】受理情况为“审查中”的案件不应填写此项",
        "第6行【结案方式】受理情况为“审查中”的案件不应填写此项",
        "第7行【受理日期】受理情况为“受理”的案件必须填写",
        "第7行【审理程序】受理情况为“受理”的案件必须填写",
        "第8行【结案方式】填写了结案日期的，此项必填",
        "第9行【复议案号】“好的”与第2行重复",
        "第10行【复议案号】“已有”已在系统中登记",
        "第11行【恢复日期】恢复日期比中止日期多",
        "第12行【收到补正材料日期】已通知补正、受理情况为“不予受理”的，应填写收到补正材料日期",
        "第12行【不予受理理由】受理情况为“不予受理”的案件必须填写",
    ]
    assert result.summary() == "导入失败：发现 15 处错误，未写入任何数据"
    assert counts() == before


@pytest.mark.django_db
def test_service_objections_name_row_and_column_and_roll_back(county: County) -> None:
    before = counts()
    rows = [
        row("好的", "受理", 受理日期="2025-03-05", 审理程序="普通程序"),  # written, then undone
        row("早于", "受理", 受理日期="2025-03-01", 审理程序="普通程序"),
        row("未来", "审查中", 收到申请日期="2025-07-01"),
        row(
            "延期",
            "受理",
            受理日期="2025-03-05",
            审理程序="普通程序",
            延期批准日期="2025-04-01",
            延长天数=40,
        ),
        row(
            "简易延期",
            "受理",
            受理日期="2025-03-05",
            审理程序="简易程序",
            延期批准日期="2025-03-20",
            延长天数=10,
        ),
        row(
            "中止时延期",
            "受理",
            受理日期="2025-03-05",
            审理程序="普通程序",
            中止日期="2025-03-10",
            恢复日期="2025-04-10",
            延期批准日期="2025-03-20",
            延长天数=10,
        ),
        row(
            "中止结案",
            "受理",
            受理日期="2025-03-05",
            审理程序="普通程序",
            中止日期="2025-03-10",
            结案日期="2025-04-01",
            结案方式="维持",
        ),
        row("逾期拒绝", "不予受理", 不予受理决定日期="2025-03-20", 不予受理理由="不符合条件"),
        row(
            "晚于",
            "受理",
            受理日期="2025-03-05",
            审理程序="普通程序",
            结案日期="2025-03-04",
            结案方式="维持",
        ),
    ]
    result = run(county, rows)
    assert [str(e) for e in result.errors] == [
        "第3行【受理日期】不能早于收到申请（补正材料）日期（2025年3月3日）",
        "第4行【收到申请日期】不能晚于今天（2025年6月30日）",
        "第5行【延长天数】应在 1 至 30 日之间",
        "第6行【延期批准日期】简易程序案件不能延长审理期限；确需延长的，应先转为普通程序",
        "第7行【延期批准日期】案件当前状态为“中止”，不能延长审理期限",
        "第8行【结案方式】案件处于中止状态，只能以调解、和解、撤回或终止结案；作出复议决定前应先恢复审理",
        "第9行【不予受理决定日期】受理审查期限已于2025年3月10日届满，依法视为受理，不能再作出不予受理决定；"
        "受理后发现不符合受理条件的，应当决定驳回申请",
        "第10行【结案日期】不能早于受理（中止、恢复）日期（2025年3月5日）",
    ]
    assert counts() == before


@pytest.mark.django_db
def test_check_errors_and_service_errors_in_one_pass(county: County) -> None:
    rows = [
        row("格式", "受理", 受理日期="2025-13-05", 审理程序="普通程序"),
        row("早于", "受理", 受理日期="2025-03-01", 审理程序="普通程序"),
    ]
    assert [str(e) for e in run(county, rows).errors] == [
        "第2行【受理日期】日期“2025-13-05”不存在（2025年13月5日）",
        "第3行【受理日期】不能早于收到申请（补正材料）日期（2025年3月3日）",
    ]


@pytest.mark.django_db
def test_dry_run_writes_nothing(county: County) -> None:
    before = counts()
    result = run(county, ALL_STATES, dry_run=True)
    assert result.errors == []
    assert result.summary() == "校验通过：可新增 11 件（尚未写入）"
    assert counts() == before


@pytest.mark.django_db
def test_respondent_matching(county: County) -> None:
    rows = [
        row("名称", "审查中", 被申请人="白沙镇人民政府"),
        row("编码", "审查中", 被申请人="430199102"),
        row("简称", "审查中", 被申请人="湘江县"),
        row("外部", "审查中", 被申请人="湖南省自然资源厅"),
    ]
    assert run(county, rows).errors == []
    assert case("名称").respondent == county.town_a
    assert case("编码").respondent == county.town_b
    assert case("简称").respondent == county.root
    outside = case("外部")
    assert (outside.respondent, outside.respondent_name) == (None, "湖南省自然资源厅")
    # The township sees the case it is respondent in.
    assert case("名称").authority == "湘江县人民政府"


@pytest.mark.django_db
def test_missing_required_column_stops_before_any_service(county: County) -> None:
    data = xlsx([{"复议案号": "A", "被申请人": "白沙镇人民政府"}])
    result = import_xlsx(data, actor=Actor.command_line(county.dept), unit=county.dept)
    assert [str(e) for e in result.errors] == [
        "第1行【申请人类别】缺少必填列",
        "第1行【收到申请日期】缺少必填列",
        "第1行【行政行为类别】缺少必填列",
        "第1行【受理情况】缺少必填列",
    ]


@pytest.mark.django_db
def test_empty_file(county: County) -> None:
    data = xlsx(
        [],
        headers=["复议案号", "被申请人", "申请人类别", "收到申请日期", "行政行为类别", "受理情况"],
    )
    result = import_xlsx(data, actor=Actor.command_line(county.dept), unit=county.dept)
    assert [str(e) for e in result.errors] == ["文件：文件中没有数据行"]


@pytest.mark.django_db
def test_only_an_editor_in_scope_may_import(county: County) -> None:
    from django.core.exceptions import PermissionDenied

    data = xlsx([row("A", "审查中")])
    with pytest.raises(PermissionDenied):
        import_xlsx(data, actor=county.actor("leader"), unit=county.dept)
    with pytest.raises(PermissionDenied):
        import_xlsx(data, actor=county.actor("clerk_a"), unit=county.dept)
    assert import_xlsx(data, actor=county.actor("dept_clerk"), unit=county.dept).ok


@pytest.mark.django_db
def test_inconsistent_rows_never_reach_the_services(county: County) -> None:
    rows = [
        row(
            "三次两项",
            "受理",
            受理日期="2025-03-05",
            审理程序="普通程序",
            中止日期="2025-03-10；2025-04-01；2025-05-01",
            恢复日期="2025-03-20；2025-04-10",
            中止情形="（六）；（七）",
        ),
        row("坏日期", "受理", 受理日期="2025-03-05", 审理程序="普通程序", 中止日期="昨天"),
    ]
    assert [str(e) for e in run(county, rows).errors] == [
        "第2行【中止情形】填写了2个中止情形，但有3次中止",
        "第3行【中止日期】无法识别的日期“昨天”，请使用 2024-03-05、2024/3/5 或 2024年3月5日 格式",
    ]
