"""调解委员会: term end exactness (第九条, a data parameter), member bounds (第八条), the
任期届满 sweep (only ended terms, idempotent) and 换届."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from tests.mediation.conftest import MakeCommittee, d, on_day
from tests.personas import County

from fazhi.core.audit_display import action_label
from fazhi.mediation import rules
from fazhi.mediation import services as svc
from fazhi.mediation.models import CommitteeRule, CommitteeStatus
from fazhi.mediation.workflow import COMMITTEES
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-03-01", "2027-02-28"),
        ("2024-02-29", "2027-02-28"),  # 29 Feb: the anniversary in a common year is 1 March
        ("2023-03-01", "2026-02-28"),
        ("2021-01-01", "2023-12-31"),
        ("2025-02-28", "2028-02-27"),
    ],
)
def test_term_end_exact(make_committee: MakeCommittee, start: str, end: str) -> None:
    assert make_committee(term_start=d(start)).term_end == d(end)


def test_term_length_is_data(county: County, make_committee: MakeCommittee) -> None:
    rule = CommitteeRule.objects.get(province_code="", from_year=2011)
    assert (rule.term_years, rule.min_members, rule.max_members) == (3, 3, 9)
    CommitteeRule.objects.create(
        province_code="43", from_year=2020, term_years=5, min_members=3, max_members=11
    )
    assert rules.committee_rule(county.town_a, 2024) == (5, 3, 11)
    assert rules.committee_rule(county.town_a, 2019) == (3, 3, 9)
    assert make_committee(term_start=d("2024-02-29")).term_end == d("2029-02-28")
    assert make_committee(members=11).members == 11


def test_sync_does_not_overwrite_admin_edits() -> None:
    CommitteeRule.objects.filter(province_code="").update(term_years=4)
    rules.data_sync()
    assert CommitteeRule.objects.get(province_code="").term_years == 4


@pytest.mark.parametrize("members", [2, 10])
def test_member_bounds(make_committee: MakeCommittee, members: int) -> None:
    with pytest.raises(ValidationError) as err:
        make_committee(members=members)
    assert err.value.message_dict["members"] == ["委员人数应为3至9人（人民调解法第八条）"]


def test_workflow_table() -> None:
    assert COMMITTEES.table() == {
        "active": {"expire": "ended", "renew": "active"},
        "ended": {"renew": "active"},
    }


def test_sweep_marks_only_ended_and_is_idempotent(make_committee: MakeCommittee) -> None:
    ended = make_committee(term_start=d("2023-06-29"))  # last day 2026-06-28
    last_day = make_committee(term_start=d("2023-06-30"))  # last day 2026-06-29
    running = make_committee(term_start=d("2023-07-01"))  # last day 2026-06-30 (today)
    assert (ended.term_end, last_day.term_end) == (d("2026-06-28"), d("2026-06-29"))
    assert svc.sweep(actor=Actor.command_line()) == 2
    assert svc.sweep(actor=Actor.command_line()) == 0
    for c in (ended, last_day, running):
        c.refresh_from_db()
    assert (ended.status, last_day.status, running.status) == ("ended", "ended", "active")
    assert ended.events.filter(kind="任期届满", on=d("2026-06-28")).exists()
    with on_day("2026-07-01"):
        assert svc.sweep(actor=Actor.command_line()) == 1
    running.refresh_from_db()
    assert running.status == CommitteeStatus.ENDED


def test_expire_problem_names_the_date(make_committee: MakeCommittee) -> None:
    c = make_committee(term_start=d("2024-03-01"))
    problem = COMMITTEES["expire"].problem
    assert problem is not None
    assert problem(c, d("2026-06-30")) == "本届任期至 2027-02-28，尚未届满"


def test_sweep_command_summary(
    make_committee: MakeCommittee, capsys: pytest.CaptureFixture[str]
) -> None:
    make_committee(term_start=d("2022-01-01"))
    call_command("sweep_deadlines")
    assert "人民调解委员会任期届满 1 个" in capsys.readouterr().out
    call_command("sweep_deadlines")
    assert "人民调解委员会任期届满 0 个" in capsys.readouterr().out


def test_renewal(county: County, make_committee: MakeCommittee) -> None:
    c = make_committee(term_start=d("2023-01-01"))
    svc.sweep(actor=Actor.command_line())
    c.refresh_from_db()
    assert c.status == "ended"
    with pytest.raises(ValidationError) as err:
        svc.committee_renew(
            actor=county.actor("clerk_a"),
            committee=c,
            term_start=d("2026-07-01"),
            director="新主任",
            members=7,
        )
    assert "term_start" in err.value.message_dict  # a future date
    done = svc.committee_renew(
        actor=county.actor("clerk_a"),
        committee=c,
        term_start=d("2026-01-05"),
        director="新主任",
        members=7,
    )
    assert (done.status, done.term_start, done.term_end) == (
        "active",
        d("2026-01-05"),
        d("2029-01-04"),
    )
    assert (done.director, done.members) == ("新主任", 7)
    assert action_label("mediation_committee.renew") != "mediation_committee.renew"
    assert action_label("mediation_committee.register") != "mediation_committee.register"


def test_clerk_of_other_township_cannot_renew(
    county: County, make_committee: MakeCommittee
) -> None:
    from django.core.exceptions import PermissionDenied

    c = make_committee(term_start=d("2023-01-01"))
    with pytest.raises(PermissionDenied):
        svc.committee_renew(
            actor=county.actor("clerk_b"),
            committee=c,
            term_start=d("2026-01-05"),
            director="新主任",
            members=7,
        )


@pytest.mark.parametrize(
    "code",
    [
        "mediation.register",
        "mediation.succeed",
        "mediation.fail",
        "mediation.terminate",
        "mediation.report_police",
        "mediation.perform",
        "mediation.apply_confirmation",
        "mediation.confirmation_result",
        "mediation_committee.register",
        "mediation_committee.expire",
        "mediation_committee.renew",
        "mediation_mediator.register",
        "mediation_mediator.leave",
    ],
)
def test_every_audit_code_has_a_chinese_name(code: str) -> None:
    assert action_label(code) != code
