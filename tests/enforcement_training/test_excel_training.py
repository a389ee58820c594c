"""Excel import/export of attendance (``fazhi import/export enforcement_training``): one row =
one officer's attendance; the course is created on the fly inside the same all-or-nothing
import; a bad row is named by row and column and nothing is written (also when an earlier
write batch had been committed). Today is 2026-06-30."""

from __future__ import annotations

import io
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from tests.enforcement_training.conftest import Attend, MakeCourse, MakeOfficer
from tests.personas import County

from fazhi.core.excel import excel_register
from fazhi.core.models import AuditEntry, RecordEvent
from fazhi.enforcement_training.models import Attendance, Course, OfficerYear

pytestmark = pytest.mark.django_db

HEADERS = (
    "课程/考试名称", "日期", "姓名", "执法证号", "身份证号",
    "公共法律知识学时", "专业法律知识学时", "执法技能学时", "考试成绩",
)  # fmt: skip
ID_NUMBER = "430199198801011230"


def row(**values: Any) -> dict[str, Any]:
    base = {
        "课程/考试名称": "《行政处罚法》专题培训",
        "日期": "2026-03-10",
        "姓名": "张三",
        "执法证号": "4301992001",
        "公共法律知识学时": 2,
        "专业法律知识学时": 4.5,
        "执法技能学时": None,
    }
    return {**base, **values}


def xlsx(rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS))
    for r in rows:
        sheet.append([r.get(h) for h in HEADERS])
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
    with pytest.raises(CommandError) as info:
        call_command(*args, stdout=StringIO(), stderr=err)
    assert str(info.value).endswith("未写入任何数据")
    return [line for line in err.getvalue().splitlines() if line.startswith("第")]


@pytest.fixture
def officers(county: County, make_officer: MakeOfficer) -> dict[str, Any]:
    return {
        "张三": make_officer(name="张三", cert_number="4301992001"),
        "李四": make_officer(county.village_a, name="李四", cert_number="4301992002"),
        "王五": make_officer(name="王五", cert_number="", id_number=ID_NUMBER),
        "赵六": make_officer(county.town_b, name="赵六", cert_number="4301992009"),
    }


def test_import_creates_the_course_on_the_fly_then_exports(
    county: County, officers: dict[str, Any], tmp_path: Path
) -> None:
    exam = {"课程/考试名称": "年度执法考试", "日期": "2026-05-20", "考试成绩": 75}
    rows = [
        row(),
        row(姓名="李四", 执法证号="4301992002"),
        row(姓名="王五", 执法证号=None, 身份证号=ID_NUMBER),
        row(**exam, 公共法律知识学时=2, 专业法律知识学时=2),
        row(**{**exam, "考试成绩": 52}, 姓名="李四", 执法证号="4301992002", 公共法律知识学时=2,
            专业法律知识学时=2),
    ]  # fmt: skip
    path = tmp_path / "in.xlsx"
    path.write_bytes(xlsx(rows))
    unit = county.town_a.code
    assert run("import", "enforcement_training", str(path), "--unit", unit, "--dry-run") == (
        "校验通过：可新增 5 件（尚未写入）"
    )
    assert not Course.objects.exists() and not Attendance.objects.exists()
    assert run("import", "enforcement_training", str(path), "--unit", unit) == "导入完成：新增 5 件"
    courses = {c.title: c for c in Course.objects.all()}
    assert set(courses) == {"《行政处罚法》专题培训", "年度执法考试"}
    training, exam_course = courses["《行政处罚法》专题培训"], courses["年度执法考试"]
    assert (training.kind, training.unit, training.total_hours) == (
        "training",
        county.town_a,
        Decimal("6.5"),
    )
    assert (exam_course.kind, exam_course.pass_score) == ("exam", Decimal(60))
    passed = dict(
        Attendance.objects.filter(course=exam_course).values_list("officer__name", "passed")
    )
    assert passed == {"张三": True, "李四": False}
    years = dict(OfficerYear.objects.values_list("officer__name", "total_hours"))
    assert years == {"张三": Decimal("10.5"), "李四": Decimal("10.5"), "王五": Decimal("6.5")}
    assert AuditEntry.objects.filter(action="enforcement_training.attendance_register").count() == 5
    # the ID number is never written to the audit log or the history
    assert not any(ID_NUMBER in str(e.after) for e in AuditEntry.objects.all())
    assert not any(ID_NUMBER in str(e.__dict__) for e in RecordEvent.objects.all())

    out = tmp_path / "out.xlsx"
    message = run(
        "export", "enforcement_training", "--unit", unit, "--year", "2026", "--out", str(out)
    )
    assert message.startswith("已导出执法培训参训记录 5 条")
    sheet = load_workbook(out, read_only=True)["执法培训参训记录"]
    lines = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert "身份证号" not in lines[0] and "所在单位" in lines[0]
    wang = next(line for line in lines if "王五" in line)
    assert "白沙镇人民政府" in wang and ID_NUMBER not in str(lines)


