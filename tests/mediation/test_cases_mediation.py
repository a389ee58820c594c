"""纠纷案件 workflow: the whole table, each step's checks and problems, the unit derived from
the committee, personal data encrypted at rest and masked in history and audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from tests.mediation.conftest import MakeCase, MakeCommittee, d
from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.mediation import services as svc
from fazhi.mediation.models import Case
from fazhi.mediation.workflow import CASES

pytestmark = pytest.mark.django_db


def test_workflow_table() -> None:
    steps = {"report_police": "received"}
    assert CASES.table() == {
        "received": {
            "succeed": "success",
            "fail": "failed",
            "terminate": "terminated",
            **steps,
        },
        "success": {
            "perform": "success",
            "apply_confirmation": "success",
            "confirmation_result": "success",
        },
        "failed": {},
        "terminated": {},
    }


def test_unit_and_number_follow_the_committee(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    committee = make_committee(unit=county.village_a)
    first = make_case(committee)
    second = make_case(committee)
    assert first.unit == county.village_a
    assert (first.number, second.number) == ("（2025）调字第1号", "（2025）调字第2号")
    with pytest.raises(ValidationError) as err:
        make_case(committee, number="（2025）调字第1号")
    assert "number" in err.value.message_dict


def test_parties_encrypted_and_masked_in_audit(
    make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    case = make_case(make_committee())
    with connection.cursor() as cur:
        cur.execute(
            "SELECT applicant_name, applicant_id_number, applicant_phone, respondent_name "
            "FROM mediation_case WHERE id = %s",
            [case.pk],
        )
        raw = cur.fetchone()
    assert "张三丰" not in raw[0] and "430199198001011234" not in raw[1]
    assert "13812345678" not in raw[2] and "李四光" not in raw[3]
    entry = AuditEntry.objects.get(action="mediation.register")
    text = str(entry.after)
    for plain in ("张三丰", "李四光", "430199198001011234", "13812345678"):
        assert plain not in text
    assert Case.objects.get(pk=case.pk).respondent_name == "李四光"


def test_succeed_checks(county: County, make_committee: MakeCommittee, make_case: MakeCase) -> None:
    case = make_case(make_committee())
    clerk = county.actor("clerk_a")
    with pytest.raises(ValidationError) as err:
        svc.case_succeed(
            actor=clerk,
            case=case,
            agreement_kind="written",
            agreement_on=d("2025-03-01"),
            terms="x",
        )
    assert "不能早于受理日期" in err.value.message_dict["agreement_on"][0]
    with pytest.raises(ValidationError) as err:
        svc.case_succeed(
            actor=clerk,
            case=case,
            agreement_kind="written",
            agreement_on=d("2025-03-20"),
            terms=" ",
        )
    assert err.value.message_dict["terms"] == ["请填写协议主要内容"]
    done = svc.case_succeed(
        actor=clerk,
        case=case,
        agreement_kind="oral",
        agreement_on=d("2025-03-20"),
        terms="口头约定赔偿",
    )
    assert (done.status, done.concluded_on, done.confirmation_due) == (
        "success",
        d("2025-03-20"),
        d("2025-04-21"),  # 04-19 is a Saturday
    )


def test_fail_requires_a_route(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    case = make_case(make_committee())
    clerk = county.actor("clerk_a")
    with pytest.raises(ValidationError) as err:
        svc.case_step(actor=clerk, case=case, step="fail", failed_on=d("2025-04-01"))
    assert "第二十六条" in err.value.message_dict["route_judicial"][0]
    done = svc.case_step(
        actor=clerk,
        case=case,
        step="fail",
        failed_on=d("2025-04-01"),
        route_arbitration=True,
        route_judicial=True,
    )
    assert (done.status, done.routes, done.confirmation_due) == (
        "failed",
        "arbitration,judicial",
        None,
    )
    assert done.events.get(kind="调解不成").note == "已告知当事人仲裁、司法途径"


def test_terminate_requires_reason(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    case = make_case(make_committee())
    clerk = county.actor("clerk_a")
    with pytest.raises(ValidationError) as err:
        svc.case_step(
            actor=clerk, case=case, step="terminate", terminated_on=d("2025-04-01"), reason=""
        )
    assert err.value.message_dict["reason"] == ["请填写终止调解的原因"]
    done = svc.case_step(
        actor=clerk,
        case=case,
        step="terminate",
        terminated_on=d("2025-04-01"),
        reason="一方当事人明确拒绝调解",
    )
    assert done.status == "terminated"
    with pytest.raises(ValidationError, match="纠纷案件当前状态"):
        svc.case_step(
            actor=clerk,
            case=done,
            step="succeed",
            agreement_kind="oral",
            agreement_on=d("2025-04-02"),
            terms="x",
        )


def test_police_report_once_while_open(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    case = make_case(make_committee())
    clerk = county.actor("clerk_a")
    done = svc.case_step(
        actor=clerk,
        case=case,
        step="report_police",
        reported_on=d("2025-03-11"),
        note="双方有肢体冲突",
    )
    assert (done.status, done.police_reported_on) == ("received", d("2025-03-11"))
    problem = CASES["report_police"].problem
    assert problem is not None
    assert problem(done, d("2026-06-30")) == "已于 2025-03-11 报告公安机关"


def test_after_success_perform_confirm_and_result(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    case = make_case(make_committee(), received_on=d("2026-05-01"))
    clerk = county.actor("clerk_a")
    case = svc.case_succeed(
        actor=clerk,
        case=case,
        agreement_kind="written",
        agreement_on=d("2026-06-10"),
        terms="分期赔偿",
    )
    result = CASES["confirmation_result"].problem
    assert result is not None and result(case, d("2026-06-30")) == "尚未申请司法确认"
    case = svc.case_step(
        actor=clerk, case=case, step="perform", performance="performed", recorded_on=d("2026-06-20")
    )
    perform = CASES["perform"].problem
    assert perform is not None and perform(case, d("2026-06-30")) == "已于 2026-06-20 登记为已履行"
    case = svc.case_apply_confirmation(
        actor=clerk, case=case, applied_on=d("2026-06-15"), court="湘江县人民法院"
    )
    apply = CASES["apply_confirmation"].problem
    assert apply is not None and apply(case, d("2026-06-30")) == "已于 2026-06-15 申请司法确认"
    case = svc.case_step(
        actor=clerk,
        case=case,
        step="confirmation_result",
        result="valid",
        result_on=d("2026-06-25"),
    )
    assert case.confirmation_result == "valid"
    assert result(case, d("2026-06-30")) == "已登记司法确认结果（确认有效）"
    assert list(case.events.order_by("on", "id").values_list("kind", flat=True)) == [
        "受理",
        "调解成功",
        "申请司法确认",
        "履行情况",
        "司法确认结果",
    ]


def test_other_township_cannot_act(
    county: County, make_committee: MakeCommittee, make_case: MakeCase
) -> None:
    case = make_case(make_committee(unit=county.town_a))
    with pytest.raises(PermissionDenied):
        svc.case_step(
            actor=county.actor("clerk_b"),
            case=case,
            step="terminate",
            terminated_on=d("2025-04-01"),
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        make_case_as(county, case)


def make_case_as(county: County, case: Case) -> Case:
    return svc.case_receive(
        actor=county.actor("clerk_b"),
        committee=case.committee,
        received_on=d("2025-04-01"),
        source="own",
        dispute_type=case.dispute_type,
        applicant_name="甲",
        respondent_name="乙",
    )
