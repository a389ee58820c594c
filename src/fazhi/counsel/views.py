"""The 法律顾问 registers' screens on the generic register layer: the roster (``counsel``,
/counsel/roster/) and the participations (``counsel_participations``, /counsel/participations/)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

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
from fazhi.counsel import forms as f
from fazhi.counsel import services
from fazhi.counsel.models import (
    Counsel,
    CounselKind,
    Participation,
    ParticipationKind,
    Source,
    Status,
)
from fazhi.counsel.selectors import participations_of
from fazhi.counsel.workflow import COUNSELS
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope


class CounselRegister(Register[Counsel]):
    key = "counsel"
    url_prefix = "roster"
    title = "法律顾问"
    model = Counsel
    columns = (
        Column("name", "姓名", link=True),
        Column("unit.name", "聘请单位"),
        Column("kind", "类别"),
        Column("firm_or_post", "律师事务所／职务"),
        Column("contract_start", "聘期开始", css="date"),
        Column("contract_end", "聘期届满", css="date"),
        Column("status", "状态", css="nowrap"),
    )
    filters = (
        Filter("status", "状态", "status", Status.choices),
        Filter("kind", "类别", "kind", CounselKind.choices),
        unit_filter("unit", "聘请单位", "unit__path"),
        year_filter("year", "聘期开始年度", "contract_start"),
    )
    search_fields = ("name", "firm", "contract_no")
    search_placeholder = "姓名、律师事务所、合同编号"
    handler_unmasked = ("phone",)
    detail_fields = (
        "name",
        "unit",
        "kind",
        "firm",
        "post",
        "license_no",
        "contract_no",
        "contract_start",
        "contract_end",
        "fee",
        Column("phone", "联系电话", personal=True),
        "status",
        "ended_on",
        "end_reason",
    )
    create_form_class = f.CounselForm
    detail_template = "counsel/counsel_detail.html"
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
            "participations": list(participations_of(obj)),
        }


class ParticipationRegister(Register[Participation]):
    key = "counsel_participations"
    url_prefix = "participations"
    title = "法律顾问参与事项"
    model = Participation
    columns = (
        Column("on", "日期", css="date"),
        Column("counsel.name", "法律顾问"),
        Column("counsel.unit.name", "聘请单位"),
        Column("kind", "事项类别"),
        Column("subject", "事项", link=True),
        Column("source", "来源"),
    )
    filters = (
        Filter("kind", "事项类别", "kind", ParticipationKind.choices),
        Filter("source", "来源", "source", Source.choices),
        unit_filter("unit", "聘请单位", "counsel__unit__path"),
        year_filter("year", "年度", "on"),
    )
    search_fields = ("subject", "counsel__name")
    search_placeholder = "事项、法律顾问姓名"
    detail_fields = ("counsel", "on", "kind", "subject", "note", "source")
    create_form_class = f.ParticipationForm
    detail_template = "counsel/participation_detail.html"

    def base_queryset(self) -> models.QuerySet[Participation]:
        return Participation.objects.select_related("counsel__unit")

    def can_edit(self, actor: Actor, obj: Participation) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.counsel.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记参与事项", self.url("create")), *import_action(self.key)]

    def create(self, actor: Actor, data: dict[str, Any]) -> Participation:
        """From the form (``counsel``) or an Excel row (``unit`` and ``counsel_name``)."""
        if "counsel" not in data:
            data = dict(data)
            data["counsel"] = services.find_counsel(
                actor=actor, unit=data.pop("unit"), name=data.pop("counsel_name")
            )
        return services.participation_register(actor=actor, **data)


class TypedParticipationRegister(ParticipationRegister):
    """The participations Excel works on (``fazhi import/export counsel_participations``): the
    typed ones only, so an exported file imports again (the counted ones are the other
    registers'; the list page's own export has them all). Not mounted: same key and URLs."""

    def base_queryset(self) -> models.QuerySet[Participation]:
        return super().base_queryset().filter(source=Source.TYPED)


counsels = CounselRegister()
participations = ParticipationRegister()
typed_participations = TypedParticipationRegister()
registers = [counsels, participations]
