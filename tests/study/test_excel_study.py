"""Excel of the 学法 registers (``fazhi import/export study`` and ``study_exams``): round trips
(laws one per line, attendee units as codes), ``--dry-run``, and a bad file refused whole with
each bad row and column named. Today is 2026-06-30."""

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
from tests.personas import County

from fazhi.study.models import ExamResult, StudySession, UnitYear

pytestmark = pytest.mark.django_db

S_HEADERS = (
    "组织单位", "学法形式", "学法日期", "学法主题", "学习的法律法规", "主讲人", "参加单位",
    "参加人员", "参加人数", "学法记录", "学习材料",
)  # fmt: skip
E_HEADERS = ("所在单位", "姓名", "职务", "考试日期", "考试年度", "成绩", "缺考", "合格分数")


def xlsx(headers: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for r in rows:
        sheet.append([r.get(h) for h in headers])
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


def session_row(county: County, **values: Any) -> dict[str, Any]:
    base = {
        "组织单位": county.town_a.code,
        "学法形式": "专题法治讲座",
        "学法日期": "2026-03-10",
        "学法主题": "学习行政复议法",
        "学习的法律法规": "《中华人民共和国行政复议法》\n《中华人民共和国行政诉讼法》",
        "主讲人": "王某（县司法局局长）",
        "参加单位": f"{county.town_a.code}、{county.village_a.code}",
        "参加人员": "张三\n李四",
        "学法记录": "集体学习",
    }
    return {**base, **values}


def test_sessions_round_trip(county: County, tmp_path: Path) -> None:
    rows = [
        session_row(county),
        session_row(county, 组织单位=county.village_a.code, 学法形式="旁听庭审", 参加人员=None,
                    参加人数=12, 参加单位=None, 学法主题="旁听庭审"),
    ]  # fmt: skip
    path = tmp_path / "in.xlsx"
    path.write_bytes(xlsx(S_HEADERS, rows))
    unit = county.town_a.code
    assert run("import", "study", str(path), "--unit", unit, "--dry-run").startswith("校验通过")
    assert not StudySession.objects.exists()
    assert run("import", "study", str(path), "--unit", unit) == "导入完成：新增 2 件"
    first = StudySession.objects.get(unit=county.town_a)
    assert first.law_list == ["《中华人民共和国行政复议法》", "《中华人民共和国行政诉讼法》"]
    assert first.attendee_count == 2 and first.kind == "lecture"
    assert first.attendee_unit_codes == f"{county.town_a.code}、{county.village_a.code}"
    assert StudySession.objects.get(unit=county.village_a).attendee_count == 12
    assert UnitYear.objects.get(unit=county.town_a, year=2026).counted == 1

    out = tmp_path / "out.xlsx"
    run("export", "study", "--unit", unit, "--year", "2026", "--out", str(out))
    sheet = load_workbook(out, read_only=True).worksheets[0]
    lines = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, line in enumerate(lines) if line and line[0] == "组织单位")
    assert tuple(lines[header][: len(S_HEADERS)]) == S_HEADERS
    before = sorted((s.unit_id, s.subject, s.laws, s.attendee_unit_codes, s.attendee_count)
                    for s in StudySession.objects.all())  # fmt: skip
    StudySession.objects.all().delete()
    assert run("import", "study", str(out), "--unit", unit) == "导入完成：新增 2 件"
    after = sorted((s.unit_id, s.subject, s.laws, s.attendee_unit_codes, s.attendee_count)
                   for s in StudySession.objects.all())  # fmt: skip
    assert after == before


