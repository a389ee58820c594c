"""The 学法 services: 登记 (attendee units and count, the refusals naming the field), 修改, the
per-unit-year rows against the data targets (government: 常务会议学法 only; department: 专题学法,
not 常务会议; township: every kind), the target sync, the sweep, the exam results (pass mark,
absent) and the audit names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.personas import County
from tests.study.conftest import MakeExam, MakeSession, d

from fazhi.core.audit_display import action_label
from fazhi.core.models import AuditEntry
from fazhi.study import services as svc
from fazhi.study.models import StudyTarget, UnitYear
from fazhi.study.selectors import category_of
from fazhi.study.targets import targets_sync

pytestmark = pytest.mark.django_db


def test_categories_of_the_county(county: County) -> None:
    assert category_of(county.root) == "government"
    assert category_of(county.dept) == "department"
    assert category_of(county.town_a) == "township"
    assert category_of(county.village_a) == ""  # a township-level office: no target


def test_register_with_names_and_units(county: County, make_session: MakeSession) -> None:
    s = make_session(
        names="张三\n李四\n\n王五", count=99, units=f"{county.dept.code}、{county.town_a.code}"
    )
    assert s.attendee_count == 3  # from the names, not the typed count
    assert s.attendee_names == "张三\n李四\n王五"
    assert s.attendee_unit_codes == f"{county.town_a.code}、{county.dept.code}"  # tree order
    entry = AuditEntry.objects.get(action="study.session_register")
    assert entry.after["attendee_units"] == s.attendee_unit_codes


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "nap"}, "kind", "请选择学法形式"),
        ({"held_on": d("2026-07-01")}, "held_on", "学法日期不能晚于今天"),
        ({"subject": "  "}, "subject", "请填写学法主题"),
        ({"attendee_count": None}, "attendee_count", "请填写参加人员名单"),
        ({"attendee_count": 0}, "attendee_count", "请填写参加人员名单"),
        ({"attendee_unit_codes": "999"}, "attendee_unit_codes", "没有编码为 999 的单位"),
        ({"laws": "\n".join(f"《法{i}》" for i in range(51))}, "laws", "最多填写 50 部"),
    ],
)
def test_register_refusals(
    county: County, change: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {
        "unit": county.root, "kind": "executive", "held_on": d("2026-03-01"),
        "subject": "学法", "attendee_count": 5, **change,
    }  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        svc.session_register(actor=county.actor("coordinator"), **values)
    assert message in caught.value.message_dict[field][0]


def test_register_out_of_scope(county: County) -> None:
    with pytest.raises(PermissionDenied):
        svc.session_register(
            actor=county.actor("clerk_a"), unit=county.town_b, kind="lecture",
            held_on=d("2026-03-01"), subject="学法", attendee_count=5,
        )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        svc.session_register(
            actor=county.actor("clerk_a"), unit=county.town_a, kind="lecture",
            held_on=d("2026-03-01"), subject="学法", attendee_count=5,
            attendee_unit_codes=county.town_b.code,
        )  # fmt: skip
    assert "不在您的管理范围内" in caught.value.message_dict["attendee_unit_codes"][0]


def test_unit_years_follow_the_targets(county: County, make_session: MakeSession) -> None:
    for month in (1, 2, 3):
        make_session(county.root, "executive", f"2026-0{month}-10")
    make_session(county.root, "group", "2026-04-10")  # not counted for the government
    root = UnitYear.objects.get(unit=county.root, year=2026)
    assert (root.counted, root.target, root.met, root.kinds) == (3, 4, False, "executive")
    make_session(county.root, "executive", "2026-05-10")
    root.refresh_from_db()
    assert (root.counted, root.met) == (4, True)
    for month in range(1, 7):
        kind = "executive" if month == 1 else "lecture"
        make_session(county.dept, kind, f"2026-0{month}-15")
    dept = UnitYear.objects.get(unit=county.dept, year=2026)
    assert (dept.counted, dept.target, dept.met) == (5, 6, False)  # 常务会议 not a 部门专题学法
    make_session(county.town_a, "other", "2026-02-01")
    town = UnitYear.objects.get(unit=county.town_a)
    assert (town.counted, town.target, town.met) == (1, 4, False)
    make_session(county.village_a, "lecture", "2026-02-01", persona="clerk_a")
    assert not UnitYear.objects.filter(unit=county.village_a).exists()


def test_update_moves_the_session_between_years(county: County, make_session: MakeSession) -> None:
    s = make_session(county.town_a, "lecture", "2025-12-20")
    assert UnitYear.objects.get(unit=county.town_a, year=2025).counted == 1
    svc.session_update(
        actor=county.actor("clerk_a"),
        session=s,
        data={"held_on": d("2026-01-05"), "attendee_unit_codes": county.village_a.code},
    )
    assert UnitYear.objects.get(unit=county.town_a, year=2025).counted == 0
    assert UnitYear.objects.get(unit=county.town_a, year=2026).counted == 1
    s.refresh_from_db()
    assert s.attendee_unit_codes == county.village_a.code
    entry = AuditEntry.objects.get(action="study.session_update")
    assert entry.before["held_on"] == "2025-12-20" and entry.after["held_on"] == "2026-01-05"
    with pytest.raises(ValidationError):
        svc.session_update(actor=county.actor("clerk_a"), session=s, data={"subject": ""})
    with pytest.raises(PermissionDenied):
        svc.session_update(actor=county.actor("clerk_b"), session=s, data={"subject": "x"})


def test_sweep_adds_rows_and_is_idempotent(county: County) -> None:
    assert svc.sweep(today=d("2026-06-30")) == 4  # root, dept, town_a, town_b
    assert svc.sweep(today=d("2026-06-30")) == 0
    assert set(UnitYear.objects.values_list("unit__code", "met")) == {
        (u.code, False) for u in (county.root, county.dept, county.town_a, county.town_b)
    }
    StudyTarget.objects.filter(category="township", province_code="").update(min_sessions=0)
    assert svc.sweep(today=d("2026-06-30")) == 2  # both townships now met
    assert UnitYear.objects.filter(met=True).count() == 2


def test_target_sync_is_repeatable_and_keeps_edits() -> None:
    assert StudyTarget.objects.count() == 3  # loaded after migrate
    StudyTarget.objects.filter(category="department").update(min_sessions=8)
    assert targets_sync() == 0
    assert StudyTarget.objects.get(category="department").min_sessions == 8
    StudyTarget.objects.filter(category="township").delete()
    assert targets_sync() == 1
    assert StudyTarget.objects.get(category="township").min_sessions == 4


def test_province_target_wins(county: County, make_session: MakeSession) -> None:
    StudyTarget.objects.create(
        province_code="43", from_year=2025, category="government", kinds="executive",
        min_sessions=2, basis="某省规定",
    )  # fmt: skip
    make_session(county.root, "executive", "2026-01-10")
    make_session(county.root, "executive", "2026-02-10")
    row = UnitYear.objects.get(unit=county.root, year=2026)
    assert (row.target, row.met, row.basis) == (2, True, "某省规定")


def test_exam_results(county: County, make_exam: MakeExam) -> None:
    ok = make_exam(name="甲", score="60")
    low = make_exam(name="乙", score="59.5")
    gone = make_exam(name="丙", score=None, absent=True)
    assert (ok.passed, ok.pass_mark, ok.year) == (True, Decimal("60"), 2026)
    assert (low.passed, low.result_label) == (False, "不合格")
    assert (gone.passed, gone.result_label) == (False, "缺考")
    actor = county.actor("coordinator")
    cases = [
        ({"name": "甲"}, "name", "已登记甲的2026年度"),
        ({"name": "丁", "score": None}, "score", "请填写成绩"),
        ({"name": "丁", "absent": True}, "score", "缺考的不填写成绩"),
        ({"name": "丁", "score": "abc"}, "score", "成绩应填写数字"),
        ({"name": "丁", "score": "101"}, "score", "0 至 100"),
        ({"name": "丁", "exam_on": d("2026-07-02")}, "exam_on", "不能晚于今天"),
        ({"name": "丁", "year": 2020}, "year", "考试年度应为"),
        ({"name": " "}, "name", "请填写姓名"),
    ]
    for change, field, message in cases:
        values: dict[str, Any] = {
            "unit": county.root, "exam_on": d("2026-05-20"), "score": "70", **change
        }  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            svc.exam_register(actor=actor, **values)
        assert message in caught.value.message_dict[field][0], change
    custom = svc.exam_register(
        actor=actor, unit=county.root, name="戊", exam_on=d("2026-05-20"), score="75",
        pass_mark="80",
    )  # fmt: skip
    assert (custom.pass_mark, custom.passed) == (Decimal("80"), False)


def test_every_audit_code_has_a_chinese_name(
    county: County, make_session: MakeSession, make_exam: MakeExam
) -> None:
    s = make_session()
    svc.session_update(actor=county.actor("coordinator"), session=s, data={"subject": "新"})
    make_exam()
    codes = set(
        AuditEntry.objects.filter(action__startswith="study.").values_list("action", flat=True)
    )
    assert codes == {"study.session_register", "study.session_update", "study.exam_register"}
    for code in codes:
        assert action_label(code) != code
