"""合法性审查 in Excel: one row per item, each row registered through ``review_register``
(with its 退回补充 / 补充材料 / 开始审查 / 审查完成 steps when the row has those dates).

The column keys are the service's keyword names, so the generic one-row-one-record importer
(:func:`fazhi.core.excel_kit.register_excel`) does the import. The export writes the same
columns plus the derived ones (审查期限, 状态, 按期完成); 类别 and 审查人员 are written as text.
Headers are documented in docs/EXCEL.md.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import models

from fazhi.core.excel import Column, Kind, Spec, export_xlsx
from fazhi.core.excel_kit import register_excel
from fazhi.legality.models import Conclusion, Review, Status, reviewers_text
from fazhi.legality.views import reviews

SPEC = Spec(
    title="合法性审查",
    columns=(
        Column("审查事项", "title", required=True, max_length=200),
        Column(
            "类别",
            "category",
            required=True,
            help="类别名称或编码，如：规范性文件、重大行政决策、会议纪要",
        ),
        Column(
            "审查机构",
            "unit",
            Kind.UNIT,
            required=True,
            help="司法局、乡镇或部门：全称、简称或单位编码",
        ),
        Column("送审单位", "submitter", Kind.UNIT, required=True, help="全称、简称或单位编码"),
        Column("收到日期", "received_on", Kind.DATE, required=True),
        Column("审查编号", "number", max_length=40, help="不填的按“合审〔年度〕N号”自动编号"),
        Column("退回补充日期", "returned_on", Kind.DATE),
        Column("退回补充事由", "return_reason"),
        Column("补充材料收到日期", "supplemented_on", Kind.DATE, help="审查期限自该日起重新计算"),
        Column("开始审查日期", "started_on", Kind.DATE),
        Column("审查人员", "reviewers", help="张三（法律顾问）、李四（公职律师）、王五"),
        Column("审查完成日期", "completed_on", Kind.DATE),
        Column("审查结论", "conclusion", Kind.CHOICE, choices=tuple(Conclusion.choices)),
        Column("结论理由", "reason", help="不合法、不予审查的必填"),
        Column("审查意见", "opinion"),
        Column("意见是否采纳", "adopted", Kind.BOOL),
        Column("备注", "note"),
        Column("审查期限", "due_on", Kind.DATE, importable=False),
        Column("状态", "status", Kind.CHOICE, choices=tuple(Status.choices), importable=False),
        Column("按期完成", "on_time", Kind.BOOL, importable=False),
    ),
    notes=(
        "导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入，并列出行号和列名。",
        "审查完成日期和审查结论应同时填写；审查期限由系统按类别的期限规则计算。",
    ),
)


def _value(review: Review, key: str) -> Any:
    if key == "category":
        return review.category.name
    if key == "reviewers":
        return reviewers_text(review.reviewers)
    return getattr(review, key, None)


def _export(qs: models.QuerySet[Any]) -> bytes:
    keys = [c.key for c in SPEC.export_columns]
    rows = ({k: _value(r, k) for k in keys} for r in qs.iterator(1000))
    return export_xlsx(SPEC, rows)


REGISTER = dataclasses.replace(
    register_excel(
        reviews,
        SPEC,
        year_field="received_on",
        unit_help="审查机构或送审单位须为该单位或其下级单位",
        noun="审查事项",
        measure="件",
        fields={"date": "收到日期"},
    ),
    export_xlsx=_export,
)
