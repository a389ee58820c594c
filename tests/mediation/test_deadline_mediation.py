"""司法确认申请期限 (人民调解法第三十三条): 30 natural days from the agreement, a last day on
a rest day rolled over to the next working day. The rule is about the APPLICATION's date: an
application dated on the due date is accepted, one dated a day later refused on ``applied_on``
with the due date named, whenever the clerk records it (on the day or months later)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from tests.mediation.conftest import MakeCase, MakeCommittee, d, on_day
from tests.personas import County

from fazhi.core.selectors import rule_for
from fazhi.mediation import services as svc
from fazhi.mediation.models import Case
from fazhi.mediation.workflow import CASES

pytestmark = pytest.mark.django_db

DUES = [
    ("2025-06-11", "2025-07-11"),  # day 30 a Friday: no roll-over
    ("2025-06-12", "2025-07-14"),  # day 30 a Saturday → Monday
    ("2025-06-13", "2025-07-14"),  # day 30 a Sunday → Monday
    ("2025-09-01", "2025-10-09"),  # day 30 is 国庆 (10-01…10-08) → Thursday 10-09
    ("2026-01-17", "2026-02-24"),  # day 30 is 春节 (02-15…02-23) → Tuesday 02-24
    ("2026-05-20", "2026-06-22"),  # day 30 is 端午 (06-19…06-21) → Monday 06-22
]
#: When the clerk records the application: on the day itself, or months after the period.
LATER = 150


def _succeeded(
    make_committee: MakeCommittee, make_case: MakeCase, county: County, agreement_on: str
) -> Case:
    committee = make_committee(term_start=d("2024-03-01"))
    case = make_case(committee, received_on=d(agreement_on) - dt.timedelta(days=5))
    with on_day(agreement_on):
        return svc.case_succeed(
            actor=county.actor("clerk_a"),
            case=case,
            agreement_kind="written",
            agreement_on=d(agreement_on),
            terms="赔偿三千元",
        )


def _apply(county: County, case: Case, applied_on: dt.date) -> Case:
    return svc.case_apply_confirmation(
        actor=county.actor("clerk_a"), case=case, applied_on=applied_on, court="湘江县人民法院"
    )


def late_message(applied_on: dt.date, due: dt.date) -> str:
    return (
        f"申请司法确认日期（{applied_on.year}年{applied_on.month}月{applied_on.day}日）"
        f"已超过申请司法确认的期限（{due.year}年{due.month}月{due.day}日）："
        "应自调解协议生效之日起三十日内申请（人民调解法第三十三条），逾期的申请不予登记"
    )


def test_rule_is_data_quoting_the_statute() -> None:
    rule = rule_for("mediation.judicial_confirmation", province="43")
    assert (rule.days, rule.counting, rule.article) == (30, "natural", "第三十三条第一款")
    assert "自调解协议生效之日起三十日内共同向人民法院申请司法确认" in rule.quote


@pytest.mark.parametrize(("agreement_on", "due"), DUES)
def test_due_date_exact(
    county: County, make_committee: MakeCommittee, make_case: MakeCase, agreement_on: str, due: str
) -> None:
    case = _succeeded(make_committee, make_case, county, agreement_on)
    case.refresh_from_db()
    assert case.confirmation_due == d(due)


@pytest.mark.parametrize("recorded_after", [0, LATER], ids=["same-day", "months-later"])
@pytest.mark.parametrize(("agreement_on", "due"), DUES)
def test_application_on_due_date_accepted(
    county: County,
    make_committee: MakeCommittee,
    make_case: MakeCase,
    agreement_on: str,
    due: str,
    recorded_after: int,
) -> None:
    case = _succeeded(make_committee, make_case, county, agreement_on)
    recorded = d(due) + dt.timedelta(days=recorded_after)
    with on_day(recorded):
        assert CASES.blocker(case, "apply_confirmation", recorded) == ""
        done = _apply(county, case, d(due))
    assert done.confirmation_applied_on == d(due)
    assert done.events.filter(kind="申请司法确认").exists()


@pytest.mark.parametrize("recorded_after", [1, LATER], ids=["next-day", "months-later"])
@pytest.mark.parametrize(("agreement_on", "due"), DUES)
def test_application_one_day_late_refused(
    county: County,
    make_committee: MakeCommittee,
    make_case: MakeCase,
    agreement_on: str,
    due: str,
    recorded_after: int,
) -> None:
    case = _succeeded(make_committee, make_case, county, agreement_on)
    late = d(due) + dt.timedelta(days=1)
    with on_day(d(due) + dt.timedelta(days=recorded_after)), pytest.raises(ValidationError) as err:
        _apply(county, case, late)
    assert err.value.message_dict == {"applied_on": [late_message(late, d(due))]}
    case.refresh_from_db()
    assert case.confirmation_applied_on is None
    assert not case.events.filter(kind="申请司法确认").exists()


def test_problem_is_not_today_and_help_names_the_due_date(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    """Long after the period the step is still offered (a timely application may be recorded);
    its help names the last day; once applied, the problem names the application."""
    case = _succeeded(make_committee, make_case, county, "2025-09-01")
    problem = CASES["apply_confirmation"].problem
    assert problem is not None and problem(case, d("2026-06-30")) == ""
    assert CASES["apply_confirmation"].help_for(case) == (
        "应于2025年10月9日前申请司法确认（人民调解法第三十三条）；逾期的申请不予登记"
    )
    done = _apply(county, case, d("2025-09-30"))
    assert problem(done, d("2026-06-30")) == "已于 2025-09-30 申请司法确认"


def test_application_date_checks_kept(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    """Not after today, not before the agreement."""
    case = _succeeded(make_committee, make_case, county, "2026-06-20")
    with pytest.raises(ValidationError) as future:
        _apply(county, case, d("2026-07-01"))
    assert list(future.value.message_dict) == ["applied_on"]
    assert "不能晚于今天" in future.value.message_dict["applied_on"][0]
    with pytest.raises(ValidationError) as early:
        _apply(county, case, d("2026-06-19"))
    assert "不能早于协议生效日期" in early.value.message_dict["applied_on"][0]
