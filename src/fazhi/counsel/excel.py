"""法律顾问 in Excel: the roster (``counsel``) and the typed participations
(``counsel_participations``, the typed ones only: the counted are the other registers'),
one row per record, each through its 登记 service.

A participation names its adviser by 聘请单位 (code, full or short name) and 姓名: the adviser
of that name at that unit (the 在聘 one first, then the latest contract).
"""

from __future__ import annotations

from fazhi.core.excel import Column, Kind, Spec
from fazhi.core.excel_kit import register_excel
from fazhi.counsel.models import TYPED_KINDS, CounselKind, Status
from fazhi.counsel.views import counsels, typed_participations

ROSTER = Spec(
    title="法律顾问",
    columns=(
        Column("姓名", "name", required=True, max_length=40),
        Column("聘请单位", "unit", Kind.UNIT, required=True, help="全称、简称或单位编码"),
        Column("类别", "kind", Kind.CHOICE, required=True, choices=tuple(CounselKind.choices)),
        Column("律师事务所", "firm", max_length=100, help="公职律师以外必填"),
        Column("所在单位职务", "post", max_length=100, help="公职律师必填"),
        Column("执业证号", "license_no", max_length=40),
        Column("合同编号", "contract_no", max_length=60),
        Column("聘期开始日期", "contract_start", Kind.DATE, required=True),
        Column("聘期届满日期", "contract_end", Kind.DATE, required=True),
        Column("年聘用费用（元）", "fee", Kind.INT),
        Column("联系电话", "phone", max_length=30, exportable=False, help="只导入，不导出"),
        Column("状态", "status", Kind.CHOICE, choices=tuple(Status.choices), importable=False),
    ),
    notes=("导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",),
)

PARTICIPATIONS = Spec(
    title="法律顾问参与事项",
    columns=(
        Column("聘请单位", "unit", Kind.UNIT, required=True, help="法律顾问的聘请单位"),
        Column("法律顾问姓名", "counsel_name", required=True, max_length=40),
        Column("日期", "on", Kind.DATE, required=True),
        Column("事项类别", "kind", Kind.CHOICE, required=True, choices=TYPED_KINDS),
        Column("事项", "subject", required=True, max_length=200),
        Column("说明", "note"),
    ),
    notes=(
        "只登记其他台账不记载的涉法事务（诉讼代理、合同审查、信访化解、招商引资谈判等）；"
        "合法性审查意见、重大行政决策论证从相应台账统计，不在此导入。",
        "导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",
    ),
)

REGISTER = register_excel(
    counsels,
    ROSTER,
    year_field="contract_start",
    unit_help="聘请单位须为该单位或其下级单位",
    measure="人",
)

PARTICIPATION_REGISTER = register_excel(
    typed_participations,
    PARTICIPATIONS,
    year_field="on",
    unit_help="聘请单位须为该单位或其下级单位",
    measure="件",
)