def test_a_bad_sessions_file_is_refused_whole(county: County, tmp_path: Path) -> None:
    rows = [
        session_row(county),
        session_row(county, 组织单位=county.town_b.code),
        session_row(county, 学法日期="2026-07-10"),
        session_row(county, 参加单位="999999"),
        session_row(county, 参加单位=county.town_b.code),
        session_row(county, 参加人员=None, 参加人数=None),
        session_row(county, 学法形式="打盹"),
        session_row(county, 学法主题=None),
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(S_HEADERS, rows))
    errors = refused("import", "study", str(path), "--unit", county.town_a.code)
    text = "\n".join(errors)
    for row, column in (
        (3, "组织单位"), (4, "学法日期"), (5, "参加单位"), (6, "参加单位"), (7, "参加人数"),
        (8, "学法形式"), (9, "学法主题"),
    ):  # fmt: skip
        assert f"第{row}行【{column}】" in text, (row, column, text)
    assert "第2行" not in text
    assert not StudySession.objects.exists() and not UnitYear.objects.exists()


def test_exams_round_trip_and_refusal(county: County, tmp_path: Path) -> None:
    rows = [
        {"所在单位": county.root.code, "姓名": "甲", "职务": "副县长", "考试日期": "2026-05-20",
         "成绩": 88},
        {"所在单位": county.dept.code, "姓名": "乙", "考试日期": "2026-05-20", "成绩": "55.5"},
        {"所在单位": county.dept.code, "姓名": "丙", "考试日期": "2026-05-20", "缺考": "是"},
    ]  # fmt: skip
    path = tmp_path / "exams.xlsx"
    path.write_bytes(xlsx(E_HEADERS, rows))
    unit = county.root.code
    assert run("import", "study_exams", str(path), "--unit", unit) == "导入完成：新增 3 件"
    got = {e.name: (e.score, e.passed, e.absent) for e in ExamResult.objects.all()}
    assert got == {
        "甲": (Decimal("88"), True, False),
        "乙": (Decimal("55.5"), False, False),
        "丙": (None, False, True),
    }
    out = tmp_path / "out.xlsx"
    run("export", "study_exams", "--unit", unit, "--out", str(out))
    ExamResult.objects.all().delete()
    assert run("import", "study_exams", str(out), "--unit", unit) == "导入完成：新增 3 件"
    assert {e.name: (e.score, e.passed, e.absent) for e in ExamResult.objects.all()} == got

    bad = [
        {"所在单位": county.root.code, "姓名": "丁", "考试日期": "2026-05-20", "成绩": "优"},
        {"所在单位": county.root.code, "姓名": "甲", "考试日期": "2026-05-20", "成绩": 70},
        {"所在单位": county.root.code, "姓名": "戊", "考试日期": "2026-05-20"},
    ]
    path.write_bytes(xlsx(E_HEADERS, bad))
    errors = refused("import", "study_exams", str(path), "--unit", unit)
    assert errors == [
        "第2行【成绩】应填写数字，如 85 或 85.5",
        "第3行【姓名】湘江县人民政府已登记甲的2026年度学法考试成绩",
        "第4行【成绩】请填写成绩（未参加考试的勾选缺考）",
    ]
    assert ExamResult.objects.count() == 3


def test_a_later_batch_failing_undoes_the_committed_ones(
    county: County, settings: Any, tmp_path: Path
) -> None:
    """One row per write batch: rows 2 and 3 are committed before row 4 fails; the sessions,
    their attendee units and the year rows they wrote are undone (an existing row restored)."""
    from fazhi.study import services as svc

    settings.FAZHI_IMPORT_BATCH = 1
    svc.session_register(
        actor=county.actor("clerk_a"), unit=county.town_a, kind="other",
        held_on=d_("2026-01-05"), subject="早先学法", attendee_count=3,
    )  # fmt: skip
    rows = [session_row(county), session_row(county, 学法主题="第二次"), session_row(county)]
    rows[2]["学法日期"] = "2026-07-20"  # a future date: refused by the service, not the reader
    path = tmp_path / "late.xlsx"
    path.write_bytes(xlsx(S_HEADERS, rows))
    errors = refused("import", "study", str(path), "--unit", county.town_a.code)
    assert errors == ["第4行【学法日期】不能晚于今天"]
    assert list(StudySession.objects.values_list("subject", flat=True)) == ["早先学法"]
    assert UnitYear.objects.get(unit=county.town_a, year=2026).counted == 1
    assert not StudySession.attendee_units.through.objects.exists()


def d_(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)
