"""Role × in/out-of-subtree permission matrix for plan assignments, through the screens: who
may open an assignment, report on it, review its reports, issue a 督办单 and edit its task.
A unit never sees or reports on another unit's assignments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.personas import County

from fazhi.plans.models import Assignment, ProgressReport, SupervisionNotice, Task
from fazhi.plans.parser import parse_plan
from fazhi.plans.services import plan_import, report_submit

pytestmark = pytest.mark.django_db

PLAN = """湘江县2025年法治政府建设工作要点
一、执法
（一）开展评查。9月30日前完成。（牵头单位：湘江县司法局；责任单位：白沙镇人民政府）
"""

# persona → (may open 白沙镇's assignment, may report on it, may review it, may issue 督办/edit)
MATRIX: dict[str, tuple[bool, bool, bool, bool]] = {
    "coordinator": (True, True, True, True),  # the plan's unit (county 依法治办)
    "leader": (True, False, False, False),  # county, read-only
    "reviewer": (True, False, True, False),  # 司法局, the task's lead unit
    "dept_clerk": (True, False, False, False),  # 司法局 clerk: sees it, may not review
    "clerk_a": (True, True, False, False),  # 白沙镇: its own assignment
    "reviewer_a": (True, False, False, False),  # 白沙镇 reviewer: never its own report
    "coordinator_a": (True, True, False, False),  # 白沙镇 依法治办: its unit, not the plan's
    "clerk_b": (False, False, False, False),  # 黄金乡: another unit
    "leader_a": (True, False, False, False),
    "sysadmin": (True, False, False, False),  # reads records (Cap.VIEW_RECORDS), nothing more
    "auditor": (False, False, False, False),
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def assignment(county: County) -> Assignment:
    plan_import(
        actor=county.actor("coordinator"),
        unit=county.root,
        parsed=parse_plan(PLAN),
        resolution={"湘江县司法局": [county.dept], "白沙镇人民政府": [county.town_a]},
    )
    return Assignment.objects.get(unit=county.town_a)


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_assignment_permission_matrix(county: County, assignment: Assignment, persona: str) -> None:
    may_open, may_report, may_review, may_coordinate = MATRIX[persona]
    client = county.client(persona)
    url = f"/plans/assignments/{assignment.pk}/"
    opened = client.get(url)
    assert opened.status_code == (
        200 if may_open else 403 if persona in ("sysadmin", "auditor") else 404
    )
    if not may_open:
        assert client.post(url, {"action": "report", "text": "x"}).status_code in (403, 404)
        assert not ProgressReport.objects.exists()
        return
    html = opened.content.decode()
    assert ('id="report-form"' in html) == may_report
    assert ('id="notice-form"' in html) == may_coordinate
    client.post(url, {"action": "report", "text": f"{persona} 报送"})
    assert ProgressReport.objects.filter(text=f"{persona} 报送").exists() == may_report
    report = report_submit(actor=county.actor("clerk_a"), assignment=assignment, text="待审")
    client.post(url, {"action": "return", "report": report.pk, "note": "退回"})
    report.refresh_from_db()
    assert (report.status == "returned") == may_review
    client.post(url, {"action": "notice", "content": "督办", "reply_due": "2099-01-01"})
    assert SupervisionNotice.objects.exists() == may_coordinate
    client.post(url, {"action": "task", "title": "改名", "due_on": "2025-10-31", "chapter": "5"})
    assert (Task.objects.get().title == "改名") == may_coordinate


def test_task_update_passes_the_date_on(county: County, assignment: Assignment) -> None:
    client = county.client("coordinator")
    url = f"/plans/assignments/{assignment.pk}/"
    client.post(
        url,
        {
            "action": "task",
            "title": "开展案卷评查",
            "due_on": "2025-10-31",
            "chapter": "5",
            "indicator_codes": "enforcement.review_rate， reconsideration.correction_rate",
        },
    )
    task = Task.objects.get()
    assert (task.title, str(task.due_on), task.chapter) == ("开展案卷评查", "2025-10-31", 5)
    assert task.indicator_codes == ["enforcement.review_rate", "reconsideration.correction_rate"]
    assert {str(a.due_on) for a in task.assignments.all()} == {"2025-10-31"}
    client.post(url, {"action": "task", "title": "x", "indicator_codes": "坏 编码"})
    assert "指标编码只能由字母" in client.get(url).content.decode()
