"""重大行政决策 in Excel: one row per decision with the dates of its procedures.

Import: each row is registered (``decision_register``) and its recorded procedures are replayed
through the same transitions in the statutory order
(:func:`fazhi.decisions.services.decision_load`):
启动论证 → 不适用 → 公众参与 → 专家论证 → 风险评估 → 送合法性审查 (a new item in the 合法性审查
register, concluded with the row's 结论) → 提请集体讨论 → 党委请示报告 → 集体讨论决定 → 公布 → 归档.
Every rule holds as on the screens (the ≥30-day consultation, the gate of 第二十五条 …); any bad
row leaves the whole file unwritten, its row and column named. Export writes the same columns.
"""

from __future__ import annotations

from fazhi.core.excel import Column, Kind, Spec
from fazhi.core.excel_kit import register_excel
from fazhi.decisions.models import Category, MeetingKind, Status
from fazhi.decisions.views import decisions

CONCLUSIONS = (
    ("lawful", "合法"),
    ("amended", "修改后合法"),
    ("unlawful", "不合法"),
    ("declined", "不予审查"),
)

SPEC = Spec(
    title="重大行政决策",
    columns=(
        Column("决策事项", "title", required=True, max_length=200),
        Column("决策机关", "unit", Kind.UNIT, required=True, help="全称、简称或单位编码"),
        Column("承办单位", "lead_unit", Kind.UNIT, required=True),
        Column("事项类别", "category", Kind.CHOICE, required=True, choices=tuple(Category.choices)),
        Column("纳入目录日期", "listed_on", Kind.DATE, required=True),
        Column("年度", "year", Kind.INT, importable=False),
        Column("探索性改革", "exploratory", Kind.BOOL),
        Column("明示的法律风险", "legal_risk"),
        Column(
            "不适用的程序",
            "not_applicable_text",
            help="每项写“程序名称：理由”，多项用“；”分隔，如“听证会：不直接涉及切身利益”",
        ),
        Column("公众参与日期", "participation_on", Kind.DATE, help="公开征求意见开始日期"),
        Column("征求意见截止日期", "consultation_end", Kind.DATE),
        Column("公众参与方式", "participation_methods"),
        Column("缩短征求意见期限的说明", "shortened_reason"),
        Column("专家论证日期", "expert_on", Kind.DATE),
        Column("专家论证组织单位", "expert_by", max_length=120),
        Column("论证专家", "expert_participants"),
        Column("风险评估日期", "risk_on", Kind.DATE),
        Column("风险评估单位", "risk_by", max_length=120),
        Column("风险点", "risk_points"),
        Column("防范措施", "risk_measures"),
        Column("风险可控", "risk_controllable", Kind.BOOL),
        Column("合法性审查机构", "review_unit", Kind.UNIT),
        Column("送审日期", "submitted_on", Kind.DATE),
        Column("合法性审查结论", "legality_conclusion", Kind.CHOICE, choices=CONCLUSIONS),
        Column("审查完成日期", "legality_completed_on", Kind.DATE),
        Column("党委请示报告日期", "party_report_on", Kind.DATE),
        Column("集体讨论日期", "decided_on", Kind.DATE),
        Column("会议类型", "meeting_kind", Kind.CHOICE, choices=tuple(MeetingKind.choices)),
        Column("会议名称", "meeting", max_length=120),
        Column(
            "组成人员意见",
            "positions_text",
            help="每行一人：姓名，职务，意见（同意/不同意/保留意见/弃权），发言要点；行政首长在最后一行",
        ),
        Column("公布日期", "published_on", Kind.DATE),
        Column("公布途径", "publication_methods"),
        Column("归档日期", "archived_on", Kind.DATE),
        Column("状态", "status", Kind.CHOICE, choices=tuple(Status.choices), importable=False),
    ),
    notes=(
        "导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",
        "填写了日期的程序依次办理，规则与页面相同：公开征求意见一般不少于30日（短于30日须说明），"
        "未经合法性审查或结论不是“合法”“修改后合法”的不能集体讨论（探索性改革明示法律风险的除外）。",
    ),
)

REGISTER = register_excel(
    decisions,
    SPEC,
    year_field="listed_on",
    unit_help="决策机关须为该单位或其下级单位",
    measure="件",
    fields={"date": "纳入目录日期"},
)
