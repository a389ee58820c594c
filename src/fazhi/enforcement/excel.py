"""执法人员 in Excel: one row per officer, registered through ``officer_register`` (a holder's
row — 执法证号 and 发证日期 filled — is also 资格审查, 考试 and 发证 through the workflow).

The column keys are the service's keyword names, so the generic one-row-one-record importer
(:func:`fazhi.core.excel_kit.register_excel`) does the import: every row is checked first and
the file is written all or nothing, errors naming the row and the column. 身份证号码 is import
only (stored encrypted, never exported); 证件状态 and 证件预警 are export only.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import models

from fazhi.core.excel import Column, Kind, Spec, export_xlsx
from fazhi.core.excel_kit import register_excel
from fazhi.core.workflow import today
from fazhi.enforcement.models import CertStatus, Officer
from fazhi.enforcement.selectors import light
from fazhi.enforcement.views import officers

SPEC = Spec(
    title="执法人员",
    columns=(
        Column("姓名", "name", required=True, max_length=40),
        Column("所在单位", "unit", Kind.UNIT, required=True, help="全称、简称或单位编码"),
        Column("执法主体", "subject", help="本单位或上级单位已登记的执法主体名称"),
        Column(
            "身份证号码",
            "id_number",
            exportable=False,
            max_length=18,
            help="18位；加密保存，导出时不写出",
        ),
        Column("职务岗位", "post", max_length=60),
        Column("在编", "on_staff", Kind.BOOL, help="不填为“是”；非在编人员不得申领执法证"),
        Column("执法类别", "categories", help="用“、”分隔，如：行政处罚、行政检查"),
        Column("法律职业资格", "legal_qualification", Kind.BOOL),
        Column("法制审核人员", "legal_reviewer", Kind.BOOL),
        Column("听证主持人资格", "hearing_host", Kind.BOOL),
        Column("在执法岗位", "on_duty", Kind.BOOL, help="不填为“是”"),
        Column("申领日期", "applied_on", Kind.DATE, help="已持证的可不填（按发证日期）"),
        Column("执法证号", "cert_number", max_length=40, help="已持证的填写，同时填写发证日期"),
        Column("发证日期", "cert_issued_on", Kind.DATE),
        Column(
            "证件有效期至",
            "cert_expires_on",
            Kind.DATE,
            help="不填的按本省规定的有效期（默认 5 年）计算；证件印制的有效期不同的照填",
        ),
        Column("备注", "note"),
        Column(
            "证件状态", "status", Kind.CHOICE, choices=tuple(CertStatus.choices), importable=False
        ),
        Column("证件预警", "warning", importable=False),
    ),
    notes=(
        "导入时全部行校验通过才写入；任何一行有错误，整个文件都不导入，并列出行号和列名。",
        "填写执法证号和发证日期的，登记为持证人员（资格审查、考试、发证依次记录）；不填的登记为申领人员。",
    ),
)


def _value(officer: Officer, key: str, on: Any) -> Any:
    if key == "subject":
        return officer.subject.name if officer.subject else ""
    if key == "categories":
        return officer.categories_text
    if key == "warning":
        return light(officer, on)[1]
    return getattr(officer, key, None)


def export_officers(qs: models.QuerySet[Any]) -> bytes:
    keys = [c.key for c in SPEC.export_columns]
    on = today()
    rows = (
        {k: _value(o, k, on) for k in keys}
        for o in qs.select_related("unit", "subject").iterator(1000)
    )
    return export_xlsx(SPEC, rows)


REGISTER = dataclasses.replace(
    register_excel(
        officers,
        SPEC,
        year_field="cert_issued_on",
        unit_help="所在单位须为该单位或其下级单位",
        noun="执法人员",
        measure="人",
        fields={
            "issued_on": "发证日期",
            "expires_on": "证件有效期至",
            "qualified_on": "申领日期",
            "exam_on": "申领日期",
        },
    ),
    export_xlsx=export_officers,
)
