"""The contract H1's 年度注册 calls (``fazhi.enforcement_training.selectors``): hours per officer,
the yearly target as data per province, and the reason text when the hours are short."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.enforcement_training.conftest import Attend, MakeCourse, MakeOfficer, d
from tests.personas import County

from fazhi.enforcement_training.models import HoursTarget, OfficerYear
from fazhi.enforcement_training.selectors import (
    hours_by_officer,
    hours_short_problem,
    target_hours,
)

pytestmark = pytest.mark.django_db


def test_default_target_is_data_and_a_province_may_differ(county: County) -> None:
    assert HoursTarget.objects.filter(province_code="").count() == 1  # loaded after migrate
    assert target_hours(province_code="43", year=2026) == Decimal(60)
    HoursTarget.objects.create(province_code="32", from_year=2024, hours=Decimal(80))
    HoursTarget.objects.create(province_code="", from_year=2027, hours=Decimal(50))
    assert target_hours(province_code="32", year=2026) == Decimal(80)
    assert target_hours(province_code="32", year=2023) == Decimal(60)  # before 江苏's own row
    assert target_hours(province_code="43", year=2026) == Decimal(60)
    assert target_hours(province_code="43", year=2027) == Decimal(50)


def test_hours_by_officer_counts_the_year_only(
    make_officer: MakeOfficer, make_course: MakeCourse, attend: Attend
) -> None:
    zhang, li, wang = (
        make_officer(name="张三"),
        make_officer(name="李四"),
        make_officer(name="王五"),
    )
    spring = make_course("春季培训", start_on=d("2026-03-10"), hours=(8, 8, 4))
    autumn = make_course("上年培训", start_on=d("2025-10-10"), hours=(8, 0, 0))
    attend(spring, zhang)
    attend(spring, li, (2, "1.5", 0))
    attend(autumn, zhang)
    found = hours_by_officer(officer_ids=[zhang.pk, li.pk, wang.pk], year=2026)
    assert found == {zhang.pk: Decimal(20), li.pk: Decimal("3.5"), wang.pk: Decimal(0)}
    assert hours_by_officer(officer_ids=[zhang.pk], year=2025) == {zhang.pk: Decimal(8)}


def test_hours_short_problem_names_both_numbers(
    county: County, make_officer: MakeOfficer, make_course: MakeCourse, attend: Attend
) -> None:
    officer = make_officer(name="赵六")
    assert hours_short_problem(officer, 2026) == (
        "2026年度培训学时 0 学时，未达到 60 学时，不予年度注册"
    )
    attend(make_course("公共法律知识", start_on=d("2026-02-10"), hours=(20, 0, 0)), officer)
    attend(make_course("专业法律知识", start_on=d("2026-03-10"), hours=(0, 22, 0)), officer)
    assert hours_short_problem(officer, 2026) == (
        "2026年度培训学时 42 学时，未达到 60 学时，不予年度注册"
    )
    row = OfficerYear.objects.get(officer=officer, year=2026)
    assert (row.total_hours, row.target_hours, row.met) == (Decimal(42), Decimal(60), False)
    attend(make_course("执法技能", start_on=d("2026-04-10"), hours=(0, 0, 18)), officer)
    assert hours_short_problem(officer, 2026) == ""
    row.refresh_from_db()
    assert (row.total_hours, row.met, row.shortfall) == (Decimal(60), True, "")
    assert hours_short_problem(officer, 2025).startswith("2025年度培训学时 0 学时")


def test_half_hours_and_the_province_target(
    county: County, make_officer: MakeOfficer, make_course: MakeCourse, attend: Attend
) -> None:
    HoursTarget.objects.create(province_code="43", from_year=2026, hours=Decimal("40.5"))
    officer = make_officer()
    attend(make_course(hours=("40", 0, 0)), officer)
    assert hours_short_problem(officer, 2026) == (
        "2026年度培训学时 40 学时，未达到 40.5 学时，不予年度注册"
    )


def test_minimum_per_type(
    county: County, make_officer: MakeOfficer, make_course: MakeCourse, attend: Attend
) -> None:
    HoursTarget.objects.create(
        province_code="43", from_year=2026, hours=Decimal(60), min_public=Decimal(10)
    )
    officer = make_officer()
    attend(make_course(hours=(4, 56, 0)), officer)
    assert hours_short_problem(officer, 2026) == (
        "2026年度公共法律知识培训学时 4 学时，未达到 10 学时，不予年度注册"
    )
    assert not OfficerYear.objects.get(officer=officer).met
