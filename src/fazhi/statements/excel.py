"""述法 register in Excel: one row per statement, replayed through the services (declared
with :func:`fazhi.core.excel_replay.replay_excel`).

The import registers each statement and then replays the steps whose dates are given, in date
order: 送审 → 审核通过 → 已述法 → 评议 (statement_register → statement_submit →
statement_approve → statement_hold → statement_rate), so the timeline, the audit entries, the
reviewing unit's rule (审核通过 only by the 依法治办 of a unit above) and the coverage rows
are the same as on screen. All rows are checked first; any error and nothing is written.
See docs/EXCEL.md.
"""

from __future__ import annotations

from fazhi.core.excel import Column, Kind, Spec
from fazhi.core.excel import choices_of as _choices
from fazhi.core.excel_replay import Call, Chain, Requires, Together, Unique, replay_excel
from fazhi.statements import services
from fazhi.statements.models import Form, HeadKind, Rating, Statement, Status

FORM_ALIASES = (("专题述法", Form.COMMITTEE.value), ("年终述职", Form.ANNUAL.value))

SPEC = Spec(
    title="述法",
    columns=(
        Column(
            "述法单位",
            "unit",
            Kind.UNIT,
            required=True,
            help="述法人所在单位：导入单位或其下级单位的全称、简称或单位编码",
        ),
        Column("年度", "year", Kind.INT, required=True),
        Column("述法人", "person", required=True, max_length=40),
        Column("职务", "post", required=True, max_length=40, help="如县长、县委书记、局长、镇长"),
        Column("述法人类别", "head_kind", Kind.CHOICE, required=True, choices=_choices(HeadKind)),
        Column(
            "述法形式",
            "form",
            Kind.CHOICE,
            required=True,
            choices=_choices(Form),
            aliases=FORM_ALIASES,
        ),
        Column("计划述法日期", "planned_on", Kind.DATE),
        Column("登记日期", "registered_on", Kind.DATE, required=True),
        Column("送审日期", "submitted_on", Kind.DATE, help="述法材料送依法治办审核的日期"),
        Column(
            "审核通过日期",
            "approved_on",
            Kind.DATE,
            help="由上级依法治办审核；导入账号须有审核权限且所在单位在述法单位之上",
        ),
        Column("述法日期", "held_on", Kind.DATE, help="须在审核通过之后"),
        Column("述法会议", "meeting", max_length=100),
        Column("评议日期", "rated_on", Kind.DATE),
        Column("评议结果", "rating", Kind.CHOICE, choices=_choices(Rating)),
        Column("评议意见", "rating_note"),
        Column("述法材料", "material"),
        Column("状态", "status", Kind.CHOICE, choices=_choices(Status), importable=False),
    ),
    notes=(
        "规则：",
        "1. 一行一人一年的述法；同一单位、年度、述法人不能重复，也不能与系统中已有的重复。",
        "2. 按日期依次办理：登记 → 送审 → 审核通过 → 已述法 → 评议；填写后一步的日期须同时"
        "填写前面各步的日期（有送审日期须有述法材料）。",
        "3. 审核通过由上级依法治办办理（县本级主要负责人的述法材料由县依法治办审核）。",
        "4. 评议日期和评议结果同时填写。",
        "5. 导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",
    ),
)
REGISTER = replay_excel(
    SPEC,
    key="statements",
    title="述法",
    model=Statement,
    target="statement",
    year_field="year",
    order=("year", "unit__path", "person", "id"),
    unit_help="述法单位须为该单位或其下级单位",
    noun="人次",
    measure="条",
    related=("unit",),
    rules=(
        Chain(("submitted_on", "approved_on", "held_on", "rated_on")),
        Together("rated_on", "rating", "评议日期和评议结果应同时填写"),
        Requires("submitted_on", ("material",), "已送审的，请填写述法材料"),
        Unique(
            Statement,
            ("unit", "year", "person"),
            "person",
            registered="{unit.name}{person}{year}年的述法已在系统中登记",
            repeated="与第{row}行重复（同一单位、年度、述法人）",
        ),
    ),
    create=Call(
        "registered_on",
        services.statement_register,
        args={
            key: key
            for key in (
                "unit",
                "year",
                "person",
                "post",
                "head_kind",
                "form",
                "registered_on",
                "planned_on",
                "material",
            )
        },
    ),
    calls=(
        Call("submitted_on", services.statement_submit, args={"submitted_on": "submitted_on"}),
        Call("approved_on", services.statement_approve, args={"approved_on": "approved_on"}),
        Call("held_on", services.statement_hold, args={"held_on": "held_on", "meeting": "meeting"}),
        Call(
            "rated_on",
            services.statement_rate,
            args={"rated_on": "rated_on", "rating": "rating", "rating_note": "rating_note"},
        ),
    ),
)
import_xlsx = REGISTER.import_xlsx
export_queryset = REGISTER.export_queryset
export_xlsx = REGISTER.export_xlsx
