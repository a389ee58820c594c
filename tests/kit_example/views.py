"""The 法律顾问 register's screens, configured on the generic register layer.

List (filters, search, Excel export), detail (deadline and timeline), history, 登记 and one
form page per declared transition; the kit mounts ``counsels.urls()`` (no ``urls.py``) and the
API reuses the same register.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from tests.kit_example import forms as f
from tests.kit_example import services
from tests.kit_example.models import Counsel, CounselKind, Status
from tests.kit_example.workflow import COUNSELS

from fazhi.core.registers import (
    Action,
    Column,
    Deadline,
    Filter,
    Register,
    import_action,
    transition_steps,
    unit_filter,
    year_filter,
)
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope


class CounselRegister(Register[Counsel]):
    key = "counsels"
    title = "法律顾问"
    model = Counsel
    columns = (
        Column("name", "姓名", link=True),
        Column("unit.name", "聘请单位"),
        Column("firm", "律师事务所"),
        Column("kind", "类别"),
        Column("contract_start", "聘期开始"),
        Column("contract_end", "聘期届满"),
        Column("status", "状态", css="nowrap"),
    )
    filters = (
        Filter("status", "状态", "status", Status.choices),
        Filter("kind", "类别", "kind", CounselKind.choices),
        unit_filter("unit", "聘请单位", "unit__path"),
        year_filter("year", "聘期开始年度", "contract_start"),
    )
    search_fields = ("name", "firm")
    search_placeholder = "姓名、律师事务所"
    detail_fields = (
        "name",
        "unit",
        "firm",
        "kind",
        "contract_start",
        "contract_end",
        "status",
        "ended_on",
        "end_reason",
    )
    create_form_class = f.CounselForm
    detail_template = "kit_example/counsel_detail.html"
    steps = transition_steps(COUNSELS)

    def base_queryset(self) -> models.QuerySet[Counsel]:
        return Counsel.objects.select_related("unit")

    def can_edit(self, actor: Actor, obj: Counsel) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记法律顾问", self.url("create")), *import_action(self.key)]

    def create(self, actor: Actor, data: dict[str, Any]) -> Counsel:
        return services.counsel_register(actor=actor, **data)

    def deadlines(self, obj: Counsel) -> list[Deadline]:
        return [
            Deadline(
                "聘期届满",
                obj.contract_end,
                "聘用合同",
                running=obj.status == Status.ACTIVE,
                lapsed="已解聘" if obj.status == Status.TERMINATED else "聘期已届满",
            )
        ]

    def detail_context(self, actor: Actor, obj: Counsel) -> dict[str, Any]:
        deadlines = self.deadlines(obj)
        today = timezone.localdate()
        return {
            "timeline": self.timeline(obj, deadlines),
            "deadlines": [d.as_dict(today) for d in deadlines],
        }


counsels = CounselRegister()
