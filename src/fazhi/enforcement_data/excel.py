"""执法数据 in ``fazhi import/export enforcement_data`` and the shared upload page.

Import streams the file through :func:`fazhi.enforcement_data.ingest.ingest_file` (CSV or
.xlsx, ``--skip-bad``, ``--rejected``); export writes the records the actor sees, with the same
Chinese headers (columns in docs/EXCEL.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import models

from fazhi.core.excel import Column, ExcelRegister, ImportResult, Kind, Progress, Spec, choices_of
from fazhi.core.excel import export_xlsx as write_xlsx
from fazhi.enforcement_data.checks import FIELDS
from fazhi.enforcement_data.ingest import IngestResult, ingest_file
from fazhi.enforcement_data.models import Kind as RecordKind
from fazhi.enforcement_data.models import Record
from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor

KEY = "enforcement_data"

_KINDS = {
    "decided_on": Kind.DATE,
    "published_on": Kind.DATE,
    "major": Kind.BOOL,
    "legal_review": Kind.BOOL,
    "enterprise": Kind.BOOL,
}
_HELP = {
    "unit": "执法单位的单位编码；空白为导入单位",
    "subject": "该单位登记的执法主体名称",
    "kind": "行政许可、行政处罚、行政强制、行政征收、行政征用、行政检查",
    "amount": "罚没金额（元），没有填 0 或留空",
    "officers": "执法人员的执法证号，多个用“、”分隔；处罚、强制、检查必填",
    "credit_code": "18 位统一社会信用代码；涉企的必填",
}

SPEC = Spec(
    title="行政执法记录",
    columns=(
        *(
            Column(
                f.header,
                f.key,
                _KINDS.get(f.key, Kind.CHOICE if f.key == "kind" else Kind.TEXT),
                required=f.required,
                help=_HELP.get(f.key, ""),
                choices=choices_of(RecordKind) if f.key == "kind" else (),
            )
            for f in FIELDS
        ),
        Column("公示期限", "publicity_due", Kind.DATE, importable=False),
        Column("按时公示", "on_time", importable=False),
    ),
    notes=(
        "CSV（UTF-8 或 GBK）或 .xlsx，第一行为表头；有错误的行整份不导入，或选择跳过错误行。",
        "公示期限、按时公示由系统计算，导入时不填。",
    ),
)


def import_file(
    path: Path,
    *,
    actor: Actor,
    unit: OrgUnit | None,
    skip_bad: bool = False,
    rejected_path: Path | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    return ingest_file(
        actor=actor,
        path=path,
        unit=unit,
        skip_bad=skip_bad,
        rejected_path=rejected_path,
        progress=progress,
    )


def import_xlsx(
    data: bytes,
    *,
    actor: Actor,
    unit: OrgUnit,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """The shared upload page and Excel import job: the bytes go to a temporary file that is
    streamed like any other."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.xlsx"
        path.write_bytes(data)
        result = ingest_file(actor=actor, path=path, unit=unit, dry_run=dry_run, progress=progress)
    return ImportResult(result.loaded, result.errors, dry_run=dry_run)


def export_queryset(actor: Actor, year: int | None = None) -> models.QuerySet[Record]:
    from fazhi.enforcement_data.views import records

    qs = records.queryset(actor)
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def _on_time(value: bool | None) -> str:
    return {True: "是", False: "否"}.get(value, "") if value is not None else ""


def export_rows(qs: models.QuerySet[Record]) -> Iterator[dict[str, Any]]:
    for r in qs.select_related("unit", "subject").iterator(2000):
        yield {
            "unit": r.unit.code,
            "subject": r.subject.name,
            "kind": r.kind,
            "case_number": r.case_number,
            "decided_on": r.decided_on,
            "cause": r.cause,
            "amount": str(r.amount),
            "major": r.major,
            "legal_review": r.legal_review,
            "officers": r.officers,
            "published_on": r.published_on,
            "enterprise": r.enterprise,
            "credit_code": r.credit_code,
            "publicity_due": r.publicity_due,
            "on_time": _on_time(r.published_on_time),
        }


def export_xlsx(qs: models.QuerySet[Record]) -> bytes:
    """The records of ``qs`` (already scoped) in the import layout, plus 公示期限 and 按时公示."""
    return write_xlsx(SPEC, export_rows(qs))


REGISTER = ExcelRegister(
    key=KEY,
    title="行政执法记录",
    spec=SPEC,
    import_xlsx=import_xlsx,
    export_queryset=export_queryset,
    export_xlsx=export_xlsx,
    unit_help="执法单位须为导入单位或其下级单位",
    noun="",
    measure="条",
    import_file=import_file,
    import_suffixes=(".csv", ".xlsx"),
)
