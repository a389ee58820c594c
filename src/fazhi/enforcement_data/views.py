"""执法数据 screens: the read-only register of records (list with filters, search, export,
detail) on the generic register layer, the upload page (a background job with progress) and
the download of a job's rejected rows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from fazhi.core.registers import Action, Column, Filter, Register, actor_of, unit_filter
from fazhi.enforcement_data import excel
from fazhi.enforcement_data.models import Kind, Record
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor

YES_NO = (("1", "是"), ("0", "否"))
#: Uploads larger than this are refused (``FAZHI_ENFORCEMENT_UPLOAD_MB``, default 200).
DEFAULT_UPLOAD_MB = 200


def _years(actor: Actor) -> list[tuple[str, str]]:
    this = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this, this - 10, -1)]


def _year(qs: models.QuerySet[Record], value: str) -> models.QuerySet[Record]:
    """年度 on the partition key ``year`` (PostgreSQL prunes to one partition)."""
    try:
        return qs.filter(year=int(value))
    except ValueError:
        return qs.none()


def _flag(lookup: str) -> Any:
    def apply(qs: models.QuerySet[Record], value: str) -> models.QuerySet[Record]:
        if value in ("1", "0"):
            return qs.filter(**{lookup: value == "1"})
        return qs

    return apply


def _on_time(qs: models.QuerySet[Record], value: str) -> models.QuerySet[Record]:
    if value in ("1", "0"):
        return qs.filter(published_on_time=value == "1")
    if value == "pending":
        return qs.filter(publicity_due__isnull=False, published_on_time__isnull=True)
    return qs


def _subject(qs: models.QuerySet[Record], value: str) -> models.QuerySet[Record]:
    value = value.strip()
    return qs.filter(subject__name=value) if value else qs


def _yes(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _on_time_cell(record: Record) -> str:
    if record.publicity_due is None:
        return "—"
    if record.published_on_time is None:
        return "未到期"
    return "按时" if record.published_on_time else "逾期"


class RecordRegister(Register[Record]):
    key = "enforcement_data"
    url_prefix = "records"
    title = "行政执法记录"
    model = Record
    columns = (
        Column("case_number", "文书号", link=True, css="nowrap"),
        Column("kind", "执法类别"),
        Column("decided_on", "决定日期"),
        Column("subject.name", "执法主体"),
        Column("unit.name", "执法单位"),
        Column("amount", "罚没金额（元）"),
        Column("legal_review", "法制审核", value=lambda r: _yes(r.legal_review)),
        Column("published_on_time", "公示", value=_on_time_cell),
        Column("enterprise", "涉企", value=lambda r: _yes(r.enterprise)),
        Column("credit_code", "统一社会信用代码"),
    )
    filters = (
        Filter("year", "年度", choices=_years, apply=_year, param_type=int),
        Filter("kind", "执法类别", "kind", Kind.choices),
        unit_filter("unit", "执法单位", "unit__path"),
        Filter("subject", "执法主体", apply=_subject),
        Filter("credit_code", "统一社会信用代码", "credit_code"),
        Filter("enterprise", "涉企", choices=YES_NO, apply=_flag("enterprise")),
        Filter("legal_review", "法制审核", choices=YES_NO, apply=_flag("legal_review")),
        Filter(
            "on_time",
            "按时公示",
            choices=(("1", "按时"), ("0", "逾期"), ("pending", "未到期")),
            apply=_on_time,
        ),
    )
    search_fields = ("case_number", "credit_code")
    search_placeholder = "文书号、统一社会信用代码"
    detail_fields = (
        "case_number",
        "kind",
        "unit",
        "subject",
        "decided_on",
        "cause",
        "amount",
        Column("major", "重大执法决定", value=lambda r: _yes(r.major)),
        Column("legal_review", "已法制审核", value=lambda r: _yes(r.legal_review)),
        "officers",
        "published_on",
        "publicity_due",
        Column("published_on_time", "按时公示", value=_on_time_cell),
        Column("enterprise", "涉企", value=lambda r: _yes(r.enterprise)),
        "credit_code",
        "batch",
    )

    def base_queryset(self) -> models.QuerySet[Record]:
        return Record.objects.select_related("unit", "subject")

    def can_edit(self, actor: Actor, obj: Record) -> bool:
        return False  # records come from the departments' systems; a correction is re-sent

    def list_actions(self, actor: Actor) -> list[Action]:
        if not actor.can(Cap.EDIT_RECORDS):
            return []
        return [Action("上传执法数据", reverse("enforcement_data_upload"))]

    def export_xlsx(self, qs: models.QuerySet[Record]) -> bytes:
        return excel.export_xlsx(qs)


records = RecordRegister()


def upload_limit() -> int:
    return int(getattr(settings, "FAZHI_ENFORCEMENT_UPLOAD_MB", DEFAULT_UPLOAD_MB)) << 20


@login_required
def upload_view(request: HttpRequest) -> HttpResponse:
    """上传执法数据: a CSV or .xlsx file, optionally skipping bad rows, as a background job."""
    from fazhi.enforcement_data.job_kinds import INGEST
    from fazhi.jobs.services import job_submit

    actor = actor_of(request)
    actor.require(Cap.EDIT_RECORDS)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        name = (upload.name or "") if upload is not None else ""
        if upload is None:
            error = "请选择要上传的文件"
        elif not name.lower().endswith((".csv", ".xlsx")):
            error = "只能上传 .csv 或 .xlsx 文件"
        elif upload.size is None or upload.size > upload_limit():
            error = f"文件超过 {upload_limit() >> 20} MB，请分批上传或用接口报送"
        else:
            skip_bad = request.POST.get("skip_bad") == "1"
            job = job_submit(
                actor=actor,
                kind=INGEST,
                title=f"执法数据导入：{name}",
                register=records.key,
                params={"skip_bad": skip_bad},
                data=b"".join(upload.chunks()),
                file_name=name,
                audit_after={"skip_bad": skip_bad},
            )
            return redirect("jobs:detail", job.pk)
    return render(
        request,
        "enforcement_data/upload.html",
        {
            "error": error,
            "title": "上传执法数据",
            "spec": excel.SPEC,
            "list_url": records.url("list"),
            "limit_mb": upload_limit() >> 20,
        },
        status=422 if error else 200,
    )


urlpatterns = [
    *records.urls(),
    path("upload/", upload_view, name="enforcement_data_upload"),
]
