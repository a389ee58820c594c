"""The 述法 state machine: the table, each refusal (state, problem, dates, the reviewing
unit's rule), and what the runner writes (timeline, audit)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.personas import County
from tests.statements.conftest import Make, d

from fazhi.core.audit_display import action_label
from fazhi.core.models import AuditEntry
from fazhi.orgs.scoping import Actor
from fazhi.statements import services as svc
from fazhi.statements.models import HeadKind, Statement, Status
from fazhi.statements.workflow import REVIEWS, STATEMENTS

pytestmark = pytest.mark.django_db


def test_the_table() -> None:
    assert STATEMENTS.table() == {
        "draft": {"submit": "submitted", "hold": "held"},
        "submitted": {"hold": "held"},
        "approved": {"hold": "held"},
        "held": {"rate": "rated"},
        "rated": {},
    }
    assert REVIEWS.table() == {
        "draft": {},
        "submitted": {"approve": "approved", "send_back": "draft"},
        "approved": {},
        "held": {},
        "rated": {},
    }


def test_the_whole_way_writes_timeline_and_audit(county: County, make: Make) -> None:
    s = make(upto="rated", rating="fairly_good")
    assert s.status == Status.RATED and s.reviewed and s.rating == "fairly_good"
    assert s.reviewer_unit == county.root
    kinds = [e.kind for e in s.events.order_by("on", "pk")]
    assert kinds == ["登记", "送审", "审核通过", "已述法", "评议"]
    actions = list(
        AuditEntry.objects.filter(object_id=str(s.pk), action__startswith="statements.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "statements.register",
        "statements.submit",
        "statements.approve",
        "statements.hold",
        "statements.rate",
    ]
    for action in {*actions, "statements.send_back"}:
        assert action_label(action) != action


def test_hold_before_approval_is_refused_with_the_reason(county: County, make: Make) -> None:
    for upto in ("registered", "submitted"):
        s = make(upto=upto)
        assert STATEMENTS.blocker(s, "hold") == "述法材料须经依法治办审核通过后才能述法"
        with pytest.raises(ValidationError, match="审核通过后才能述法"):
            svc.statement_hold(actor=county.actor("clerk_a"), statement=s, held_on=d("2026-12-20"))


def test_the_state_refuses_a_second_submit(county: County, make: Make) -> None:
    s = make(upto="submitted")
    with pytest.raises(ValidationError, match="当前状态为“已送审”，不能送审"):
        svc.statement_submit(
            actor=county.actor("clerk_a"), statement=s, submitted_on=d("2026-11-21")
        )


def test_send_back_needs_a_note_and_returns_to_draft(county: County, make: Make) -> None:
    s = make(upto="submitted")
    boss = county.actor("coordinator")
    with pytest.raises(ValidationError) as err:
        svc.statement_send_back(actor=boss, statement=s, returned_on=d("2026-11-25"), note=" ")
    assert err.value.message_dict == {"note": ["请填写修改意见"]}
    s = svc.statement_send_back(
        actor=boss, statement=s, returned_on=d("2026-11-25"), note="问题查摆不具体"
    )
    assert s.status == Status.DRAFT and s.return_note == "问题查摆不具体"
    assert s.submitted_on is None
    s = svc.statement_submit(
        actor=county.actor("clerk_a"), statement=s, submitted_on=d("2026-11-27")
    )
    assert s.status == Status.SUBMITTED


def test_dates_not_before_the_previous_step_nor_after_today(county: County, make: Make) -> None:
    clerk, boss = county.actor("clerk_a"), county.actor("coordinator")
    s = make()
    with pytest.raises(ValidationError) as err:
        svc.statement_submit(actor=clerk, statement=s, submitted_on=d("2026-11-01"))
    assert "送审日期不能早于登记日期" in err.value.message_dict["submitted_on"][0]
    s = make(upto="submitted")
    with pytest.raises(ValidationError) as err:
        svc.statement_approve(actor=boss, statement=s, approved_on=d("2026-12-29"))
    assert "不能晚于今天" in err.value.message_dict["approved_on"][0]
    with pytest.raises(ValidationError) as err:
        svc.statement_approve(actor=boss, statement=s, approved_on=d("2026-11-19"))
    assert "不能早于送审日期" in err.value.message_dict["approved_on"][0]
    s = make(upto="approved")
    with pytest.raises(ValidationError) as err:
        svc.statement_hold(actor=clerk, statement=s, held_on=d("2026-11-30"))
    assert "不能早于审核通过日期" in err.value.message_dict["held_on"][0]
    s = make(upto="held")
    with pytest.raises(ValidationError) as err:
        svc.statement_rate(actor=clerk, statement=s, rated_on=d("2026-12-19"), rating="good")
    assert "不能早于述法日期" in err.value.message_dict["rated_on"][0]
    with pytest.raises(ValidationError) as err:
        svc.statement_rate(actor=clerk, statement=s, rated_on=d("2026-12-21"), rating="")
    assert err.value.message_dict == {"rating": ["请选择评议结果"]}


def test_the_held_date_is_in_the_statements_year(county: County, make: Make) -> None:
    s = make(year=2025, upto="approved")
    with pytest.raises(ValidationError) as err:
        svc.statement_hold(actor=county.actor("clerk_a"), statement=s, held_on=d("2026-01-05"))
    assert err.value.message_dict == {"held_on": ["述法日期应在2025年内"]}


def test_submit_needs_the_material(county: County) -> None:
    s = svc.statement_register(
        actor=county.actor("clerk_a"), unit=county.town_a, year=2026, person="王某",
        post="镇长", head_kind="township", form="annual", registered_on=d("2026-11-02"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as err:
        svc.statement_submit(
            actor=county.actor("clerk_a"), statement=s, submitted_on=d("2026-11-20")
        )
    assert err.value.message_dict == {"material": ["请填写述法材料后再送审"]}


def test_register_refuses_duplicates_and_bad_values(county: County, make: Make) -> None:
    make(person="王某")
    clerk = county.actor("clerk_a")
    base = {
        "unit": county.town_a, "year": 2026, "person": "王某", "post": "镇长",
        "head_kind": "township", "form": "annual", "registered_on": d("2026-11-02"),
    }  # fmt: skip
    cases = {
        "person": ({}, "白沙镇人民政府已登记王某2026年的述法"),
        "head_kind": ({"person": "李某", "head_kind": "x"}, "请选择述法人类别"),
        "form": ({"person": "李某", "form": "x"}, "请选择述法形式"),
        "planned_on": ({"person": "李某", "planned_on": d("2027-01-05")},
                       "计划述法日期应在2026年内"),
        "registered_on": ({"person": "李某", "registered_on": d("2026-12-29")},
                          "登记日期不能晚于今天"),
    }  # fmt: skip
    for field, (change, message) in cases.items():
        with pytest.raises(ValidationError) as err:
            svc.statement_register(actor=clerk, **{**base, **change})  # type: ignore[arg-type]
        assert message in err.value.message_dict[field][0], field
    with pytest.raises(PermissionDenied):
        svc.statement_register(actor=clerk, **{**base, "unit": county.town_b})  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        svc.statement_register(actor=county.actor("leader_a"), **base)  # type: ignore[arg-type]


# --- who reviews -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("coordinator", True),  # the county's 依法治办, above the township
        ("reviewer", False),  # the 司法局's reviewer: not above the township
        ("coordinator_a", False),  # the township's own 依法治办: the reporting unit itself
        ("reviewer_a", False),
        ("clerk_a", False),  # no review capability
        ("leader", False),
    ],
)
def test_only_a_reviewer_above_approves_a_township(
    county: County, make: Make, persona: str, allowed: bool
) -> None:
    s = make(upto="submitted")
    actor = county.actor(persona)
    assert (REVIEWS.permission_problem(actor, s, "approve") == "") is allowed
    if allowed:
        svc.statement_approve(actor=actor, statement=s, approved_on=d("2026-12-01"))
        assert Statement.objects.get(pk=s.pk).status == Status.APPROVED
    else:
        with pytest.raises(PermissionDenied):
            svc.statement_approve(actor=actor, statement=s, approved_on=d("2026-12-01"))
        with pytest.raises(PermissionDenied):
            svc.statement_send_back(
                actor=actor, statement=s, returned_on=d("2026-12-01"), note="改"
            )
        assert Statement.objects.get(pk=s.pk).status == Status.SUBMITTED


def test_the_township_coordinator_reviews_its_village_unit(county: County, make: Make) -> None:
    s = make(county.village_a, upto="submitted", post="主任", head_kind=HeadKind.DEPARTMENT)
    svc.statement_approve(
        actor=county.actor("coordinator_a"), statement=s, approved_on=d("2026-12-01")
    )
    assert Statement.objects.get(pk=s.pk).reviewer_unit == county.town_a


def test_the_county_heads_are_reviewed_by_the_county_coordinator_only(
    county: County, make: Make
) -> None:
    s = make(county.root, upto="submitted", post="县长", head_kind=HeadKind.GOVERNMENT)
    for persona in ("reviewer", "clerk_a", "coordinator_a"):
        assert REVIEWS.permission_problem(county.actor(persona), s, "approve")
    assert REVIEWS.permission_problem(county.actor("coordinator"), s, "approve") == ""
    assert REVIEWS.permission_problem(Actor.command_line(), s, "approve") == ""
