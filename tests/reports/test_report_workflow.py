"""The workflow 起草 → 保密审查 → 审议 → 报送 → 公开, the completeness check and who may do
what; every step audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from tests.metrics.builders import closed, save_recon
from tests.personas import County
from tests.reports.conftest import Data, at

from fazhi.core.models import AuditEntry, RecordEvent
from fazhi.reports import tokens
from fazhi.reports.models import AnnualReport, ReportState
from fazhi.reports.selectors import report_issues
from fazhi.reports.services import (
    report_create,
    report_deliberate,
    report_edit,
    report_publish,
    report_refresh,
    report_secrecy_review,
    report_send_to_review,
    report_submit,
)

pytestmark = pytest.mark.django_db
D = dt.date


def fill_prompts(county: County, report: AnnualReport, persona: str = "coordinator") -> None:
    bodies = {p.number: tokens.PROMPT.sub("已按要求推进。", p.body) for p in report.parts.all()}
    report_edit(
        actor=county.actor(persona),
        report=report,
        revision=report.revision,
        title=report.title,
        preamble=report.preamble,
        bodies=bodies,
    )


def messages(report: AnnualReport, county: County) -> list[str]:
    return [i.message for i in report_issues(actor=county.actor("coordinator"), report=report)]


def test_whole_workflow(data: Data, frozen: Any) -> None:
    county = data.county
    coordinator = county.actor("coordinator")
    report = report_create(actor=coordinator, unit=county.root, year=2025)
    errors = [i for i in report_issues(actor=coordinator, report=report) if i.is_error]
    # prompts left, each listed with its part (part 四 has the 2026 plan)
    assert sorted({i.part for i in errors}) == [1, 2, 3, 5]
    assert [i.part for i in errors].count(1) == 10  # one per 纲要 chapter
    with pytest.raises(ValidationError, match="不能提交保密审查"):
        report_send_to_review(actor=coordinator, report=report)
    fill_prompts(county, report)
    report.refresh_from_db()
    assert not [i for i in report_issues(actor=coordinator, report=report) if i.is_error]
    report = report_send_to_review(actor=coordinator, report=report)
    assert report.state == ReportState.SECRECY
    with pytest.raises(PermissionDenied):  # no editing once submitted
        fill_prompts(county, report)
    with pytest.raises(ValidationError, match="退回修改须写明原因"):
        report_secrecy_review(
            actor=coordinator,
            report=report,
            approve=False,
            reviewer="",
            reviewed_on=None,
            opinion="",
        )
    report = report_secrecy_review(
        actor=coordinator,
        report=report,
        approve=True,
        reviewer="县保密办",
        reviewed_on=D(2026, 2, 9),
        opinion="同意公开",
    )
    with pytest.raises(ValidationError, match="审议日期不能早于保密审查日期（2026-02-09）"):
        report_deliberate(
            actor=coordinator,
            report=report,
            approve=True,
            meeting="常务会议",
            meeting_on=D(2026, 2, 1),
        )
    with pytest.raises(ValidationError, match="不能晚于今天"):
        report_deliberate(
            actor=coordinator,
            report=report,
            approve=True,
            meeting="常务会议",
            meeting_on=D(2026, 2, 11),
        )
    report = report_deliberate(
        actor=coordinator,
        report=report,
        approve=True,
        meeting="湘江县人民政府第5次常务会议",
        meeting_on=D(2026, 2, 10),
    )
    with pytest.raises(ValidationError, match="请填写报送单位"):
        report_submit(
            actor=coordinator,
            report=report,
            submitted_on=D(2026, 2, 10),
            recipients=[" "],
            copy_to=[],
        )
    report = report_submit(
        actor=coordinator,
        report=report,
        submitted_on=D(2026, 2, 10),
        recipients=["本级党委", "本级人大常委会", "本级党委"],
        copy_to=[],
    )
    assert report.recipients == ["本级党委", "本级人大常委会"]
    with pytest.raises(ValidationError, match="http"):
        report_publish(actor=coordinator, report=report, published_on=D(2026, 2, 10), url="www.x")
    report = report_publish(
        actor=coordinator, report=report, published_on=D(2026, 2, 10), url="https://x.gov.cn/r"
    )
    assert report.state == ReportState.PUBLISHED
    actions = list(
        AuditEntry.objects.filter(object_type="reports.annualreport")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "report.create",
        "report.edit",
        "report.send_review",
        "report.secrecy_review",
        "report.deliberate",
        "report.submit",
        "report.publish",
    ]
    assert (
        RecordEvent.objects.filter(
            object_type="reports.annualreport", object_id=str(report.pk)
        ).count()
        == 7
    )
    with pytest.raises(ValidationError, match="当前状态为“已公开”"):
        report_publish(actor=coordinator, report=report, published_on=D(2026, 2, 10), url="")


def test_returns_go_back_to_drafting_with_the_reason(data: Data, frozen: Any) -> None:
    county = data.county
    coordinator = county.actor("coordinator")
    report = report_create(actor=coordinator, unit=county.root, year=2025)
    fill_prompts(county, report)
    report = report_send_to_review(actor=coordinator, report=report)
    report = report_secrecy_review(
        actor=coordinator,
        report=report,
        approve=False,
        reviewer="",
        reviewed_on=None,
        opinion="第二部分涉及工作秘密",
    )
    assert report.state == ReportState.DRAFTING
    assert report.return_reason == "保密审查退回：第二部分涉及工作秘密"
    report = report_send_to_review(actor=coordinator, report=report)
    report = report_secrecy_review(
        actor=coordinator,
        report=report,
        approve=True,
        reviewer="保密办",
        reviewed_on=D(2026, 2, 10),
        opinion="",
    )
    report = report_deliberate(
        actor=coordinator,
        report=report,
        approve=False,
        meeting="",
        meeting_on=None,
        reason="补充数据",
    )
    assert (report.state, report.return_reason) == (ReportState.DRAFTING, "审议未通过：补充数据")


def test_edit_conflict_and_limits(data: Data, frozen: Any) -> None:
    county = data.county
    coordinator = county.actor("coordinator")
    report = report_create(actor=coordinator, unit=county.root, year=2025)
    stale = report.revision
    fill_prompts(county, report)
    with pytest.raises(ValidationError, match="本次保存未执行"):
        report_edit(
            actor=coordinator, report=report, revision=stale, title="x", preamble="", bodies={}
        )
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="标题不能为空"):
        report_edit(
            actor=coordinator,
            report=report,
            revision=report.revision,
            title=" ",
            preamble="",
            bodies={},
        )
    with pytest.raises(ValidationError, match="没有第6部分"):
        report_edit(
            actor=coordinator,
            report=report,
            revision=report.revision,
            title="t",
            preamble="",
            bodies={6: "x"},
        )


def test_check_flags_empty_parts_unknown_figures_and_stale_data(data: Data, frozen: Any) -> None:
    county = data.county
    coordinator = county.actor("coordinator")
    report = report_create(actor=coordinator, unit=county.root, year=2025)
    bodies = {p.number: tokens.PROMPT.sub("", p.body) for p in report.parts.all()}
    bodies[5] = "  "
    bodies[3] += "\n共召开会议{{meetings.count}}次。"
    report_edit(
        actor=coordinator,
        report=report,
        revision=report.revision,
        title=report.title,
        preamble=report.preamble,
        bodies=bodies,
    )
    report.refresh_from_db()
    found = messages(report, county)
    assert "“五、其他需要报告的情况”没有内容" in found
    assert (
        "“三、党政主要负责人履行推进法治建设第一责任人职责情况”引用了报告中没有的数据"
        "“{{meetings.count}}”"
    ) in found
    assert not any("不一致" in m for m in found)
    # a 复议 case closed later in 2025 is entered after the draft: the figures no longer match
    with time_machine.travel(at(D(2026, 2, 12)), tick=False):
        save_recon(closed(county.dept, D(2025, 12, 20), "annul"))
        found = messages(report, county)
    assert "“收案数”与台账不一致：报告中为 5件，台账现为 6件（请更新数据）" in found
    assert "“纠错率”与台账不一致：报告中为 50.0%，台账现为 60.0%（请更新数据）" in found
    assert "“收案数”与台账不一致" in " ".join(found)
    assert any(m.startswith("台账在数据提取后有更新（最近一次 2026-02-12 10:00）") for m in found)
    with time_machine.travel(at(D(2026, 2, 12)), tick=False):
        report = report_refresh(actor=coordinator, report=report)
        found = messages(report, county)
    assert not any("不一致" in m or "有更新" in m for m in found), found
    assert report.figures.get(code="reconsideration.received").display == "6件"


def test_a_draft_before_the_year_ends_is_flagged(county: County) -> None:
    with time_machine.travel(at(D(2025, 11, 20)), tick=False):
        report = report_create(actor=county.actor("coordinator"), unit=county.root, year=2025)
        assert "数据提取于 2025-11-20，2025年尚未结束，年底后请更新数据" in messages(report, county)


def test_refresh_regenerates_chosen_parts_only(data: Data, frozen: Any) -> None:
    county = data.county
    coordinator = county.actor("coordinator")
    report = report_create(actor=coordinator, unit=county.root, year=2025)
    fill_prompts(county, report)
    report.refresh_from_db()
    report_refresh(actor=coordinator, report=report, parts=[5])
    bodies = {p.number: p.body for p in report.parts.all()}
    assert tokens.prompts_in(bodies[5]) and not tokens.prompts_in(bodies[1])


@pytest.mark.parametrize(
    ("persona", "unit", "allowed"),
    [
        ("coordinator", "root", True),
        ("coordinator", "dept", True),
        ("dept_clerk", "dept", True),
        ("dept_clerk", "root", False),
        ("clerk_a", "dept", False),
        ("reviewer", "dept", False),  # may review, not write
        ("leader", "root", False),
        ("sysadmin", "root", False),
    ],
)
def test_who_may_start_a_report(
    data: Data, frozen: Any, persona: str, unit: str, allowed: bool
) -> None:
    county = data.county
    target = getattr(county, unit)
    if allowed:
        assert report_create(actor=county.actor(persona), unit=target, year=2025).unit == target
    else:
        with pytest.raises(PermissionDenied):
            report_create(actor=county.actor(persona), unit=target, year=2025)


def test_who_may_review_and_record(data: Data, frozen: Any) -> None:
    county = data.county
    report = report_create(actor=county.actor("dept_clerk"), unit=county.dept, year=2025)
    fill_prompts(county, report, "dept_clerk")
    report = report_send_to_review(actor=county.actor("dept_clerk"), report=report)
    review = {"approve": True, "reviewer": "保密员", "reviewed_on": D(2026, 2, 10), "opinion": ""}
    for persona in ("dept_clerk", "reviewer_a", "leader"):
        with pytest.raises(PermissionDenied):
            report_secrecy_review(actor=county.actor(persona), report=report, **review)
    report = report_secrecy_review(actor=county.actor("reviewer"), report=report, **review)
    with pytest.raises(PermissionDenied):
        report_deliberate(
            actor=county.actor("reviewer"),
            report=report,
            approve=True,
            meeting="局党组会议",
            meeting_on=D(2026, 2, 10),
        )
    report_deliberate(
        actor=county.actor("dept_clerk"),
        report=report,
        approve=True,
        meeting="局党组会议",
        meeting_on=D(2026, 2, 10),
    )


def test_unit_kinds_and_years_refused(data: Data, frozen: Any) -> None:
    county = data.county
    coordinator = county.actor("coordinator")
    report_create(actor=coordinator, unit=county.root, year=2025)
    with pytest.raises(ValidationError, match="已经存在"):
        report_create(actor=coordinator, unit=county.root, year=2025)
    with pytest.raises(ValidationError, match="报告年度应在"):
        report_create(actor=coordinator, unit=county.root, year=2027)


def test_sweep_reminds_units_of_report_deadlines_once(county: County) -> None:
    from fazhi.plans.models import Reminder
    from fazhi.reports.services import reports_sweep

    with time_machine.travel(at(D(2026, 2, 20)), tick=False):
        report_create(actor=county.actor("dept_clerk"), unit=county.dept, year=2025)
        # departments: 报送 by 2026-02-28 (8 days: within 15); governments: 3月31日 (39 days)
        assert reports_sweep(today=D(2026, 2, 20)) == 2
        assert reports_sweep(today=D(2026, 2, 21)) == 0
    texts = dict(Reminder.objects.values_list("unit__code", "text"))
    assert texts == {
        "430199001": "2025年度法治政府建设年度报告尚未报送，距期限 2月28日 还有 8 天",
        "430199101001": "2025年度法治政府建设年度报告尚未报送，距期限 2月28日 还有 8 天",
    }
    link = Reminder.objects.get(unit=county.dept).link
    assert link == f"/reports/{county.dept.annual_reports.get().pk}/"
    assert Reminder.objects.get(unit=county.village_a).link == (
        f"/reports/?unit={county.village_a.pk}&year=2025"
    )
    # overdue: one more each; the governments' 报送 and everyone's 公开 are now near
    assert reports_sweep(today=D(2026, 3, 20)) == 2 + 3 + 5
    assert reports_sweep(today=D(2026, 3, 20)) == 0
    assert Reminder.objects.filter(text__contains="已逾期").count() == 2


def test_title_and_preamble_are_checked_too(data: Data, frozen: Any) -> None:
    county = data.county
    coordinator = county.actor("coordinator")
    report = report_create(actor=coordinator, unit=county.root, year=2025)
    fill_prompts(county, report)
    report.refresh_from_db()
    report_edit(
        actor=coordinator,
        report=report,
        revision=report.revision,
        title=report.title,
        preamble="【请填写：导语】共{{x.y}}件，{{ 未闭合",
        bodies={},
    )
    report.refresh_from_db()
    found = messages(report, county)
    # a prompt in the form drafts had before the marker (pasted back) is still one
    assert "“导语”有待填写的提示：请填写：导语" in found
    assert "“导语”引用了报告中没有的数据“{{x.y}}”" in found
    assert "“导语”有不完整的数据记号（只有 {{ 或 }}），请检查" in found
    with pytest.raises(
        ValidationError, match="报告中还有待填写的提示，不能提交保密审查：“导语”1处"
    ):
        report_send_to_review(actor=coordinator, report=report)


def test_submissions_and_returns_remind_the_unit(data: Data, frozen: Any) -> None:
    from fazhi.plans.models import Reminder

    county = data.county
    coordinator = county.actor("coordinator")
    report = report_create(actor=county.actor("dept_clerk"), unit=county.dept, year=2025)
    fill_prompts(county, report, "dept_clerk")
    report.refresh_from_db()
    report = report_send_to_review(actor=county.actor("dept_clerk"), report=report)
    report = report_secrecy_review(
        actor=coordinator,
        report=report,
        approve=False,
        reviewer="",
        reviewed_on=None,
        opinion="删去第二部分的内部数据",
    )
    texts = list(
        Reminder.objects.filter(unit=county.dept).order_by("pk").values_list("text", flat=True)
    )
    assert texts == [
        "《湘江县司法局2025年法治政府建设年度报告》已提交保密审查，请审核人员办理",
        "《湘江县司法局2025年法治政府建设年度报告》保密审查退回：删去第二部分的内部数据",
    ]
