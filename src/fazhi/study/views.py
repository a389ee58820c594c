"""The 学法 screens, configured on the generic register layer (three registers):

* ``study`` — 学法活动 (list, detail, 登记, 修改; the Excel key of the sessions);
* ``study_years`` — 学法达标情况: per unit and year the sessions counted against the target,
  达标 or not, drilling down to the sessions;
* ``study_exams`` — 领导干部年度学法考试成绩 (list, detail, 登记; Excel key).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone

from fazhi.core.registers import Action, Column, Filter, Register, import_action, unit_filter
from fazhi.core.registers import year_filter as _year_filter
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope, visible_to
from fazhi.study import forms as f
from fazhi.study import services
from fazhi.study.models import ExamResult, SessionKind, StudySession, UnitCategory, UnitYear
from fazhi.study.selectors import behind, year_bounds

YES_NO = (("1", "是"), ("0", "否"))


def _flag(lookup: str) -> Any:
    def apply(qs: models.QuerySet[Any], value: str) -> models.QuerySet[Any]:
        if value in ("0", "1"):
            return qs.filter(**{lookup: value == "1"})
        return qs

    return apply


def _laws_text(session: StudySession) -> str:
    return "、".join(session.law_list)


class SessionRegister(Register[StudySession]):
    key = "study"
    url_prefix = "sessions"
    title = "学法活动"
    model = StudySession
    columns = (
        Column("subject", "学法主题", link=True),
        Column("kind", "学法形式"),
        Column("unit.name", "组织单位"),
        Column("held_on", "学法日期", css="date"),
        Column("speaker", "主讲人"),
        Column("attendee_count", "参加人数"),
    )
    filters = (
        Filter("kind", "学法形式", "kind", SessionKind.choices),
        _year_filter("year", "年度", "held_on"),
        unit_filter("unit", "组织单位", "unit__path"),
    )
    search_fields = ("subject", "laws", "speaker")
    search_placeholder = "学法主题、法律法规、主讲人"
    ordering = ("-held_on", "id")
    detail_fields = (
        "unit",
        "kind",
        "held_on",
        "subject",
        Column("laws", "学习的法律法规", value=_laws_text),
        "speaker",
        Column("attendee_units", "参加单位", value=lambda s: s.attendee_unit_names),
        "attendee_names",
        "attendee_count",
        "minutes",
        "materials",
    )
    create_form_class = f.SessionForm
    create_label = "登记学法活动"
    form_class = f.SessionEditForm

    def base_queryset(self) -> models.QuerySet[StudySession]:
        return StudySession.objects.select_related("unit").prefetch_related(
            Prefetch("attendee_units", queryset=OrgUnit.objects.order_by("path"))
        )

    def can_edit(self, actor: Actor, obj: StudySession) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        actions = [Action("学法达标情况", years.url("list"))]
        if not self.can_create(actor):
            return actions
        return [Action("登记学法活动", self.url("create")), *import_action(self.key), *actions]

    def create(self, actor: Actor, data: dict[str, Any]) -> StudySession:
        return services.session_register(actor=actor, **data)

    def edit_form(self, actor: Actor, obj: StudySession, data: Any) -> f.SessionEditForm:
        return f.SessionEditForm(data, instance=obj, actor=actor)

    def save(self, actor: Actor, obj: StudySession, data: dict[str, Any]) -> StudySession:
        return services.session_update(actor=actor, session=obj, data=data)


def _behind(qs: models.QuerySet[UnitYear], value: str) -> models.QuerySet[UnitYear]:
    return behind(qs, timezone.localdate()) if value == "1" else qs


def _met(row: UnitYear) -> str:
    return "达标" if row.met else "未达标"


class YearRegister(Register[UnitYear]):
    key = "study_years"
    url_prefix = "targets"
    title = "学法达标情况"
    model = UnitYear
    columns = (
        Column("unit.name", "单位", link=True),
        Column("category", "单位类别"),
        Column("year", "年度"),
        Column("counted", "已开展次数"),
        Column("target", "应达次数"),
        Column("met", "达标", value=_met, css="nowrap"),
    )
    filters = (
        _year_filter("year", "年度", "on"),
        unit_filter("unit", "单位", "unit__path"),
        Filter("category", "单位类别", "category", UnitCategory.choices),
        Filter("met", "达标", choices=(("1", "达标"), ("0", "未达标")), apply=_flag("met")),
        Filter("behind", "进度", choices=(("1", "按季度进度落后"),), apply=_behind),
    )
    search_fields = ("unit__name",)
    search_placeholder = "单位名称"
    ordering = ("-year", "unit__path", "id")
    detail_fields = (
        "unit",
        "category",
        "year",
        Column("kinds", "计入的学法形式", value=lambda r: r.kinds_label),
        "counted",
        "target",
        Column("met", "达标", value=_met),
        "basis",
    )
    detail_template = "study/year_detail.html"

    def base_queryset(self) -> models.QuerySet[UnitYear]:
        return UnitYear.objects.select_related("unit")

    def can_edit(self, actor: Actor, obj: UnitYear) -> bool:
        return False  # derived from the sessions

    def detail_context(self, actor: Actor, obj: UnitYear) -> dict[str, Any]:
        first, last = year_bounds(obj.year)
        rows = visible_to(
            StudySession.objects.filter(unit=obj.unit, held_on__range=(first, last)), actor
        ).order_by("held_on", "id")
        kinds = {k for k in obj.kinds.split(",") if k}
        return {
            "sessions": [(s, not kinds or s.kind in kinds) for s in rows],
            "sessions_url": sessions.url("list"),
        }


class ExamRegister(Register[ExamResult]):
    key = "study_exams"
    url_prefix = "exams"
    title = "领导干部年度学法考试"
    model = ExamResult
    columns = (
        Column("name", "姓名", link=True, css="nowrap"),
        Column("post", "职务"),
        Column("unit.name", "所在单位"),
        Column("year", "考试年度"),
        Column("exam_on", "考试日期", css="date"),
        Column("score", "成绩"),
        Column("passed", "结果", value=lambda r: r.result_label),
    )
    filters = (
        _year_filter("year", "考试年度", "exam_on"),
        unit_filter("unit", "所在单位", "unit__path"),
        Filter("passed", "合格", choices=YES_NO, apply=_flag("passed")),
        Filter("absent", "缺考", choices=YES_NO, apply=_flag("absent")),
    )
    search_fields = ("name", "post")
    search_placeholder = "姓名、职务"
    detail_fields = (
        "unit",
        "year",
        "name",
        "post",
        "exam_on",
        "score",
        "pass_mark",
        Column("passed", "结果", value=lambda r: r.result_label),
    )
    create_form_class = f.ExamForm
    create_label = "登记考试成绩"

    def base_queryset(self) -> models.QuerySet[ExamResult]:
        return ExamResult.objects.select_related("unit")

    def can_edit(self, actor: Actor, obj: ExamResult) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记考试成绩", self.url("create")), *import_action(self.key)]

    def create(self, actor: Actor, data: dict[str, Any]) -> ExamResult:
        return services.exam_register(actor=actor, **data)


sessions = SessionRegister()
years = YearRegister()
exams = ExamRegister()
registers = [sessions, years, exams]
