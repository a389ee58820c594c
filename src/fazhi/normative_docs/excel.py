"""规范性文件 in Excel: one row per already-published document (历史文件), registered through
:func:`fazhi.normative_docs.services.document_import` (filings opened as for a 公布, the named
备案机关's filings marked 报送 / with their result). Export writes the same columns for every
document the actor sees, plus the displayed 状态 (失效 from the day after the 有效期)."""

from __future__ import annotations

from fazhi.core.excel import Column, Kind, Spec
from fazhi.core.excel_kit import register_excel
from fazhi.normative_docs.models import FilingResult, Shown
from fazhi.normative_docs.views import documents_import

RESULTS = tuple((v, label) for v, label in FilingResult.choices if v)

SPEC = Spec(
    title="规范性文件",
    columns=(
        Column("文件名称", "title", required=True, max_length=200),
        Column("文号", "doc_number", required=True, max_length=64),
        Column("制定机关", "unit", Kind.UNIT, required=True, help="全称、简称或单位编码"),
        Column("统一登记号", "register_no", max_length=64),
        Column("公布日期", "published_on", Kind.DATE, required=True),
        Column("施行日期", "effective_from", Kind.DATE, help="留空为公布之日起30日后"),
        Column(
            "有效期至", "valid_until", Kind.DATE, help="留空按本省规定计算（5年，暂行、试行2年）"
        ),
        Column("报送备案日期", "filed_on", Kind.DATE),
        Column(
            "备案机关",
            "filing_authority",
            max_length=200,
            help="多个用“、”分隔；留空为全部备案机关（政府文件：上一级政府和本级人大常委会）",
        ),
        Column(
            "备案结果",
            "filing_result",
            Kind.CHOICE,
            choices=RESULTS,
            aliases=(("暂缓", "suspended"), ("不予备案", "rejected"), ("已备案", "registered")),
        ),
        Column("状态", "shown", Kind.CHOICE, choices=tuple(Shown.choices), importable=False),
    ),
    notes=(
        "每行一件已公布的规范性文件；导入时全部行校验通过才写入，任何一行有错误，整个文件都不导入。",
        "文号在同一制定机关内不能重复。",
    ),
)

REGISTER = register_excel(
    documents_import,
    SPEC,
    year_field="published_on",
    unit_help="制定机关须为该单位或其下级单位",
    measure="件",
)
