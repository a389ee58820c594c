"""The 合法性审查 register's screens, configured on the generic register layer.

List (filters 类别 / 状态 / 审查机构 / 送审单位 / 年度 / 逾期, search, Excel export), detail (审查
期限 and timeline), history, 登记 and one form page per declared transition; the kit mounts
``reviews.urls()`` and the API reuses the same register.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.html import format_html

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
from fazhi.legality import forms as f
from fazhi.legality import services
from fazhi.legality.models import (
    OPEN_STATUSES,
    Category,
    Conclusion,
    Review,
    ReviewQuerySet,
    Status,
)
from fazhi.legality.rules import period_rule_code
from fazhi.legality.workflow import REVIEWS
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor, unit_in_scope

YES_NO = (("1", "是"), ("0", "否"))


def _due_cell(review: Review) -> object:
    """The review period's last day, marked when it has passed while the item is open."""
    if review.is_overdue(timezone.localdate()):
        return format_html('{}<br><span class="badge error">逾期</span>', review.due_on.isoformat())
    return review.due_on.isoformat()


def _overdue(qs: ReviewQuerySet, value: str) -> ReviewQuerySet:
    """逾期 是 / 否 (``ReviewQuerySet.overdue_q``)."""
    today = timezone.localdate()
    if value == "1":
        return qs.overdue(today)
    return qs.exclude(ReviewQuerySet.overdue_q(today)) if value == "0" else qs


def _status(qs: ReviewQuerySet, value: str) -> ReviewQuerySet:
    """A state, or ``open`` for 待审查 (已收到 or 审查中)."""
    if value == "open":
        return qs.filter(status__in=OPEN_STATUSES)
    return qs.filter(status=value) if value in Status.values else qs


def _categories(actor: Actor) -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in Category.objects.all()]


def _adopted(review: Review) -> str:
    return (
        {True: "已采纳", False: "未采纳"}.get(review.adopted, "")
        if review.adopted is not None
        else ""
    )


class ReviewRegister(Register[Review]):
    key = "legality"
    url_prefix = "reviews"
    title = "合法性审查"
    model = Review
    columns = (
        Column("number", "审查编号", link=True, css="nowrap"),
        Column("title", "审查事项"),
        Column("category.name", "类别"),
        Column("submitter.name", "送审单位"),
        Column("unit.name", "审查机构"),
        Column("received_on", "收到日期"),
        Column("due_on", "审查期限", value=_due_cell, css="date"),
        Column("status", "状态"),
        Column("conclusion", "审查结论"),
    )
    filters = (
        Filter("category", "类别", "category__code", _categories),
        Filter(
            "status",
            "状态",
            choices=(("open", "待审查"), *Status.choices),
            apply=_status,
        ),
        Filter("conclusion", "审查结论", "conclusion", Conclusion.choices),
        Filter(
            "overdue", "逾期", choices=(("1", "审查期限已过未完成"), ("0", "否")), apply=_overdue
        ),
        year_filter("year", "收到年度", "received_on"),
        unit_filter("unit", "审查机构", "unit__path"),
        unit_filter("submitter", "送审单位", "submitter__path"),
    )
    search_fields = ("number", "title")
    search_placeholder = "审查编号、审查事项"
    detail_fields = (
        "number",
        "title",
        "category",
        "unit",
        "submitter",
        "received_on",
        Column(
            "materials_complete", "材料齐全", value=lambda r: "是" if r.materials_complete else "否"
        ),
        "returned_on",
        "return_reason",
        "supplemented_on",
        "started_on",
        Column("reviewers", "审查人员", value=lambda r: r.reviewers_text),
        "status",
        "completed_on",
        "conclusion",
        "reason",
        "opinion",
        Column("adopted", "意见是否采纳", value=_adopted),
        "note",
    )
    create_form_class = f.ReviewForm
    create_label = "登记审查事项"
    detail_template = "legality/review_detail.html"
    steps = transition_steps(REVIEWS)

    def base_queryset(self) -> models.QuerySet[Review]:
        return Review.objects.select_related("unit", "submitter", "category")

    def can_edit(self, actor: Actor, obj: Review) -> bool:
        return actor.can(Cap.EDIT_RECORDS) and unit_in_scope(obj.unit, actor)

    def list_actions(self, actor: Actor) -> list[Action]:
        if not self.can_create(actor):
            return []
        return [Action("登记审查事项", self.url("create")), *import_action(self.key)]

    def create(self, actor: Actor, data: dict[str, Any]) -> Review:
        return services.review_register(actor=actor, **data)

    def deadlines(self, obj: Review) -> list[Deadline]:
        province = province_code_of(obj.unit)
        rule = rule_for(period_rule_code(obj.category), province=province)
        since = "收到补充材料" if obj.supplemented_on else "收到送审材料"
        rows = [
            Deadline(
                "审查期限",
                obj.due_on,
                f"{rule.basis} · {rule.days}个工作日",
                done_on=obj.completed_on,
                running=obj.status in OPEN_STATUSES,
                note=f"自{obj.period_start:%Y-%m-%d}{since}起算（当日不计入）",
                lapsed="已退回补充，收到补充材料后重新计算"
                if obj.status == Status.RETURNED
                else "",
            )
        ]
        if obj.earliest_on is not None and obj.category.min_rule:
            least = rule_for(obj.category.min_rule, province=province)
            rows.append(
                Deadline(
                    "一般不少于",
                    obj.earliest_on,
                    f"{least.basis} · {least.days}个工作日",
                    note="保证必要的审查时间；早于该日完成的照常登记",
                    lapsed="参考期限",
                )
            )
        return rows

    def detail_context(self, actor: Actor, obj: Review) -> dict[str, Any]:
        deadlines = self.deadlines(obj)
        today = timezone.localdate()
        return {
            "timeline": self.timeline(obj, deadlines),
            "deadlines": [d.as_dict(today) for d in deadlines],
        }


reviews = ReviewRegister()
