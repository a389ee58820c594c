"""Excel import/export of the three 人民调解 registers (``fazhi import/export mediation``,
``mediation_committees``, ``mediation_mediators``): round trips, --dry-run, a bad file refused
whole with row and column named, and the replay of a case's steps in date order."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from tests.mediation.conftest import MakeCase, MakeCommittee, d
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.mediation.models import Case, Committee, Mediator

pytestmark = pytest.mark.django_db

COMMITTEE = {
    "调委会名称": "白沙镇人民调解委员会",
    "所属单位": "白沙镇人民政府",
    "类型": "乡镇（街道）",
    "主任": "刘主任",
    "委员人数": 5,
    "本届任期开始日期": "2024-02-29",
    "备案日期": "2024-03-05",
}
MEDIATOR = {
    "姓名": "王调解",
    "调委会": "白沙镇人民调解委员会",
    "专兼职": "兼职",
    "联系电话": "13987654321",
    "聘任日期": "2024-03-01",
    "最近培训日期": "2026-04-01",
    "本年度参加培训次数": 2,
}
CASE = {
    "编号": "（2025）白调字第1号",
    "调委会": "白沙镇人民调解委员会",
    "受理日期": "2025-08-20",
    "纠纷来源": "当事人申请",
    "纠纷类型": "邻里",
    "申请方当事人": "张三丰",
    "申请方联系电话": "13812345678",
    "对方当事人": "李四光",
    "调解员": "王调解",
    "涉及金额（元）": 3000,
    "调解结果": "调解成功",
    "办结日期": "2025-09-01",
    "协议形式": "书面协议",
    "协议主要内容": "赔偿三千元",
    "履行情况": "已履行",
    "履行情况登记日期": "2025-09-20",
    "申请司法确认日期": "2025-10-09",
    "受理法院": "湘江县人民法院",
    "司法确认结果": "确认有效",
    "司法确认结果日期": "2025-10-20",
}
FAILED = {
    **{k: CASE[k] for k in ("调委会", "受理日期", "纠纷来源", "申请方当事人", "对方当事人")},
    "编号": "（2025）白调字第2号",
    "纠纷类型": "contract",
    "调解结果": "调解不成",
    "办结日期": "2025-09-05",
    "告知的其他途径": "仲裁；司法",
}


def xlsx(rows: list[dict[str, Any]], title: str = "Sheet") -> bytes:
    headers: list[str] = []
    for row in rows:
        headers += [h for h in row if h not in headers]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        raise AssertionError(f"{exc}\n{err.getvalue()}") from None
    return out.getvalue().strip()


def refused(*args: str) -> list[str]:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(*args, stdout=StringIO(), stderr=err)
    return err.getvalue().splitlines()


def rows_of(path: Path) -> list[dict[str, Any]]:
    book = load_workbook(path, read_only=True)
    lines = list(book.worksheets[0].iter_rows(values_only=True))
    return [dict(zip(lines[0], r, strict=True)) for r in lines[1:]]


def test_committees_and_mediators_round_trip(county: County, tmp_path: Path) -> None:
    unit = county.town_a.code
    path = tmp_path / "c.xlsx"
    path.write_bytes(xlsx([COMMITTEE]))
    assert "可新增 1" in run(
        "import", "mediation_committees", str(path), "--unit", unit, "--dry-run"
    )
    assert not Committee.objects.exists()
    run("import", "mediation_committees", str(path), "--unit", unit)
    committee = Committee.objects.get()
    assert (committee.term_end, committee.members) == (d("2027-02-28"), 5)
    mpath = tmp_path / "m.xlsx"
    mpath.write_bytes(xlsx([MEDIATOR]))
    run("import", "mediation_mediators", str(mpath), "--unit", unit)
    mediator = Mediator.objects.get()
    assert (mediator.committee, mediator.phone) == (committee, "13987654321")

    out = tmp_path / "out.xlsx"
    run("export", "mediation_committees", "--unit", unit, "--out", str(out))
    [row] = rows_of(out)
    assert row["本届任期届满日期"].date() == d("2027-02-28") and row["状态"] == "在任"
    assert row["类型"] == "乡镇（街道）" and row["所属单位"] == "白沙镇人民政府"
    mout = tmp_path / "mout.xlsx"
    run("export", "mediation_mediators", "--unit", unit, "--out", str(mout))
    [mrow] = rows_of(mout)
    assert "联系电话" not in mrow and mrow["调委会"] == "白沙镇人民调解委员会"
    # re-import the exported committee into another township: a second record, same values
    again = {k: v for k, v in row.items() if k not in ("本届任期届满日期", "状态")}
    again |= {"所属单位": "黄金乡人民政府"}
    p2 = tmp_path / "again.xlsx"
    p2.write_bytes(xlsx([again]))
    run("import", "mediation_committees", str(p2), "--unit", county.root.code)
    other = Committee.objects.get(unit=county.town_b)
    assert (other.term_start, other.term_end) == (committee.term_start, committee.term_end)


def test_cases_replay_and_round_trip(
    county: County, tmp_path: Path, make_committee: MakeCommittee
) -> None:
    make_committee(name="白沙镇人民调解委员会")
    unit = county.town_a.code
    path = tmp_path / "cases.xlsx"
    path.write_bytes(xlsx([CASE, FAILED]))
    assert run("import", "mediation", str(path), "--unit", unit, "--dry-run").startswith("校验通过")
    assert not Case.objects.exists()
    run("import", "mediation", str(path), "--unit", unit)
    ok = Case.objects.get(number=CASE["编号"])
    assert (ok.status, ok.confirmation_due, ok.confirmation_applied_on) == (
        "success",
        d("2025-10-09"),
        d("2025-10-09"),
    )
    assert (ok.performance, ok.confirmation_result, ok.applicant_name) == (
        "performed",
        "valid",
        "张三丰",
    )
    assert list(ok.events.order_by("on", "id").values_list("kind", flat=True)) == [
        "受理",
        "调解成功",
        "履行情况",
        "申请司法确认",
        "司法确认结果",
    ]
    failed = Case.objects.get(number=FAILED["编号"])
    assert (failed.status, failed.routes, failed.dispute_type.name) == (
        "failed",
        "arbitration,judicial",
        "合同",
    )
    assert AuditEntry.objects.filter(action="mediation.register").count() == 2

    out = tmp_path / "out.xlsx"
    run("export", "mediation", "--unit", unit, "--year", "2025", "--out", str(out))
    exported = {r["编号"]: r for r in rows_of(out)}
    assert "申请方当事人" not in exported[CASE["编号"]]  # personal data never exported
    assert exported[CASE["编号"]]["司法确认申请期限"].date() == d("2025-10-09")
    assert exported[FAILED["编号"]]["告知的其他途径"] == "仲裁；司法"
    # round trip: the exported rows (plus the parties) import again as the same cases
    Case.objects.all().delete()
    back = [
        {k: v for k, v in r.items() if k != "司法确认申请期限" and v is not None}
        | {"申请方当事人": "张三丰", "对方当事人": "李四光"}
        for r in exported.values()
    ]
    p2 = tmp_path / "back.xlsx"
    p2.write_bytes(xlsx(back))
    run("import", "mediation", str(p2), "--unit", unit)
    again = Case.objects.get(number=CASE["编号"])
    for field in (
        "status",
        "agreement_on",
        "confirmation_due",
        "confirmation_result",
        "performance",
        "amount",
        "dispute_type_id",
    ):
        assert getattr(again, field) == getattr(ok, field), field


def test_bad_case_file_refused_whole(
    county: County, tmp_path: Path, make_committee: MakeCommittee
) -> None:
    make_committee(name="白沙镇人民调解委员会")
    rows = [
        CASE,
        {**CASE, "编号": "2", "调委会": "无此调委会"},
        {**CASE, "编号": "3", "申请司法确认日期": "2025-10-10"},  # one day late
        {
            **CASE,
            "编号": "4",
            "调解结果": "调解不成",
            "告知的其他途径": None,
            "协议形式": None,
            "协议主要内容": None,
            "履行情况": None,
            "履行情况登记日期": None,
            "申请司法确认日期": None,
            "受理法院": None,
            "司法确认结果": None,
            "司法确认结果日期": None,
        },
        {**CASE, "编号": "5", "纠纷类型": "打架"},
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(rows))
    lines = refused("import", "mediation", str(path), "--unit", county.town_a.code)
    assert lines == [
        "第3行【调委会】调委会“无此调委会”在导入单位范围内找不到（请先导入调委会）",
        "第4行【申请司法确认日期】申请司法确认日期（2025年10月10日）已超过申请司法确认的期限"
        "（2025年10月9日）：应自调解协议生效之日起三十日内申请（人民调解法第三十三条），"
        "逾期的申请不予登记",
        "第5行【告知的其他途径】调解不成的，应当告知当事人依法通过仲裁、行政、司法等途径维护权利"
        "（人民调解法第二十六条）：请至少选择一种已告知的途径",
        "第6行【纠纷类型】纠纷类型“打架”不存在",
    ]
    assert not Case.objects.exists()


def test_bad_committee_file_refused_whole(county: County, tmp_path: Path) -> None:
    rows = [COMMITTEE, {**COMMITTEE, "调委会名称": "乙", "委员人数": 12}]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(rows))
    lines = refused("import", "mediation_committees", str(path), "--unit", county.town_a.code)
    assert lines == ["第3行【委员人数】应为3至9人（人民调解法第八条）"]
    assert not Committee.objects.exists()


def test_case_export_is_scoped(
    county: County, tmp_path: Path, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    make_case(make_committee(unit=county.town_a))
    make_case(make_committee(unit=county.town_b))
    out = tmp_path / "out.xlsx"
    run("export", "mediation", "--unit", county.town_b.code, "--out", str(out))
    assert len(rows_of(out)) == 1
