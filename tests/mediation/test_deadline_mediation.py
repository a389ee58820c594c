"""司法确认申请期限 (人民调解法第三十三条): 30 natural days from the agreement, a last day on
a rest day rolled over to the next working day; an application on the due date is accepted,
one day later refused by the transition's problem (and by apply)."""

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


def test_rule_is_data_quoting_the_statute() -> None:
    rule = rule_for("mediation.judicial_confirmation", province="43")
    assert (rule.days, rule.counting, rule.article) == (30, "natural", "第三十三条第一款")
    assert "自调解协议生效之日起三十日内共同向人民法院申请司法确认" in rule.quote


@pytest.mark.parametrize(
    ("agreement_on", "due"),
    [
        ("2025-06-11", "2025-07-11"),  # day 30 a Friday: no roll-over
        ("2025-06-12", "2025-07-14"),  # day 30 a Saturday → Monday
        ("2025-06-13", "2025-07-14"),  # day 30 a Sunday → Monday
        ("2025-09-01", "2025-10-09"),  # day 30 is 国庆 (10-01…10-08) → Thursday 10-09
        ("2026-01-17", "2026-02-24"),  # day 30 is 春节 (02-15…02-23) → Tuesday 02-24
    ],
)
def test_due_date_exact(
    county: County,
    make_committee: MakeCommittee,
    make_case: MakeCase,
    agreement_on: str,
    due: str,
) -> None:
    case = _succeeded(make_committee, make_case, county, agreement_on)
    case.refresh_from_db()
    assert case.confirmation_due == d(due)


def test_application_on_due_date_accepted(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    case = _succeeded(make_committee, make_case, county, "2025-09-01")
    with on_day("2025-10-09"):
        assert CASES["apply_confirmation"].problem is not None
        assert CASES["apply_confirmation"].problem(case, d("2025-10-09")) == ""
        done = svc.case_apply_confirmation(
            actor=county.actor("clerk_a"),
            case=case,
            applied_on=d("2025-10-09"),
            court="湘江县人民法院",
        )
    assert done.confirmation_applied_on == d("2025-10-09")
    assert done.events.filter(kind="申请司法确认").exists()


def test_application_one_day_late_refused(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    case = _succeeded(make_committee, make_case, county, "2025-09-01")
    problem = CASES["apply_confirmation"].problem
    assert problem is not None
    reason = problem(case, d("2025-10-10"))
    assert "2025-10-09" in reason and "届满" in reason
    with on_day("2025-10-10"), pytest.raises((ValidationError, Exception)) as err:
        svc.case_apply_confirmation(
            actor=county.actor("clerk_a"),
            case=case,
            applied_on=d("2025-10-10"),
            court="湘江县人民法院",
        )
    assert "2025-10-09" in str(err.value)
    case.refresh_from_db()
    assert case.confirmation_applied_on is None


def test_late_date_refused_by_apply_even_if_entered_on_time(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    """Entered later but dated within the period: accepted; dated after it: refused."""
    case = _succeeded(make_committee, make_case, county, "2025-06-12")
    with on_day("2025-07-14"), pytest.raises(ValidationError) as err:
        svc.case_apply_confirmation(
            actor=county.actor("clerk_a"),
            case=case,
            applied_on=d("2025-07-15"),
            court="湘江县人民法院",
        )
    assert "applied_on" in err.value.message_dict
