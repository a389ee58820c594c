"""Importing a parsed plan: unit names matched to the org tree (full name, short name, alias,
place omitted, collective names expanded), nothing saved without every name resolved or
explicitly skipped, assignments per unit with the task's due date, chapter tags, audit, and
the `fazhi plan parse|import` commands."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.orgs.models import OrgUnit, UnitKind, UnitLevel
from fazhi.orgs.scoping import Actor
from fazhi.orgs.services import orgunit_create
from fazhi.plans.models import Assignment, AssignmentRole, Plan, Task, UnitAlias
from fazhi.plans.parser import parse_plan
from fazhi.plans.selectors import ALIAS, COLLECTIVE, EXACT, NONE, PREFIX, SHORT, match_units
from fazhi.plans.services import plan_import

pytestmark = pytest.mark.django_db
CLI = Actor.command_line()

PLAN = """湘江县2025年法治政府建设工作要点
一、加强党的领导
（一）落实述法制度。年底前完成年度述法。【牵头单位：县委依法治县办；责任单位：各乡镇（街道）】
二、严格规范公正文明执法
（二）开展案卷评查。第三季度组织评查，不少于100卷。（牵头单位：县司法局；配合单位：县直各部门）
（三）规范涉企检查。9月30日前完成清理。（责任单位：白沙镇人民政府、县编办）
"""


@pytest.fixture
def office(county: County) -> OrgUnit:
    unit = orgunit_create(
        actor=CLI,
        code="430199901",
        name="中共湘江县委全面依法治县委员会办公室",
        short_name="依法治县办",
        kind=UnitKind.PARTY_OFFICE,
        level=UnitLevel.COUNTY,
        parent=county.root,
    )
    return unit


def resolve(county: County) -> dict[str, list[OrgUnit]]:
    parsed = parse_plan(PLAN)
    names = [n for t in parsed.tasks for names in t.units.values() for n in names]
    return {name: list(m.units) for name, m in match_units(county.root, names).items()}


def test_names_are_matched_in_every_way(county: County, office: OrgUnit) -> None:
    UnitAlias.objects.create(unit=county.dept, alias="县编办")  # for the test only
    found = match_units(
        county.root,
        [
            "湘江县司法局",
            "白沙镇",
            "县编办",
            "县委依法治县办",
            "县司法局",
            "各乡镇（街道）",
            "县直各部门",
            "县发改局",
            "各区县政府",
        ],
    )
    how = {name: (m.how, [u.code for u in m.units]) for name, m in found.items()}
    assert how["湘江县司法局"] == (EXACT, ["430199001"])
    assert how["县编办"] == (ALIAS, ["430199001"])
    assert how["县委依法治县办"] == (PREFIX, ["430199901"])
    assert how["县司法局"] == (PREFIX, ["430199001"])
    assert how["各乡镇（街道）"] == (COLLECTIVE, ["430199101", "430199102"])
    assert how["县直各部门"] == (COLLECTIVE, ["430199001"])
    assert how["县发改局"] == (NONE, [])
    assert how["各区县政府"] == (NONE, [])  # a county has no lower governments
    assert found["各乡镇（街道）"].needs_confirmation
    assert "须确认" in found["县直各部门"].how_label
    county.town_a.short_name = "白沙镇"
    county.town_a.save()
    assert match_units(county.root, ["白沙镇"])["白沙镇"].how == SHORT


def test_a_town_cannot_match_outside_its_subtree(county: County) -> None:
    found = match_units(county.town_a, ["湘江县司法局", "白沙镇人民政府"])
    assert not found["湘江县司法局"].matched
    assert found["白沙镇人民政府"].how == EXACT


def test_import_refuses_unmatched_names_and_saves_nothing(county: County, office: OrgUnit) -> None:
    with pytest.raises(ValidationError, match=r"县编办.*（任务 （三））"):
        plan_import(
            actor=county.actor("coordinator"),
            unit=county.root,
            parsed=parse_plan(PLAN),
            resolution=resolve(county),
        )
    assert not Plan.objects.exists() and not Task.objects.exists()


def test_import_saves_tasks_and_assignments(county: County, office: OrgUnit) -> None:
    summary = plan_import(
        actor=county.actor("coordinator"),
        unit=county.root,
        parsed=parse_plan(PLAN),
        resolution=resolve(county),
        source_name="要点.txt",
        source_text=PLAN,
        allow_unmatched=True,
    )
    assert (summary.tasks, summary.assignments, summary.unmatched) == (3, 5, ("县编办",))
    plan = summary.plan
    assert (plan.year, plan.title, plan.unit) == (
        2025,
        "湘江县2025年法治政府建设工作要点",
        county.root,
    )
    tasks = list(plan.tasks.order_by("order"))
    assert [t.number for t in tasks] == ["（一）", "（二）", "（三）"]
    assert [t.due_on for t in tasks] == [
        dt.date(2025, 12, 31),
        dt.date(2025, 9, 30),
        dt.date(2025, 9, 30),
    ]
    assert [t.chapter for t in tasks] == [10, 5, 5]  # 纲要 chapters from the keywords
    # the target names its subject, from the clause before it (issue 13 item 10)
    assert tasks[1].targets == [
        {
            "text": "组织评查不少于100卷",
            "subject": "组织评查",
            "op": ">=",
            "value": 100,
            "unit": "卷",
        }
    ]
    rows = {
        (a.task.number, a.unit.code, a.role, a.assigned_as, a.due_on)
        for a in Assignment.objects.select_related("task", "unit")
    }
    assert rows == {
        ("（一）", "430199901", AssignmentRole.LEAD, "县委依法治县办", dt.date(2025, 12, 31)),
        (
            "（一）",
            "430199101",
            AssignmentRole.RESPONSIBLE,
            "各乡镇（街道）",
            dt.date(2025, 12, 31),
        ),
        (
            "（一）",
            "430199102",
            AssignmentRole.RESPONSIBLE,
            "各乡镇（街道）",
            dt.date(2025, 12, 31),
        ),
        # 县司法局 leads (二): 县直各部门 does not add it again as 配合
        ("（二）", "430199001", AssignmentRole.LEAD, "县司法局", dt.date(2025, 9, 30)),
        ("（三）", "430199101", AssignmentRole.RESPONSIBLE, "白沙镇人民政府", dt.date(2025, 9, 30)),
    }
    a = Assignment.objects.get(task__number="（三）")
    assert (a.unit_d0, a.unit_d1) == (county.root.pk, county.town_a.pk)  # tree slots filled
    entry = AuditEntry.objects.filter(action="plan.import").get()
    assert entry.after["unmatched"] == ["县编办"] and entry.after["tasks"] == 3


@pytest.mark.parametrize("persona", ["clerk_a", "reviewer", "leader", "dept_clerk"])
def test_only_the_coordinator_imports(county: County, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        plan_import(
            actor=county.actor(persona),
            unit=county.root,
            parsed=parse_plan(PLAN),
            resolution={},
            allow_unmatched=True,
        )


def test_a_town_coordinator_cannot_import_for_the_county(county: County) -> None:
    with pytest.raises(PermissionDenied):
        plan_import(
            actor=county.actor("coordinator_a"),
            unit=county.root,
            parsed=parse_plan(PLAN),
            resolution={},
            allow_unmatched=True,
        )


# --- the command ---------------------------------------------------------------------------
def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "plan.txt"
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(*args: Any) -> str:
    out = StringIO()
    call_command("plan", *args, stdout=out)
    return out.getvalue()


def test_parse_command(tmp_path: Path) -> None:
    path = write(tmp_path, PLAN, "gb18030")
    data = json.loads(run("parse", path, "--json"))
    assert data["year"] == 2025 and len(data["sections"]) == 2
    assert data["sections"][1]["tasks"][0]["lead_units"] == ["县司法局"]
    assert json.loads(run("parse", path, "--json", "--year", "2026"))["year"] == 2026
    text = run("parse", path)
    assert "3 项任务" in text and "牵头：县司法局" in text and "第三季度 → 2025-09-30" in text


def test_import_command(county: County, office: OrgUnit, tmp_path: Path) -> None:
    path = write(tmp_path, PLAN)
    with pytest.raises(CommandError, match="有 1 个单位名称未匹配：县编办"):
        run("import", path, "--unit", county.root.code, "--yes")
    assert not Plan.objects.exists()
    out = run("import", path, "--unit", county.root.code, "--yes", "--allow-unmatched")
    assert "各乡镇（街道） → 2 个单位" in out
    assert "已导入《湘江县2025年法治政府建设工作要点》：3 项任务，5 条分工" in out
    assert Plan.objects.count() == 1


def test_command_errors(tmp_path: Path, county: County) -> None:
    with pytest.raises(CommandError, match="找不到文件"):
        run("parse", str(tmp_path / "none.txt"))
    with pytest.raises(CommandError, match="未找到编号条目"):
        run("parse", write(tmp_path, "没有编号的文字"))
    with pytest.raises(CommandError, match="未知的单位编码"):
        run("import", write(tmp_path, PLAN), "--unit", "999")
