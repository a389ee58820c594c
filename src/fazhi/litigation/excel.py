"""行政应诉 register in Excel: one row per hearing, replayed through the litigation services
(declared with :func:`fazhi.core.excel_replay.replay_excel`).

Rows with the same 法院 + 案号 + 被告 are one case; its columns are repeated on each row (a
blank optional case cell takes the value of the case's other rows). A case with no hearing is
one row with an empty 开庭日期. The import registers the case, adds its hearings in date order
and records the judgment (case_register → hearing_add → case_close), so 出庭 figures, 败诉剖析
triggers, timeline events and audit entries match cases entered on screen. The plaintiff may be
imported (stored encrypted) but is never exported. See docs/EXCEL.md.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from fazhi.core.excel import Column, Kind, Spec
from fazhi.core.excel import choices_of as _choices
from fazhi.core.excel_replay import (
    Call,
    Group,
    Lookup,
    NotAfter,
    OnlyWhen,
    Requires,
    Together,
    Unique,
    View,
    replay_excel,
)
from fazhi.litigation import services
from fazhi.litigation.models import HeadCategory, Level, LitigationCase, Result
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor, visible_to
from fazhi.reconsideration.models import ActCategory, ReconsiderationCase

HEAD_CATEGORIES = (
    (HeadCategory.PRINCIPAL.value, "正职"),
    (HeadCategory.DEPUTY.value, "副职"),
    (HeadCategory.OTHER_IN_CHARGE.value, "其他分管负责人"),
)
RESULT_ALIASES = (
    ("胜诉", Result.WIN.value),
    ("驳回诉讼请求", Result.WIN.value),
    ("驳回起诉", Result.DISMISSED.value),
    ("撤诉", Result.WITHDRAWN.value),
    ("调解", Result.MEDIATED.value),
)

SPEC = Spec(
    title="行政应诉案件",
    columns=(
        Column("案号", "number", required=True, max_length=64, help="每个审级有自己的案号"),
        Column("法院", "court", required=True, max_length=100),
        Column("审级", "level", Kind.CHOICE, required=True, choices=_choices(Level)),
        Column(
            "被告",
            "unit",
            Kind.UNIT,
            required=True,
            help="作为被告的单位：导入单位或其下级单位的全称、简称或单位编码",
        ),
        Column(
            "原告", "plaintiff_name", help="仅导入时使用，加密保存；导出时不输出", exportable=False
        ),
        Column("案由", "cause", max_length=200),
        Column(
            "被诉行为类别",
            "act_category",
            Kind.CHOICE,
            choices=_choices(ActCategory),
            help="留空：其他",
        ),
        Column("关联复议案号", "reconsideration", help="经复议的案件，填写系统中已有的复议案号"),
        Column("立案日期", "filed_on", Kind.DATE, required=True),
        Column(
            "收到起诉状副本日期",
            "complaint_received_on",
            Kind.DATE,
            help="一审案件填写：答辩举证期限自该日起15日（行政诉讼法第六十七条）",
        ),
        Column("提交答辩状和证据日期", "defence_filed_on", Kind.DATE),
        Column("开庭日期", "held_on", Kind.DATE, help="一行一次开庭；未开庭的案件留空（一行）"),
        Column("负责人是否出庭", "head_appeared", Kind.BOOL, help="填写了开庭日期的必填"),
        Column("出庭负责人姓名", "head_name", max_length=40),
        Column("出庭负责人职务", "head_post", max_length=60, help="负责人出庭的必填"),
        Column(
            "出庭负责人类别",
            "head_category",
            Kind.CHOICE,
            choices=HEAD_CATEGORIES,
            aliases=tuple((str(label), str(value)) for value, label in HeadCategory.choices),
            help="负责人出庭的必填",
        ),
        Column("未出庭理由", "absence_reason", help="负责人未出庭的必填"),
        Column("工作人员是否出庭", "staff_appeared", Kind.BOOL, help="留空：是"),
        Column("裁判日期", "judged_on", Kind.DATE),
        Column("裁判结果", "result", Kind.CHOICE, choices=_choices(Result), aliases=RESULT_ALIASES),
        Column("裁判说明", "result_note"),
        Column(
            "裁判文书送达日期",
            "served_on",
            Kind.DATE,
            help="一审判决15日、裁定10日内可上诉（第八十五条），上诉期限自该日起算",
        ),
        Column("是否败诉", "is_loss", Kind.BOOL, importable=False, help="导出时计算"),
    ),
    notes=(
        "规则：",
        "1. 一行一次开庭。法院、案号、被告相同的行是同一案件，案件各列在每行重复填写。",
        "2. 尚未开庭的案件填一行，开庭日期及出庭各列留空。",
        "3. 负责人出庭的，填写出庭负责人职务和类别（正职、副职、其他分管负责人）；"
        "未出庭的，填写未出庭理由。",
        "4. 裁判日期和裁判结果同时填写；败诉与否按裁判结果计算。",
        "5. 一审案件填写收到起诉状副本日期的，系统计算答辩举证期限；填写裁判文书送达日期的，"
        "计算上诉期限。",
        "6. 导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",
    ),
)
HEARING_KEYS = (
    "head_appeared",
    "head_name",
    "head_post",
    "head_category",
    "absence_reason",
    "staff_appeared",
)


def _reconsiderations(actor: Actor, unit: OrgUnit) -> models.QuerySet[ReconsiderationCase]:
    return visible_to(ReconsiderationCase.objects.all(), actor)


def _hearings(case: LitigationCase) -> list[Any]:
    return sorted(case.hearings.all(), key=lambda h: (h.held_on, h.pk))


def _appeared(view: View) -> bool:
    return view.get("head_appeared") is not True


def _absent(view: View) -> bool:
    return view.get("head_appeared") is not False


REGISTER = replay_excel(
    SPEC,
    key="litigation",
    title="行政应诉",
    model=LitigationCase,
    target="case",
    year_field="filed_on",
    order=("filed_on", "id"),
    unit_help="被告所在的单位范围：被告须为该单位或其下级单位",
    group=Group(
        by=("court", "number", "unit"),
        row_keys=("held_on", *HEARING_KEYS),
        noun="案件",
        children=_hearings,
        each_row_message="同一{noun}有多行的，每行登记一次开庭，{label}不能为空",
    ),
    lookups=(
        Lookup(
            "reconsideration",
            _reconsiderations,
            by=("number",),
            missing="复议案号“{value}”在系统中找不到（请先导入行政复议台账）",
            many="复议案号“{value}”对应多件复议案件",
        ),
    ),
    rules=(
        Unique(
            LitigationCase,
            ("court", "number", "unit"),
            "number",
            registered="“{number}”（{court}，被告{unit.name}）已在系统中登记",
        ),
        OnlyWhen(
            HEARING_KEYS,
            lambda v: v.filled("held_on"),
            "未填写开庭日期的，不能填写出庭情况",
            about=("held_on",),
        ),
        Requires("held_on", ("head_appeared",)),
        OnlyWhen(("absence_reason",), _appeared, "负责人出庭的，不应填写此项"),
        OnlyWhen(
            ("head_name", "head_post", "head_category"), _absent, "负责人未出庭的，不应填写此项"
        ),
        NotAfter("held_on", "judged_on", "开庭日期晚于裁判日期（{date:%Y年%-m月%-d日}）"),
        Together("judged_on", "result", "裁判日期和裁判结果应同时填写"),
    ),
    create=Call(
        "filed_on",
        services.case_register,
        args={
            "unit": "unit",
            "number": "number",
            "court": "court",
            "filed_on": "filed_on",
            "level": "level",
            "plaintiff_name": "plaintiff_name",
            "cause": "cause",
            "act_category": ("act_category", "other"),
            "reconsideration": "reconsideration",
            "complaint_received_on": "complaint_received_on",
        },
    ),
    calls=(
        Call("defence_filed_on", services.defence_file, args={"filed_on": "defence_filed_on"}),
        Call(
            "held_on",
            services.hearing_add,
            args={
                "held_on": "held_on",
                "head_appeared": "head_appeared",
                "head_name": "head_name",
                "head_post": "head_post",
                "head_category": "head_category",
                "absence_reason": "absence_reason",
                "staff_appeared": ("staff_appeared", True),
            },
            each_row=True,
        ),
        Call(
            "judged_on",
            services.case_close,
            args={"judged_on": "judged_on", "result": "result", "note": "result_note"},
        ),
        Call(
            "served_on",
            services.service_record,
            args={"served_on": "served_on"},
            fields={"document": "served_on"},
        ),
    ),
    export={"reconsideration": lambda c: c.reconsideration.number if c.reconsideration else None},
    related=("unit", "reconsideration"),
    prefetch=("hearings",),
    detail="，开庭记录 {count} 次",
    whole_records=False,  # 败诉剖析 counts the file's earlier losses in date order
)
import_xlsx = REGISTER.import_xlsx
export_queryset = REGISTER.export_queryset
export_xlsx = REGISTER.export_xlsx
