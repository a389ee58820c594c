"""Upload page for register imports: 先校验 (dry run) → 确认导入; nothing is saved before that.
确认导入 queues the import as a background job (fazhi/jobs) and shows its progress page.

The uploaded bytes wait in ``DATA_DIR/imports/<token>.xlsx`` between the two steps; the
session remembers which token belongs to which register. The importing unit is the actor's.
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from fazhi.core.excel import XLSX_TYPE, ExcelRegister, excel_register
from fazhi.core.registers import actor_of
from fazhi.orgs.roles import Cap
from fazhi.orgs.scoping import Actor

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
STALE_SECONDS = 24 * 3600
SESSION_KEY = "fazhi_import"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _register_or_404(key: str) -> ExcelRegister:
    try:
        return excel_register(key)
    except LookupError:
        raise Http404("没有这个台账") from None


def _upload_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    return _upload_dir() / f"{token}.xlsx" if _TOKEN.match(token) else None


def _upload_problem(upload: UploadedFile | None) -> str:
    if upload is None:
        return "请选择要导入的 Excel 文件"
    if not (upload.name or "").lower().endswith(".xlsx"):
        return "只能导入 .xlsx 格式的 Excel 文件（可在 Excel 中“另存为” .xlsx）"
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        return "文件超过 10 MB，请分成几个文件导入"
    return ""


def _store(upload: UploadedFile) -> tuple[str, bytes]:
    """Save the upload under a new token (and remove uploads left over for a day)."""
    for old in _upload_dir().glob("*.xlsx"):
        if old.stat().st_mtime < time.time() - STALE_SECONDS:
            old.unlink(missing_ok=True)
    data = b"".join(upload.chunks())
    token = uuid.uuid4().hex
    (_upload_dir() / f"{token}.xlsx").write_bytes(data)
    return token, data


def _forget(request: HttpRequest, key: str) -> None:
    pending = request.session.pop(f"{SESSION_KEY}:{key}", None)
    path = _path(pending["token"]) if isinstance(pending, dict) else None
    if path is not None:
        path.unlink(missing_ok=True)


def _validate(request: HttpRequest, reg: ExcelRegister, actor: Actor) -> dict[str, Any]:
    upload = request.FILES.get("file")
    problem = _upload_problem(upload)
    if problem or upload is None:
        return {"problem": problem}
    _forget(request, reg.key)
    token, data = _store(upload)
    result = reg.import_xlsx(data, actor=actor, unit=actor.unit, dry_run=True)
    if result.ok:
        request.session[f"{SESSION_KEY}:{reg.key}"] = {"token": token, "name": upload.name}
    else:
        (_upload_dir() / f"{token}.xlsx").unlink(missing_ok=True)
    return {"result": result, "filename": upload.name, "token": token}


def _pending(request: HttpRequest, key: str) -> tuple[str, bytes] | None:
    pending = request.session.get(f"{SESSION_KEY}:{key}")
    if not isinstance(pending, dict) or pending.get("token") != request.POST.get("token"):
        return None
    path = _path(str(pending["token"]))
    if path is None or not path.is_file():
        return None
    return str(pending.get("name", "")), path.read_bytes()


def _confirm(request: HttpRequest, reg: ExcelRegister, actor: Actor) -> dict[str, Any] | str:
    """Queue the validated file's import as a background job (后台任务, fazhi/jobs); returns
    the job's progress page to redirect to, or the page context of a problem."""
    from fazhi.jobs.services import import_job_submit

    pending = _pending(request, reg.key)
    if pending is None:
        return {"problem": "待导入的文件已失效，请重新选择文件并校验"}
    name, data = pending
    job = import_job_submit(actor=actor, register=reg, data=data, file_name=name)
    _forget(request, reg.key)
    return reverse("jobs:detail", args=[job.pk])


@login_required
def import_view(request: HttpRequest, register: str) -> HttpResponse:
    """GET: the form (``?template=1`` downloads the template); POST: validate or confirm."""
    reg = _register_or_404(register)
    actor = actor_of(request)
    actor.require(Cap.EDIT_RECORDS)
    if request.GET.get("template"):
        response = HttpResponse(reg.template_xlsx(), content_type=XLSX_TYPE)
        header = content_disposition_header(True, f"{reg.title}台账导入模板.xlsx")
        response["Content-Disposition"] = header or "attachment"
        return response
    context: dict[str, Any] = {"reg": reg, "unit": actor.unit, "title": f"导入{reg.title}台账"}
    if request.method == "POST" and "confirm" in request.POST:
        outcome = _confirm(request, reg, actor)
        if isinstance(outcome, str):
            return redirect(outcome)
        context.update(outcome)
    elif request.method == "POST":
        context.update(_validate(request, reg, actor))
    return render(request, "core/import.html", context)
