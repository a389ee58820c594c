"""学法 in Excel: ``study`` (学法活动, one row per session) and ``study_exams`` (年度学法考试成绩,
one row per person). The column keys are the services' keyword names, so the generic
one-row-one-record importer (:func:`fazhi.core.excel_kit.register_excel`) runs each row through
:func:`fazhi.study.services.session_register` / :func:`exam_register`, all or nothing; headers
are documented in docs/EXCEL.md."""

from __future__ import annotations

from fazhi.core.excel import Column, Kind, Spec
from fazhi.core.excel_kit import register_excel
from fazhi.study.models import SessionKind
from fazhi.study.views import exams, sessions

ALL_OR_NOTHING = "导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入，并列出行号和列名。"

SESSION_SPEC = Spec(
    title="学法活动",
    columns=(
        Column("组织单位", "unit", Kind.UNIT, required=True, help="全称、简称或单位编码"),
        Column("学法形式", "kind", Kind.CHOICE, required=True, choices=tuple(SessionKind.choices)),
        Column("学法日期", "held_on", Kind.DATE, required=True),
        Column("学法主题", "subject", required=True, max_length=200),
        Column(
            "学习的法律法规",
            "laws",
            help="每行一部（单元格内换行），如《中华人民共和国行政复议法》",
        ),
        Column("主讲人", "speaker", max_length=100, help="姓名、职务"),
        Column("参加单位", "attendee_unit_codes", help="单位编码，用“、”或“；”分隔"),
        Column("参加人员", "attendee_names", help="每行一人（单元格内换行）"),
        Column("参加人数", "attendee_count", Kind.INT, help="未填写参加人员时必填"),
        Column("学法记录", "minutes", help="学法内容、效果"),
        Column("学习材料", "materials", help="材料名称及存放位置"),
    ),
    notes=(
        ALL_OR_NOTHING,
        "组织单位和参加单位须为导入单位或其下级单位。",
        "填写了参加人员名单的，参加人数按名单人数计算。",
    ),
)

EXAM_SPEC = Spec(
    title="领导干部年度学法考试成绩",
    columns=(
        Column("所在单位", "unit", Kind.UNIT, required=True, help="全称、简称或单位编码"),
        Column("姓名", "name", required=True, max_length=40),
        Column("职务", "post", max_length=100),
        Column("考试日期", "exam_on", Kind.DATE, required=True),
        Column("考试年度", "year", Kind.INT, help="不填的为考试日期所在年度"),
        Column("成绩", "score", help="百分制数字；缺考的不填"),
        Column("缺考", "absent", Kind.BOOL),
        Column("合格分数", "pass_mark", help="不填的按默认合格分数（60分）"),
        Column("合格", "passed", Kind.BOOL, importable=False),
    ),
    notes=(ALL_OR_NOTHING, "所在单位须为导入单位或其下级单位；同一单位、年度、姓名只登记一次。"),
)

SESSIONS = register_excel(
    sessions,
    SESSION_SPEC,
    year_field="held_on",
    unit_help="组织单位和参加单位须为该单位或其下级单位",
    noun="学法活动",
    measure="次",
)
EXAMS = register_excel(
    exams,
    EXAM_SPEC,
    year_field="exam_on",
    unit_help="所在单位须为该单位或其下级单位",
    noun="学法考试成绩",
    measure="人",
)
