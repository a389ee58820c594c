"""法律顾问 in Excel: one row per counsel, each row registered through ``counsel_register``.

The column keys are the service's keyword names, so the generic one-row-one-record importer
(:func:`fazhi.core.excel_kit.register_excel`) needs nothing else; 状态 is exported, not imported.
"""

from __future__ import annotations

from tests.kit_example.models import CounselKind, Status
from tests.kit_example.views import counsels

from fazhi.core.excel import Column, Kind, Spec
from fazhi.core.excel_kit import register_excel

SPEC = Spec(
    title="法律顾问",
    columns=(
        Column("姓名", "name", required=True, max_length=40),
        Column("聘请单位", "unit", Kind.UNIT, required=True, help="全称、简称或单位编码"),
        Column("律师事务所", "firm", max_length=100),
        Column("类别", "kind", Kind.CHOICE, required=True, choices=tuple(CounselKind.choices)),
        Column("聘期开始日期", "contract_start", Kind.DATE, required=True),
        Column("聘期届满日期", "contract_end", Kind.DATE, required=True),
        Column("状态", "status", Kind.CHOICE, choices=tuple(Status.choices), importable=False),
    ),
    notes=("导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入。",),
)

REGISTER = register_excel(
    counsels,
    SPEC,
    year_field="contract_start",
    unit_help="聘请单位须为该单位或其下级单位",
    measure="人",
)
