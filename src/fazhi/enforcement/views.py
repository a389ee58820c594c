"""The 执法主体 and 执法人员 registers' screens, configured on the generic register layer.

执法主体: list (主体类别 / 执法类别 / 单位 / 有效), detail with its 权责清单 (增加 / 删除 as steps),
登记 and 修改. 执法人员: list with the colour warnings (已过期仍在执法岗位 first, then 已过期, then
即将到期) and their filter, detail (证件 dates, 年度注册 rows, timeline, one button per 执法证
step — blocked ones greyed with the reason), 登记, 修改, Excel import/export. The kit mounts both
(``registers``) and the API reuses them.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Case, CharField, Count, IntegerField, Q, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.html import format_html

from fazhi.core.register_parts import Step
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
from fazhi.core.selectors import province_code_of, rule_for
from fazhi.enforcement import forms as f
from fazhi.enforcement import rules, services
from fazhi.enforcement.models import (
    Category,
    CertStatus,
    Officer,
    Subject,
    SubjectKind,
)
from fazhi.enforcement.selectors import light
from fazhi.enforcement.services import expired_q, expiring_q
from fazhi.enforcement.workflow import OFFICERS
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope

YES_NO = (("1", "是"), ("0", "否"))
#: The 证件预警 filter: value → label (the list puts them first in this order).
WARNINGS = (
    ("on_duty", "已过期仍在执法岗位"),
    ("expired", "已过期"),
    ("expiring", "即将到期"),
    ("valid", "有效"),
)


def _yes(value: bool) -> str:
    return "是" if value else ""


def _category_filter(qs: models.QuerySet[Any], value: str) -> models.QuerySet[Any]:
    """Rows whose 执法类别 include ``value`` (works on SQLite and PostgreSQL)."""
    if value not in Category.values:
        return qs.none()
    text = Cast("categories", CharField())
    found: models.QuerySet[Any] = qs.annotate(cat_json=text)
    return found.filter(cat_json__contains=f'"{value}"')


def _bool_filter(lookup: str) -> Any:
    def apply(qs: models.QuerySet[Any], value: str) -> models.QuerySet[Any]:
        return qs.filter(**{lookup: value == "1"}) if value in ("0", "1") else qs

    return apply


# --- 执法主体 ----------------------------------------------------------------------------------
def _subject_steps() -> tuple[Step, ...]:
    def add(actor: Actor, obj: Subject, data: dict[str, Any]) -> object:
        return services.duty_add(actor=actor, subject=obj, **data)

    def remove(actor: Actor, obj: Subject, data: dict[str, Any]) -> object:
        return services.duty_remove(actor=actor, subject=obj, **data)

    def empty(obj: Subject, today: object) -> str:
        return "" if obj.duties.exists() else "权责清单中还没有事项"

    return (
        Step("duty_add", "增加权责清单事项", f.DutyAddForm, add),
        Step(
            "duty_remove",
            "删除权责清单事项",
            f.DutyRemoveForm,
            remove,
            blocker=empty,
            confirm="确定从权责清单中删除该事项吗？",
        ),
    )


class SubjectRegister(Register[Subject]):
    key = "enforcement_subjects"
    url_prefix = "subjects"
    title = "执法主体"
    model = Subject
    columns = (
        Column("name", "执法主体名称", link=True),
        Column("unit.name", "所属单位"),
        Column("kind", "主体类别"),
        Column("categories_text", "执法类别"),
        Column("duty_count", "权责清单事项", value=lambda s: getattr(s, "duty_count", "")),
        Column("active", "有效", value=lambda s: "有效" if s.active else "已撤销"),
    )
    filters = (
        Filter("kind", "主体类别", "kind", SubjectKind.choices),
        Filter("category", "执法类别", choices=Category.choices, apply=_category_filter),
        Filter("active", "有效", choices=YES_NO, apply=_bool_filter("active")),
        unit_filter("unit", "所属单位", "unit__path"),
    )
    search_fields = ("name", "legal_basis")
    search_placeholder = "执法主体名称、依据"
    detail_fields = (
        "name",
        "unit",
        "kind",
        "legal_basis",
        Column("categories", "执法类别", value=lambda s: s.categories_text),
        Column("active", "有效", value=lambda s: "有效" if s.active else "已撤销"),
        "note",
    )
    form_class = f.SubjectEditForm
    create_form_class = f.SubjectForm
    create_label = "登记执法主体"
    detail_template = "enforcement/subject_detail.html"
    steps = _subject_steps()

    def base_queryset(self) -> models.QuerySet[Subject]:
        return (
            Subject.objects.select_related("unit")
            .annotate(duty_count=Count("duties"))
            .order_by("unit__path", "name", "id")
        )

    def can_edit(self, actor: Actor, obj: Subject) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记执法主体", self.url("create"))]

    def create(self, actor: Actor, data: dict[str, Any]) -> Subject:
        return services.subject_register(actor=actor, **data)

    def save(self, actor: Actor, obj: Subject, data: dict[str, Any]) -> Subject:
        return services.subject_update(actor=actor, subject=obj, data=data)

    def detail_context(self, actor: Actor, obj: Subject) -> dict[str, Any]:
        officers = obj.officers.aggregate(
            total=Count("pk"),
            holders=Count("pk", filter=Q(status=CertStatus.ISSUED)),
        )
        return {"duties": list(obj.duties.all()), "officer_counts": officers}


# --- 执法人员 ----------------------------------------------------------------------------------
def _expiry_cell(officer: Officer) -> object:
    """证件有效期至, with the red / orange badge."""
    if officer.cert_expires_on is None:
        return ""
    css, label = light(officer, timezone.localdate())
    if not css:
        return officer.cert_expires_on.isoformat()
    return format_html(
        '{}<br><span class="badge {}">{}</span>', officer.cert_expires_on.isoformat(), css, label
    )


def _warning(qs: models.QuerySet[Officer], value: str) -> models.QuerySet[Officer]:
    today = timezone.localdate()
    if value == "on_duty":
        return qs.filter(expired_q(today), on_duty=True)
    if value == "expired":
        return qs.filter(expired_q(today))
    if value == "expiring":
        return qs.filter(expiring_q(today))
    if value == "valid":
        return qs.filter(status=CertStatus.ISSUED, cert_expires_on__gte=today, on_staff=True)
    return qs.none()


def _subjects(actor: Actor) -> list[tuple[str, str]]:
    from fazhi.orgs.scoping import visible_to

    qs = visible_to(Subject.objects.filter(active=True), actor).order_by("unit__path", "name")
    return [(str(s.pk), s.name) for s in qs[:300]]


def warning_rank(today: Any) -> Case:
    """0 已过期仍在执法岗位, 1 已过期, 2 即将到期, 3 the rest (the list's first sort key)."""
    return Case(
        When(expired_q(today) & Q(on_duty=True), then=Value(0)),
        When(expired_q(today), then=Value(1)),
        When(expiring_q(today), then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


class OfficerRegister(Register[Officer]):
    key = "enforcement_officers"
    url_prefix = "officers"
    title = "执法人员"
    model = Officer
    columns = (
        Column("name", "姓名", link=True, css="nowrap"),
        Column("unit.name", "所在单位"),
        Column("subject.name", "执法主体"),
        Column("post", "职务岗位"),
        Column("cert_number", "执法证号", css="nowrap"),
        Column("cert_expires_on", "证件有效期至", value=_expiry_cell, css="date"),
        Column("status", "证件状态"),
        Column("on_duty", "在执法岗位", value=lambda o: _yes(o.on_duty)),
        Column("legal_reviewer", "法制审核人员", value=lambda o: _yes(o.legal_reviewer)),
    )
    filters = (
        Filter("warning", "证件预警", choices=WARNINGS, apply=_warning),
        Filter("status", "证件状态", "status", CertStatus.choices),
        Filter("subject", "执法主体", "subject_id", _subjects),
        Filter("category", "执法类别", choices=Category.choices, apply=_category_filter),
        Filter(
            "legal_reviewer", "法制审核人员", choices=YES_NO, apply=_bool_filter("legal_reviewer")
        ),
        Filter("on_duty", "在执法岗位", choices=YES_NO, apply=_bool_filter("on_duty")),
        Filter("on_staff", "在编", choices=YES_NO, apply=_bool_filter("on_staff")),
        year_filter("year", "发证年度", "cert_issued_on"),
        unit_filter("unit", "所在单位", "unit__path"),
    )
    search_fields = ("name", "cert_number", "post")
    search_placeholder = "姓名、执法证号、职务岗位"
    handler_unmasked = ("id_number",)
    detail_fields = (
        "name",
        Column("id_number", "身份证号码", personal=True),
        "unit",
        "subject",
        "post",
        Column("on_staff", "在编", value=lambda o: "是" if o.on_staff else "否"),
        Column("categories", "执法类别", value=lambda o: o.categories_text),
        Column("legal_qualification", "法律职业资格", value=lambda o: _yes(o.legal_qualification)),
        Column("legal_reviewer", "法制审核人员", value=lambda o: _yes(o.legal_reviewer)),
        Column("hearing_host", "听证主持人资格", value=lambda o: _yes(o.hearing_host)),
        Column("on_duty", "在执法岗位", value=lambda o: "是" if o.on_duty else "否"),
        "status",
        "cert_number",
        "cert_issued_on",
        Column("cert_expires_on", "证件有效期至", value=_expiry_cell),
        "applied_on",
        "qualified_on",
        "exam_on",
        "suspended_on",
        "suspend_reason",
        "cancelled_on",
        "cancel_reason",
        "end_note",
        "note",
    )
    form_class = f.OfficerEditForm
    create_form_class = f.OfficerForm
    create_label = "登记执法人员"
    detail_template = "enforcement/officer_detail.html"
    steps = transition_steps(OFFICERS)

    def base_queryset(self) -> models.QuerySet[Officer]:
        today = timezone.localdate()
        return (
            Officer.objects.select_related("unit", "subject")
            .annotate(warning_rank=warning_rank(today))
            .order_by("warning_rank", "unit__path", "name", "id")
        )

    def can_edit(self, actor: Actor, obj: Officer) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记执法人员", self.url("create")), *import_action(self.key)]

    def create(self, actor: Actor, data: dict[str, Any]) -> Officer:
        return services.officer_register(actor=actor, **data)

    def save(self, actor: Actor, obj: Officer, data: dict[str, Any]) -> Officer:
        return services.officer_update(actor=actor, officer=obj, data=data)

    def export_xlsx(self, qs: models.QuerySet[Officer]) -> bytes:
        from fazhi.enforcement.excel import export_officers

        return export_officers(qs)

    def deadlines(self, obj: Officer) -> list[Deadline]:
        expires = obj.cert_expires_on
        if expires is None or obj.status not in (CertStatus.ISSUED, CertStatus.SUSPENDED):
            return []
        province = province_code_of(obj.unit)
        validity = rule_for(rules.VALIDITY, province=province)
        window = rule_for(rules.RENEWAL_WINDOW, province=province)
        opens = rules.add_months(expires, -int(window.days))
        return [
            Deadline(
                "换证考试期间开始",
                opens,
                f"{window.basis} · 届满前{window.days}个月",
                note="此前不能参加换证考试",
                lapsed="参考期限",
            ),
            Deadline(
                "证件有效期届满",
                expires,
                f"{validity.basis} · {validity.days}个月",
                running=obj.status == CertStatus.ISSUED,
                note=f"自{obj.cert_issued_on:%Y-%m-%d}发证起算" if obj.cert_issued_on else "",
            ),
        ]

    def detail_context(self, actor: Actor, obj: Officer) -> dict[str, Any]:
        deadlines = self.deadlines(obj)
        today = timezone.localdate()
        css, label = light(obj, today)
        return {
            "light": css,
            "light_label": label,
            "registrations": list(obj.registrations.all()),
            "timeline": self.timeline(obj, deadlines),
            "deadlines": [d.as_dict(today) for d in deadlines],
        }


subjects = SubjectRegister()
officers = OfficerRegister()
registers = [subjects, officers]
