"""REST endpoints of 执法数据 (under /api/v1/enforcement-data/): the departments' own 执法
systems send batches of records (``POST /records/batch``, bearer token of a 岗位: only into
that unit's subtree), and read them back (list with the list page's filters, detail).

A batch goes through the same row check and the same staging → one INSERT as a file upload
(:func:`fazhi.enforcement_data.ingest.ingest_rows`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema
from ninja import Status as Reply
from pydantic import ConfigDict, Field

from fazhi.core.api_auth import actor_of
from fazhi.core.api_errors import NO_NUL, BodyInvalid, responses
from fazhi.core.api_kit import RegisterApi, register_routes
from fazhi.enforcement_data.checks import FIELDS
from fazhi.enforcement_data.ingest import ingest_rows
from fazhi.enforcement_data.models import Record, Source
from fazhi.enforcement_data.views import records
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor

router = Router(tags=["行政执法数据"])

#: Records per call (``FAZHI_ENFORCEMENT_API_MAX``, default 1000).
DEFAULT_API_MAX = 1000


def api_max() -> int:
    return int(getattr(settings, "FAZHI_ENFORCEMENT_API_MAX", DEFAULT_API_MAX))


class EnforcementRecordOut(Schema):
    id: int
    year: int
    unit_code: str
    unit_name: str
    subject: str
    kind: str
    kind_label: str
    case_number: str
    decided_on: dt.date
    cause: str
    amount: Decimal
    major: bool
    legal_review: bool
    officers: str
    published_on: dt.date | None
    publicity_due: dt.date | None
    published_on_time: bool | None
    enterprise: bool
    credit_code: str
    batch: int | None

    @staticmethod
    def fields_of(r: Record) -> dict[str, Any]:
        return {
            "id": r.pk,
            "year": r.year,
            "unit_code": r.unit.code,
            "unit_name": r.unit.name,
            "subject": r.subject.name,
            "kind": r.kind,
            "kind_label": r.get_kind_display(),
            "case_number": r.case_number,
            "decided_on": r.decided_on,
            "cause": r.cause,
            "amount": r.amount,
            "major": r.major,
            "legal_review": r.legal_review,
            "officers": r.officers,
            "published_on": r.published_on,
            "publicity_due": r.publicity_due,
            "published_on_time": r.published_on_time,
            "enterprise": r.enterprise,
            "credit_code": r.credit_code,
            "batch": r.batch,
        }


class EnforcementRecordDetailOut(EnforcementRecordOut):
    @staticmethod
    def of(r: Record, actor: Actor) -> EnforcementRecordDetailOut:
        return EnforcementRecordDetailOut(**EnforcementRecordOut.fields_of(r))


class RejectedOut(Schema):
    index: int
    reason: str


class BatchOut(Schema):
    batch: int
    loaded: int
    rejected: int
    rejected_rows: list[RejectedOut]


_FIELD_DOC = "；".join(f"{f.key}（{f.header}{'，必填' if f.required else ''}）" for f in FIELDS)


def _text(length: int, title: str, required: bool = False) -> Any:
    return Field(... if required else "", max_length=length, pattern=NO_NUL, title=title)


class EnforcementRecordIn(Schema):
    """One record as a department's system sends it (the same fields as the file columns;
    dates and codes as text: the row check names the field of any error)."""

    model_config = ConfigDict(extra="forbid")

    unit: str = _text(40, "执法单位编码")
    subject: str = _text(120, "执法主体", required=True)
    kind: str = _text(20, "执法类别", required=True)
    case_number: str = _text(60, "文书号", required=True)
    decided_on: str = _text(10, "决定日期", required=True)
    cause: str = _text(60, "案由类别")
    amount: (
        Annotated[float, Field(ge=0, le=1e12)]
        | Annotated[str, Field(max_length=20, pattern=NO_NUL)]
    ) = Field(0, title="罚没金额")
    major: bool = Field(False, title="重大执法决定")
    legal_review: bool = Field(False, title="法制审核")
    officers: str = _text(120, "执法证号")
    published_on: str = _text(10, "公示日期")
    enterprise: bool = Field(False, title="涉企")
    credit_code: str = _text(18, "统一社会信用代码")


class BatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    records: list[EnforcementRecordIn] = Field(
        ..., min_length=1, max_length=DEFAULT_API_MAX, title="执法记录"
    )
    skip_bad: bool = Field(False, title="跳过有错误的记录")


def _payload(payload: BatchIn) -> tuple[list[Any], bool]:
    data = [r.model_dump(exclude_unset=True) for r in payload.records]
    if len(data) > api_max():
        raise BodyInvalid(
            [f"records：每次最多报送 {api_max()} 条，本次 {len(data)} 条，请分批报送"]
        )
    return data, payload.skip_bad


@router.post(
    "/records/batch",
    summary="报送一批执法记录",
    description=(
        "各部门执法系统按批报送行政执法记录（令牌所属岗位的单位及下级单位）。请求体为对象 "
        '{"records": [...], "skip_bad": false}'
        f"（每次最多 {DEFAULT_API_MAX} 条，可用 FAZHI_ENFORCEMENT_API_MAX 调小）。字段："
        f"{_FIELD_DOC}。日期为 YYYY-MM-DD，是/否字段为 true/false。"
        "校验与文件导入相同：任何一条有错误时整批不写入（422，逐条写明第几条、哪个字段）；"
        "skip_bad 为 true 时写入其余记录，rejected_rows "
        "列出拒收的记录及原因。整批在一个事务中可见。"
    ),
    operation_id="enforcement_data_batch",
    **responses({201: BatchOut}, 403, 422),
)
def post_batch(request: HttpRequest, payload: BatchIn) -> Any:
    actor = actor_of(request)
    actor.require(Cap.EDIT_RECORDS)
    data, skip_bad = _payload(payload)
    refused: list[RejectedOut] = []

    def reject(index: int, reason: str, values: Any) -> None:
        refused.append(RejectedOut(index=index, reason=reason))

    result = ingest_rows(
        actor=actor,
        rows=list(enumerate(data, start=1)),
        unit=actor.unit,
        source=Source.API,
        file_name="接口报送",
        skip_bad=skip_bad,
        reject=reject,
    )
    if result.errors:
        raise BodyInvalid(
            [f"第{e.row}条【{e.column}】{e.reason}" if e.row else e.reason for e in result.errors]
        )
    return Reply(
        201,
        BatchOut(
            batch=result.batch,
            loaded=result.loaded,
            rejected=result.rejected,
            rejected_rows=refused,
        ),
    )


# after /records/batch: its path would otherwise match /records/{record_id}
register_routes(
    router,
    records,
    RegisterApi(
        item=EnforcementRecordOut,
        detail=EnforcementRecordDetailOut,
        noun="行政执法记录",
        path="/records",
        id_name="record_id",
    ),
)
