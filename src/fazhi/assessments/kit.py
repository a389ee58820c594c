"""考核督察 in the shared parts: pages, navigation, home tile, metric definitions, the report's
part 二 lines and the demo filler."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from fazhi.core.kit import AppKit, NavEntry, Segment, Tile, declare

if TYPE_CHECKING:
    from fazhi.orgs.models import OrgUnit
    from fazhi.orgs.scoping import Actor

ORDER = 65  # INSTALLED_APPS and kit order (read by settings without importing this module)
LIST_URL = "/assessments/"


def home_tiles(actor: Actor, today: dt.date) -> list[Tile]:
    """自评待提交 / 待评分 / 异议待答复 / 整改未完成, for the actor's sides."""
    from fazhi.assessments.selectors import todo_counts

    counts = todo_counts(actor, today)
    parts = [
        (counts["to_submit"], "考核自评待提交 {n} 项"),
        (counts["to_review"], "考核待评分 {n} 项"),
        (counts["objections"], "考核异议待答复 {n} 件"),
    ]
    line: list[Segment] = []
    for n, text in parts:
        if n:
            if line:
                line.append(Segment("，"))
            line.append(Segment(text.format(n=n), "error"))
    if not line:
        return []
    return [Tile("考核督察", LIST_URL, tuple(line))]


def sweep_deadlines(today: dt.date) -> str:
    from fazhi.assessments.services import sweep

    return f"考核自评提醒 {sweep(today=today)} 条"


def report_part2(unit: OrgUnit, year: int, codes: Collection[str]) -> list[str]:
    from fazhi.assessments.report import part2_lines

    return part2_lines(unit, year, codes)


KIT = declare(
    AppKit(
        app="assessments",
        order=ORDER,
        url_prefix="assessments/",
        urls="fazhi.assessments.urls",
        nav=(NavEntry("考核督察", LIST_URL, order=60),),
        home_tiles="fazhi.assessments.kit:home_tiles",
        sweep="fazhi.assessments.kit:sweep_deadlines",
        metric_fixture="fixtures/metrics.json",
        report_part2="fazhi.assessments.kit:report_part2",
        demo_county="fazhi.assessments.demo:fill",
        audit_names={
            "assessment.create": "考核督察·创建考核",
            "assessment.reviewer": "考核督察·指定评审单位",
            "assessment.open": "考核督察·开始自评",
            "assessment.prefill": "考核督察·从台账取数",
            "assessment.answer": "考核督察·单位自评",
            "assessment.submit": "考核督察·提交自评",
            "assessment.return": "考核督察·退回自评",
            "assessment.review": "考核督察·进入审核评分",
            "assessment.score": "考核督察·评分",
            "assessment.publish": "考核督察·公示结果",
            "assessment.objection": "考核督察·提出异议",
            "assessment.objection_answer": "考核督察·答复异议",
            "assessment.rescore": "考核督察·异议改分",
            "assessment.freeze": "考核督察·定档",
            "assessment.finding": "考核督察·下发整改问题",
            "assessment.opinion": "考核督察·出具督察意见",
            "assessment.results_export": "考核督察·导出考核结果",
            "assessment.notice_export": "考核督察·下载考核通报",
            "assessment_system.freeze": "指标体系·冻结",
            "assessment_system.copy": "指标体系·复制为新版本",
            "assessment_system.import": "指标体系·从表格导入",
            "assessment_system.export": "指标体系·导出表格",
        },
    )
)
