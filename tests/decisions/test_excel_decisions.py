"""重大行政决策 in Excel (``fazhi import/export decisions``): the round trip (export from 白沙镇
→ import into the empty 黄金乡 → the same figures and the same checklist), the template, and a
file with one bad row in the middle (nothing written, row and column named). Time frozen at
2025-12-31."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from tests.decisions.conftest import POSITIONS, conclude, d, fresh
from tests.personas import County

from fazhi.decisions import services as svc
from fazhi.decisions.models import Decision
from fazhi.legality.models import Review
from fazhi.metrics.periods import Period
from fazhi.metrics.selectors import metric_value
from fazhi.orgs.models import OrgUnit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

CODES = (
    "decisions.decided",
    "decisions.listed",
    "decisions.procedure_rate",
    "decisions.evaluations",
    "decisions.exploratory",
)


def run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        raise AssertionError(f"{exc}\n{err.getvalue()}") from None
    return out.getvalue().strip()


def township_decisions(county: County) -> None:
    """Three decisions of 白沙镇 (its 司法所 = the township reviews): published and archived;
    sent for review with 专家论证 不适用; only listed."""
    actor, town = county.actor("clerk_a"), county.town_a

    def new(title: str, **kw: Any) -> Decision:
        return svc.decision_register(
            actor=actor,
            unit=town,
            lead_unit=town,
            title=title,
            category="policy",
            listed_on=d("2025-02-10"),
            **kw,
        )

    full = new("白沙镇农贸市场改造方案", exploratory=True, legal_risk="收费依据待明确")
    svc.decision_start(actor=actor, decision=full, started_on=d("2025-02-20"))
    svc.decision_participate(
        actor=actor,
        decision=full,
        methods="座谈会",
        started_on=d("2025-03-03"),
        ended_on=d("2025-03-20"),
        shortened_reason="春耕前须实施",
    )
    svc.decision_expert(
        actor=actor,
        decision=full,
        done_on=d("2025-03-21"),
        performed_by="县规划院",
        participants="专家3名",
        signed=True,
    )
    svc.decision_risk(
        actor=actor,
        decision=full,
        done_on=d("2025-03-25"),
        performed_by="镇综治中心",
        risk_points="摊贩安置",
        measures="过渡摊位",
        risk_controllable=True,
    )
    svc.decision_submit_review(
        actor=actor, decision=full, submitted_on=d("2025-03-26"), review_unit=town
    )
    conclude(county, fresh(full).legality_review, "amended", on="2025-04-08", persona="clerk_a")
    svc.decision_propose(actor=actor, decision=fresh(full), proposed_on=d("2025-04-09"))
    svc.decision_party_report(actor=actor, decision=fresh(full), done_on=d("2025-04-10"))
    svc.decision_discuss(
        actor=actor,
        decision=fresh(full),
        decided_on=d("2025-04-15"),
        meeting_kind="standing",
        meeting="镇政府第3次会议",
        positions=POSITIONS,
    )
    svc.decision_publish(
        actor=actor, decision=fresh(full), published_on=d("2025-04-20"), methods="镇政务公开栏"
    )
    svc.decision_archive(actor=actor, decision=fresh(full), done_on=d("2025-04-30"))

    second = new("白沙镇村庄规划调整")
    svc.decision_start(actor=actor, decision=second, started_on=d("2025-02-20"))
    svc.decision_not_applicable(actor=actor, decision=second, kind="expert", reason="专业性不强")
    svc.decision_not_applicable(actor=actor, decision=second, kind="risk", reason="无稳定风险")
    svc.decision_participate(
        actor=actor,
        decision=second,
        methods="书面征求意见",
        started_on=d("2025-05-06"),
        ended_on=d("2025-06-05"),
    )
    svc.decision_submit_review(
        actor=actor, decision=second, submitted_on=d("2025-06-10"), review_unit=town
    )
    new("白沙镇集镇停车管理办法")


def figures(county: County, unit: OrgUnit) -> dict[str, Any]:
    actor = county.actor("coordinator")
    period = Period.for_year(2025)
    return {c: metric_value(actor=actor, unit=unit, period=period, code=c).value for c in CODES}


def checklist(unit: OrgUnit) -> dict[str, Any]:
    found = {}
    for x in Decision.objects.filter(unit=unit).prefetch_related("procedures", "positions"):
        rows = {
            p.kind_id: (p.state, p.done_on, p.started_on, p.ended_on, p.na_reason)
            for p in x.procedures.all()
        }
        review = x.legality_review
        found[x.title] = (
            x.status,
            x.procedures_complete,
            x.decided_on,
            x.published_on,
            x.exploratory,
            review.conclusion if review else None,
            rows,
            x.positions_text,
        )
    return found


def test_round_trip_into_an_empty_unit(county: County, tmp_path: Path) -> None:
    township_decisions(county)
    out = tmp_path / "out.xlsx"
    message = run(
        "export", "decisions", "--unit", county.town_a.code, "--year", "2025", "--out", str(out)
    )
    assert message == f"已导出重大行政决策 3 件（白沙镇人民政府，2025年）：{out}"
    book = load_workbook(out)
    sheet = book["重大行政决策"]
    headers = [c.value for c in sheet[1]]
    for required in (
        "决策事项",
        "承办单位",
        "纳入目录日期",
        "年度",
        "公众参与日期",
        "专家论证日期",
        "风险评估日期",
        "合法性审查结论",
        "集体讨论日期",
        "公布日期",
    ):
        assert required in headers
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.value == county.town_a.name:
                cell.value = county.town_b.name
    book.save(out)
    assert not Decision.objects.filter(unit=county.town_b).exists()
    assert (
        run("import", "decisions", str(out), "--unit", county.town_b.code) == "导入完成：新增 3 件"
    )
    assert figures(county, county.town_b) == figures(county, county.town_a)
    assert figures(county, county.town_a)["decisions.procedure_rate"] is not None
    assert checklist(county.town_b) == checklist(county.town_a)
    assert Review.objects.filter(unit=county.town_b, category__code="major_decision").count() == 2


def test_template(tmp_path: Path) -> None:
    template = tmp_path / "template.xlsx"
    run("export", "decisions", "--template", "--out", str(template))
    book = load_workbook(template, read_only=True)
    headers = next(book["重大行政决策"].iter_rows(values_only=True))
    assert "状态" not in headers and "年度" not in headers
    assert headers[:5] == ("决策事项", "决策机关", "承办单位", "事项类别", "纳入目录日期")


HEAD = [
    "决策事项",
    "决策机关",
    "承办单位",
    "事项类别",
    "纳入目录日期",
    "公众参与日期",
    "征求意见截止日期",
    "专家论证日期",
    "专家论证组织单位",
    "论证专家",
    "不适用的程序",
]


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "重大行政决策"
    sheet.append(HEAD)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_bad_row_in_the_middle_changes_nothing(county: County, tmp_path: Path) -> None:
    town = "白沙镇人民政府"
    good = [
        "甲事项",
        town,
        town,
        "重大公共政策和措施",
        "2025-02-10",
        "2025-03-03",
        "2025-04-02",
        "2025-03-20",
        "县规划院",
        "专家3名",
        "风险评估：无稳定风险",
    ]
    short = [
        "乙事项",
        town,
        town,
        "重大公共政策和措施",
        "2025-02-10",
        "2025-03-03",
        "2025-03-20",
        None,
        None,
        None,
        "专家论证：不专业",
    ]
    last = [
        "丙事项",
        town,
        town,
        "重大公共政策和措施",
        "2025-02-11",
        None,
        None,
        None,
        None,
        None,
        "合法性审查：不需要",
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([good, short, last]))
    before = (Decision.objects.count(), Review.objects.count())
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command(
            "import",
            "decisions",
            str(path),
            "--unit",
            county.town_a.code,
            stdout=StringIO(),
            stderr=err,
        )
    assert str(info.value) == "导入失败：发现 2 处错误，未写入任何数据"
    assert err.getvalue().splitlines() == [
        "第3行【缩短征求意见期限的说明】公开征求意见的期限一般不少于30日（第十五条），截止日期应不早于"
        "2025-04-02；因情况紧急等原因缩短的，请填写缩短期限的说明",
        "第4行【不适用的程序】合法性审查是必经程序，不能记为不适用（第二十五条至第二十八条）",
    ]
    assert (Decision.objects.count(), Review.objects.count()) == before
    path.write_bytes(xlsx([good, [*last[:-1], None]]))
    assert (
        run("import", "decisions", str(path), "--unit", county.town_a.code) == "导入完成：新增 2 件"
    )
    imported = Decision.objects.get(title="甲事项")
    assert imported.procedures.get(kind_id="risk").state == "na"
    assert imported.procedures.get(kind_id="expert").done_on == d("2025-03-20")
