"""The 法律顾问 workflow: the state table, each ``problem``, the term's last day, the sweep
(idempotent), the 登记 refusals, the audit trail. Today is 2025-06-30."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from tests.counsel.conftest import MakeCounsel, d
from tests.personas import County

from fazhi.core.audit_display import action_label
from fazhi.core.models import AuditEntry
from fazhi.counsel import services
from fazhi.counsel.models import Counsel, Status
from fazhi.counsel.workflow import COUNSELS, expire_problem, terminate_problem
from fazhi.orgs.scoping import Actor

pytestmark = pytest.mark.django_db


def sweep(*args: str) -> str:
    out = StringIO()
    call_command("sweep_deadlines", *args, stdout=out)
    return out.getvalue().strip()


def test_the_workflow_table() -> None:
    assert COUNSELS.table() == {
        "active": {"terminate": "terminated", "renew": "active", "expire": "expired"},
        "expired": {"renew": "active"},
        "terminated": {},
    }


def test_expiry_falls_on_the_day_after_the_last_day(
    county: County, make_counsel: MakeCounsel
) -> None:
    counsel = make_counsel(county.town_a, "欧阳明远", "2024-07-01", "2025-06-30")
    assert expire_problem(counsel, d("2025-06-30")) == "聘期至 2025-06-30，尚未届满"
    assert expire_problem(counsel, d("2025-07-01")) == ""
    assert terminate_problem(counsel, d("2025-06-30")) == ""
    assert terminate_problem(counsel, d("2025-07-01")) == (
        "合同已于 2025-06-30 到期，应办理“聘期届满”而不是解聘"
    )
    with pytest.raises(ValidationError, match="尚未届满"):
        services.counsel_expire(actor=Actor.command_line(), counsel=counsel)


def test_the_sweep_expires_ended_contracts_once(county: County, make_counsel: MakeCounsel) -> None:
    ended = make_counsel(county.town_a, "欧阳明远", "2023-07-01", "2025-06-29")
    running = make_counsel(county.town_b, "李思齐", "2024-07-01", "2025-06-30")  # last day today
    assert "法律顾问聘期届满 0 人" in sweep("--today", "2025-06-29").split("；")
    first = sweep()
    assert "法律顾问聘期届满 1 人" in first.split("；")
    assert "法律顾问聘期届满 0 人" in sweep().split("；")  # idempotent
    ended.refresh_from_db()
    running.refresh_from_db()
    assert (ended.status, ended.ended_on) == (Status.EXPIRED, d("2025-06-29"))
    assert running.status == Status.ACTIVE
    assert [(e.kind, str(e.on), e.actor_name) for e in ended.events.all()] == [
        ("聘用", "2023-07-01", "命令行"),
        ("聘期届满", "2025-06-29", "命令行"),
    ]


def test_sweep_counts_nothing_the_day_before(county: County, make_counsel: MakeCounsel) -> None:
    make_counsel(county.town_a, "欧阳明远", "2023-07-01", "2025-06-29")
    assert services.sweep(actor=Actor.command_line(), today=d("2025-06-29")) == 0
    assert services.sweep(actor=Actor.command_line(), today=d("2025-06-30")) == 1
    assert services.sweep(actor=Actor.command_line(), today=d("2025-06-30")) == 0


def test_terminate_renew_and_the_audit_trail(county: County, make_counsel: MakeCounsel) -> None:
    clerk = county.actor("clerk_a")
    counsel = make_counsel(county.town_a, "欧阳明远", "2024-07-01", "2026-06-30")
    with pytest.raises(ValidationError) as err:
        services.counsel_terminate(
            actor=clerk, counsel=counsel, terminated_on=d("2025-06-01"), reason=" "
        )
    assert err.value.message_dict == {"reason": ["请填写解聘原因"]}
    with pytest.raises(ValidationError) as err:
        services.counsel_terminate(
            actor=clerk, counsel=counsel, terminated_on=d("2025-07-01"), reason="x"
        )
    assert "terminated_on" in err.value.message_dict
    services.counsel_terminate(
        actor=clerk, counsel=counsel, terminated_on=d("2025-06-01"), reason="调离"
    )
    counsel.refresh_from_db()
    assert (counsel.status, counsel.ended_on, counsel.last_day) == (
        Status.TERMINATED,
        d("2025-06-01"),
        d("2025-06-01"),
    )
    with pytest.raises(ValidationError, match="已解聘"):
        services.counsel_renew(actor=clerk, counsel=counsel, contract_end=d("2027-06-30"))

    other = make_counsel(county.town_a, "李思齐", "2023-07-01", "2025-06-29")
    services.sweep(actor=Actor.command_line())
    with pytest.raises(ValidationError) as err:
        services.counsel_renew(
            actor=clerk, counsel=Counsel.objects.get(pk=other.pk), contract_end=d("2025-06-01")
        )
    assert err.value.message_dict == {
        "contract_end": ["新的届满日期应晚于原届满日期（2025-06-29）"]
    }
    services.counsel_renew(
        actor=clerk, counsel=Counsel.objects.get(pk=other.pk), contract_end=d("2027-06-30")
    )
    other.refresh_from_db()
    assert (other.status, other.contract_end, other.ended_on) == (
        Status.ACTIVE,
        d("2027-06-30"),
        None,
    )
    actions = list(
        AuditEntry.objects.filter(object_type="counsel.counsel")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "counsel.register",
        "counsel.terminate",
        "counsel.register",
        "counsel.expire",
        "counsel.renew",
    ]
    for code in {*actions, "counsel.participation"}:
        assert action_label(code) != code
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "哈希链无断裂" in out.getvalue()


def test_register_refusals(county: County, make_counsel: MakeCounsel) -> None:
    clerk = county.actor("clerk_a")

    def register(**over: object) -> Counsel:
        values: dict[str, object] = {
            "unit": county.town_a,
            "name": "欧阳明远",
            "kind": "retained",
            "firm": "湘江律师事务所",
            "contract_start": d("2025-01-01"),
            "contract_end": d("2025-12-31"),
        }
        values.update(over)
        return services.counsel_register(actor=clerk, **values)  # type: ignore[arg-type]

    def error(**over: object) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as err:
            register(**over)
        return err.value.message_dict

    assert error(name=" ") == {"name": ["请填写姓名"]}
    assert error(kind="boss") == {"kind": ["请选择类别"]}
    assert error(firm="") == {"firm": ["请填写律师事务所"]}
    assert error(kind="staff", firm="") == {"post": ["公职律师请填写所在单位职务"]}
    assert error(contract_end=d("2024-12-31")) == {
        "contract_end": ["聘期届满日期应晚于聘期开始日期"]
    }
    assert error(contract_end=d("2036-01-01")) == {"contract_end": ["聘期不应超过 10 年"]}
    with pytest.raises(PermissionDenied):
        register(unit=county.town_b)
    with pytest.raises(PermissionDenied):
        services.counsel_register(
            actor=county.actor("leader_a"),
            unit=county.town_a,
            name="x",
            kind="retained",
            firm="x",
            contract_start=d("2025-01-01"),
            contract_end=d("2025-12-31"),
        )
    first = register(phone="13812345678")
    assert first.phone == "13812345678" and first.phone_masked == "138****5678"
    assert error() == {"name": ["欧阳明远已是白沙镇人民政府的在聘法律顾问"]}
    staff = register(name="李思齐", kind="staff", firm="", post="司法所公职律师")
    assert staff.firm_or_post == "司法所公职律师"
    entry = AuditEntry.objects.filter(action="counsel.register", object_id=str(first.pk)).get()
    assert "13812345678" not in str(entry.after)
