"""The 执法证 life cycle: the declared table, each transition's rule and its reason, the stored
dates, and what the runner writes (timeline, history, audit)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from tests.personas import County

from fazhi.core.models import AuditEntry, DeadlineRule
from fazhi.enforcement import services as svc
from fazhi.enforcement.gates import certificate_problem
from fazhi.enforcement.models import CertStatus, Officer, Registration
from fazhi.enforcement.workflow import OFFICERS

from .conftest import TODAY, MakeOfficer, d

pytestmark = pytest.mark.django_db


def test_the_declared_table() -> None:
    assert OFFICERS.table() == {
        "applied": {"qualify": "qualified", "cancel": "cancelled"},
        "qualified": {"exam_pass": "passed", "exam_fail": "rejected", "cancel": "cancelled"},
        "passed": {"issue": "issued", "cancel": "cancelled"},
        "issued": {
            "register_year": "issued",
            "renew": "issued",
            "suspend": "suspended",
            "cancel": "cancelled",
        },
        "suspended": {"restore": "issued", "cancel": "cancelled"},
        "cancelled": {"reapply": "applied"},
        "rejected": {"reapply": "applied"},
    }


def test_the_whole_cycle_through_the_services(county: County, make_officer: MakeOfficer) -> None:
    actor = county.actor("clerk_a")
    officer = make_officer(applied_on=d("2026-03-02"))
    assert officer.status == CertStatus.APPLIED
    assert certificate_problem(officer, TODAY).endswith("未取得执法证")
    svc.officer_qualify(actor=actor, officer=officer, qualified_on=d("2026-03-10"))
    svc.officer_exam_pass(actor=actor, officer=officer, exam_on=d("2026-04-15"))
    svc.officer_issue(
        actor=actor, officer=officer, cert_number="43010001", issued_on=d("2026-05-01")
    )
    officer.refresh_from_db()
    assert officer.status == CertStatus.ISSUED
    # 5 years (60 months, the national default) from the day of issue, less a day
    assert officer.cert_expires_on == d("2031-04-30")
    assert officer.cert_warn_from == d("2031-02-28")  # two months before
    assert certificate_problem(officer, TODAY) == ""
    kinds = [e.kind for e in officer.events.order_by("on", "pk")]
    assert kinds == ["申领", "资格审查通过", "考试合格", "发证"]
    actions = set(
        AuditEntry.objects.filter(object_id=str(officer.pk)).values_list("action", flat=True)
    )
    assert {
        "enforcement.officer_register",
        "enforcement.qualify",
        "enforcement.exam_pass",
        "enforcement.issue",
    } <= actions


def test_non_staff_may_not_hold_a_certificate(county: County, make_officer: MakeOfficer) -> None:
    officer = make_officer(on_staff=False)
    reason = OFFICERS.blocker(officer, "qualify", TODAY)
    assert "不是在编人员" in reason and "不得申领" in reason
    with pytest.raises(ValidationError, match="不是在编人员"):
        svc.officer_qualify(actor=county.actor("clerk_a"), officer=officer, qualified_on=TODAY)
    # the page shows the greyed button with the reason
    page = county.client("clerk_a").get(officer.get_absolute_url()).content.decode()
    assert "资格审查通过</button>" in page and "不是在编人员" in page


def test_a_failed_exam_ends_in_rejected_and_may_apply_again(
    county: County, make_officer: MakeOfficer
) -> None:
    actor = county.actor("clerk_a")
    officer = make_officer(applied_on=d("2026-05-04"))
    svc.officer_qualify(actor=actor, officer=officer, qualified_on=d("2026-05-06"))
    svc.officer_exam_fail(actor=actor, officer=officer, exam_on=d("2026-06-01"))
    officer.refresh_from_db()
    assert officer.status == CertStatus.REJECTED and officer.end_note == "执法资格考试不合格"
    OFFICERS.run("reapply", actor=actor, obj=officer, applied_on=d("2026-06-20"))
    assert Officer.objects.get(pk=officer.pk).status == CertStatus.APPLIED


def test_dates_before_the_previous_step_or_in_the_future_are_refused(
    county: County, make_officer: MakeOfficer
) -> None:
    actor = county.actor("clerk_a")
    officer = make_officer(applied_on=d("2026-05-04"))
    with pytest.raises(ValidationError) as err:
        svc.officer_qualify(actor=actor, officer=officer, qualified_on=d("2026-05-01"))
    assert "不能早于申领日期" in str(err.value.message_dict["qualified_on"])
    with pytest.raises(ValidationError) as err:
        svc.officer_qualify(actor=actor, officer=officer, qualified_on=d("2026-07-01"))
    assert "不能晚于今天" in str(err.value.message_dict["qualified_on"])


def test_the_validity_is_a_rule_per_province(county: County, make_officer: MakeOfficer) -> None:
    national = DeadlineRule.objects.get(code="enforcement.cert_validity", region="")
    DeadlineRule.objects.create(
        **{
            f.name: getattr(national, f.name)
            for f in DeadlineRule._meta.concrete_fields
            if f.name not in ("id", "region", "days")
        },
        region="43",
        days=36,
    )
    officer = make_officer(issued="2026-01-15")
    assert officer.cert_expires_on == d("2029-01-14")


def test_a_certificate_number_is_unique(county: County, make_officer: MakeOfficer) -> None:
    make_officer(issued="2025-01-15", cert_number="A-1")
    with pytest.raises(ValidationError) as err:
        make_officer(issued="2025-01-15", cert_number="A-1")
    assert "已登记给其他执法人员" in str(err.value.message_dict["cert_number"])


def test_annual_registration_refused_when_the_hours_are_short(
    county: County, make_officer: MakeOfficer
) -> None:
    """The training register's verdict (no hours this year: short of the 60-hour target) is
    the greyed button's reason and the runner's refusal."""
    officer = make_officer(issued="2025-03-01")
    reason = OFFICERS.blocker(officer, "register_year", TODAY)
    assert reason.startswith("2026年度") and "未达到" in reason and reason.endswith("不予年度注册")
    with pytest.raises(ValidationError, match="不予年度注册"):
        svc.officer_register_year(
            actor=county.actor("clerk_a"), officer=officer, registered_on=TODAY
        )
    page = county.client("clerk_a").get(officer.get_absolute_url()).content.decode()
    assert "年度注册</button>" in page and "不予年度注册" in page
    assert not Registration.objects.exists()


def test_annual_registration_with_the_hours_met(
    county: County, make_officer: MakeOfficer, hours_met: None
) -> None:
    actor = county.actor("clerk_a")
    officer = make_officer(issued="2025-03-01")
    svc.officer_register_year(actor=actor, officer=officer, registered_on=d("2026-06-15"))
    row = Registration.objects.get(officer=officer)
    assert (row.year, row.registered_on, row.unit) == (2026, d("2026-06-15"), county.town_a)
    assert OFFICERS.blocker(officer, "register_year", TODAY) == "2026年度已注册"
    assert officer.events.filter(kind="年度注册").count() == 1


def test_an_expired_certificate_is_not_registered_but_renewed(
    county: County, make_officer: MakeOfficer, hours_met: None
) -> None:
    officer = make_officer(issued="2021-06-01")  # valid to 2026-05-31
    assert OFFICERS.blocker(officer, "register_year", TODAY) == (
        "执法证已于 2026-05-31 过期，应办理换证，不能年度注册"
    )
    svc.officer_renew(
        actor=county.actor("clerk_a"),
        officer=officer,
        exam_on=d("2026-06-10"),
        issued_on=d("2026-06-20"),
        cert_number="N-2",
    )
    officer.refresh_from_db()
    assert (officer.cert_number, officer.cert_issued_on, officer.cert_expires_on) == (
        "N-2",
        d("2026-06-20"),
        d("2031-06-19"),
    )
    assert certificate_problem(officer, TODAY) == ""


def test_renewal_only_within_six_months_before_expiry(
    county: County, make_officer: MakeOfficer
) -> None:
    early = make_officer(issued="2022-01-10")  # to 2027-01-09: the window opens 2026-07-09
    assert OFFICERS.blocker(early, "renew", TODAY) == (
        "执法证有效期至 2027-01-09，届满前6个月内（2026-07-09 起）才能参加换证考试"
    )
    inside = make_officer(issued="2021-12-20")  # to 2026-12-19: opens 2026-06-19
    assert OFFICERS.blocker(inside, "renew", TODAY) == ""
    with pytest.raises(ValidationError) as err:
        svc.officer_renew(
            actor=county.actor("clerk_a"),
            officer=inside,
            exam_on=d("2026-06-18"),
            issued_on=d("2026-06-25"),
        )
    assert "不能早于换证期间开始日期" in str(err.value.message_dict["exam_on"])


def test_suspend_restore_and_cancel(county: County, make_officer: MakeOfficer) -> None:
    actor = county.actor("clerk_a")
    officer = make_officer(issued="2024-01-10")
    svc.officer_suspend(actor=actor, officer=officer, suspended_on=d("2026-06-01"), reason="调查中")
    assert certificate_problem(officer, TODAY).endswith("的执法证已暂扣")
    svc.officer_restore(actor=actor, officer=officer, restored_on=d("2026-06-20"))
    assert certificate_problem(officer, TODAY) == ""
    with pytest.raises(ValidationError) as err:
        svc.officer_cancel(actor=actor, officer=officer, cancelled_on=TODAY, reason="other")
    assert "写明说明" in str(err.value.message_dict["note"])
    svc.officer_cancel(actor=actor, officer=officer, cancelled_on=TODAY, reason="retired")
    officer.refresh_from_db()
    assert officer.status == CertStatus.CANCELLED and officer.cancel_reason == "retired"
    assert officer.on_duty is False
    assert certificate_problem(officer, TODAY).endswith("的执法证已注销")
    assert [e.note for e in officer.events.filter(kind="注销")] == ["退休"]


def test_another_units_clerk_may_not_move_a_certificate(
    county: County, make_officer: MakeOfficer
) -> None:
    from django.core.exceptions import PermissionDenied

    officer = make_officer(issued="2024-01-10")
    with pytest.raises(PermissionDenied):
        svc.officer_suspend(
            actor=county.actor("clerk_b"), officer=officer, suspended_on=TODAY, reason="x"
        )
    with pytest.raises(PermissionDenied):
        svc.officer_suspend(
            actor=county.actor("leader"), officer=officer, suspended_on=TODAY, reason="x"
        )


def test_gate_expired_yesterday(make_officer: MakeOfficer) -> None:
    officer = make_officer(issued="2021-06-30")  # valid to 2026-06-29, i.e. yesterday
    assert officer.cert_expires_on == TODAY - dt.timedelta(days=1)
    assert certificate_problem(officer, TODAY - dt.timedelta(days=1)) == ""
    assert certificate_problem(officer, TODAY) == (
        f"{officer.name}（执法证号 {officer.cert_number}）的执法证已于 2026-06-29 过期"
    )