def test_a_bad_file_writes_nothing_and_names_rows_and_columns(
    county: County, officers: dict[str, Any], tmp_path: Path
) -> None:
    rows = [
        row(),
        row(姓名="赵六", 执法证号="4301992009"),  # outside the importing unit's subtree
        row(姓名="无名", 执法证号="9999"),  # unknown officer
        row(姓名="李四", 执法证号="4301992001"),  # the number is 张三's
        row(公共法律知识学时="两"),  # not a number
        row(执法证号=None),  # neither 执法证号 nor 身份证号
        row(姓名="王五", 执法证号=None, 身份证号="430199199002024566"),  # wrong ID number
        row(日期="2026-07-10", 姓名="李四", 执法证号="4301992002"),  # a future date
        row(),  # 张三 twice in the same course
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(rows))
    errors = refused("import", "enforcement_training", str(path), "--unit", county.town_a.code)
    assert errors == [
        "第3行【执法证号】本单位及下级单位没有执法证号为 4301992009 的执法人员",
        "第4行【执法证号】本单位及下级单位没有执法证号为 9999 的执法人员",
        "第5行【姓名】执法证号 4301992001 的持证人是张三，不是李四",
        "第6行【公共法律知识学时】应填写数字，如 4 或 2.5",
        "第7行【执法证号】请填写执法证号（没有的填写身份证号）",
        "第8行【身份证号】本单位及下级单位没有该身份证号的执法人员王五",
        "第9行【日期】开始日期不能晚于今天",
        "第10行【姓名】张三已登记参加“《行政处罚法》专题培训”",
    ]
    assert "430199199002024566" not in "".join(errors)
    assert not Course.objects.exists() and not Attendance.objects.exists()
    assert not OfficerYear.objects.exists()


def test_a_later_batch_failing_undoes_the_committed_ones(
    county: County,
    officers: dict[str, Any],
    make_course: MakeCourse,
    attend: Attend,
    settings: Any,
    tmp_path: Path,
) -> None:
    """One row per write batch: rows 2 and 3 are committed before row 4 fails; the courses,
    attendances and year totals they wrote are undone (the existing year row restored)."""
    settings.FAZHI_IMPORT_BATCH = 1
    earlier = make_course("早先培训", unit=county.town_a, hours=(10, 0, 0))
    attend(earlier, officers["张三"])
    late = {"课程/考试名称": "早先培训", "日期": earlier.start_on.isoformat(), "考试成绩": 80}
    rows = [row(), row(姓名="李四", 执法证号="4301992002"), row(**late)]  # a training: no score
    path = tmp_path / "late.xlsx"
    path.write_bytes(xlsx(rows))
    errors = refused("import", "enforcement_training", str(path), "--unit", county.town_a.code)
    assert errors == ["第4行【考试成绩】培训不登记考试成绩（类型为考试的才有成绩）"]
    assert list(Course.objects.values_list("title", flat=True)) == ["早先培训"]
    assert Attendance.objects.count() == 1
    assert dict(OfficerYear.objects.values_list("officer__name", "total_hours")) == {
        "张三": Decimal(10)
    }


def test_the_excel_register_is_scoped(county: County, officers: dict[str, Any]) -> None:
    register = excel_register("enforcement_training")
    with pytest.raises(Exception, match="不在您的管辖范围内"):
        register.import_xlsx(xlsx([row()]), actor=county.actor("clerk_a"), unit=county.town_b)
    result = register.import_xlsx(xlsx([row()]), actor=county.actor("clerk_a"), unit=county.town_a)
    assert result.ok and result.created == 1
    from fazhi.orgs.scoping import Actor

    assert not register.export_queryset(Actor.command_line(county.town_b), None).exists()
    assert register.export_queryset(Actor.command_line(county.town_a), 2026).count() == 1


def test_the_upload_page_checks_then_imports(county: County, officers: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    clerk = county.client("clerk_a")
    listing = clerk.get("/enforcement-training/attendance/").content.decode()
    assert 'href="/import/enforcement_training/"' in listing
    upload = SimpleUploadedFile("参训.xlsx", xlsx([row()]))
    checked = clerk.post("/import/enforcement_training/", {"file": upload})
    assert "校验通过：可新增 1 件（尚未写入）" in checked.content.decode()
    assert not Attendance.objects.exists()
    token = checked.context["token"]
    done = clerk.post(
        "/import/enforcement_training/", {"confirm": "1", "token": token}, follow=True
    )
    assert "导入完成：新增 1 件" in done.content.decode()
    assert Attendance.objects.get().officer == officers["张三"]
