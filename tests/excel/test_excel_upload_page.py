"""The upload page: template download, 先校验 → 确认导入, the error table, limits, permissions."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from tests.excel.helpers import counts, xlsx
from tests.personas import County

from fazhi.core import import_views
from fazhi.jobs.models import Job
from fazhi.litigation.models import LitigationCase
from fazhi.reconsideration.models import ReconsiderationCase

URL = "/import/reconsideration/"
GOOD = [
    {
        "复议案号": f"网{i}",
        "被申请人": "白沙镇人民政府",
        "申请人类别": "自然人",
        "收到申请日期": "2025-03-03",
        "行政行为类别": "行政处罚",
        "受理情况": "受理",
        "受理日期": "2025-03-05",
        "审理程序": "普通程序",
    }
    for i in (1, 2)
]


def upload(client: Client, data: bytes, name: str = "台账.xlsx", url: str = URL) -> Any:
    return client.post(url, {"validate": "1", "file": SimpleUploadedFile(name, data)})


@pytest.fixture(autouse=True)
def _upload_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def pending_files(settings: Any) -> list[Path]:
    return list((Path(settings.DATA_DIR) / "imports").glob("*.xlsx"))


@pytest.mark.django_db
def test_reverse_and_form(county: County) -> None:
    from django.urls import reverse

    assert reverse("core:register_import", args=["reconsideration"]) == URL
    page = county.client("dept_clerk").get(URL).content.decode()
    assert "导入行政复议台账" in page
    assert "湘江县司法局" in page  # the importing unit is the actor's
    assert "先校验" in page
    assert 'href="?template=1"' in page


@pytest.mark.django_db
def test_template_download(county: County) -> None:
    response = county.client("dept_clerk").get(URL + "?template=1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["行政复议案件", "填写说明", "选项"]
    header = [c.value for c in book["行政复议案件"][1]]
    for name in (
        "复议案号",
        "复议机关",
        "被申请人",
        "申请人类别",
        "收到申请日期",
        "受理情况",
        "受理日期",
        "审理程序",
        "行政行为类别",
        "结案日期",
        "结案方式",
        "申请人",
    ):
        assert name in header
    assert "审理期限" not in header  # computed columns are not in the template
    listed = {c.value for col in book["选项"].iter_cols() for c in col}
    assert {"视为放弃申请", "补正中", "维持", "简易程序"} <= listed


@pytest.mark.django_db
def test_validate_then_confirm(county: County, settings: Any) -> None:
    client = county.client("dept_clerk")
    before = counts()
    page = upload(client, xlsx(GOOD)).content.decode()
    assert "校验通过：可新增 2 件（尚未写入）" in page
    assert "确认导入" in page
    assert counts() == before  # nothing saved before confirmation
    [stored] = pending_files(settings)
    token = stored.stem
    response = client.post(URL, {"confirm": "1", "token": token})
    assert response.status_code == 302
    job = Job.objects.get()  # 确认导入 runs as a background job (immediate backend in tests)
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert ReconsiderationCase.objects.filter(number__startswith="网").count() == 2
    case = ReconsiderationCase.objects.get(number="网1")
    assert case.unit == county.dept
    assert {e.actor_name for e in case.events.all()} == {"司法填"}  # audited as the user
    assert pending_files(settings) == []
    follow = client.get(response["Location"]).content.decode()
    assert "导入完成：新增 2 件" in follow
    assert 'href="/reconsideration/cases/"' in follow
    # The same token cannot be used twice.
    again = client.post(URL, {"confirm": "1", "token": token}).content.decode()
    assert "已失效" in again


@pytest.mark.django_db
def test_errors_are_listed_and_nothing_is_kept(county: County, settings: Any) -> None:
    client = county.client("dept_clerk")
    before = counts()
    bad = [
        GOOD[0],
        {**GOOD[1], "受理日期": "2025-03-01"},
        {**GOOD[1], "复议案号": "网3", "受理情况": "?"},
    ]
    page = upload(client, xlsx(bad)).content.decode()
    assert "导入失败：发现 2 处错误" in page
    assert "第 3 行" in page and "不能早于收到申请（补正材料）日期（2025年3月3日）" in page
    assert "第 4 行" in page and "“?”不是有效的取值" in page
    assert "确认导入" not in page
    assert counts() == before
    assert pending_files(settings) == []


@pytest.mark.django_db
def test_confirm_rechecks(county: County, settings: Any) -> None:
    """A case registered between 先校验 and 确认导入 makes the confirmation fail cleanly."""
    from fazhi.orgs.scoping import Actor
    from fazhi.reconsideration.excel import import_xlsx

    client = county.client("dept_clerk")
    upload(client, xlsx(GOOD))
    [stored] = pending_files(settings)
    import_xlsx(xlsx(GOOD[:1]), actor=Actor.command_line(county.dept), unit=county.dept)
    before = counts()
    page = client.post(URL, {"confirm": "1", "token": stored.stem}, follow=True)
    assert "“网1”已在系统中登记" in page.content.decode()
    after = counts()
    assert after.pop("AuditEntry") == before.pop("AuditEntry") + 1  # the job's submission
    assert after == before


@pytest.mark.django_db
def test_file_checks(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    client = county.client("dept_clerk")
    assert "只能导入 .xlsx" in upload(client, b"a,b", name="台账.csv").content.decode()
    assert "无法读取" in upload(client, b"not a workbook").content.decode()
    monkeypatch.setattr(import_views, "MAX_UPLOAD_BYTES", 100)
    assert "文件超过 10 MB" in upload(client, xlsx(GOOD)).content.decode()
    page = client.post(URL, {"validate": "1"}).content.decode()
    assert "请选择要导入的 Excel 文件" in page


@pytest.mark.django_db
def test_permissions(county: County) -> None:
    leader = county.client("leader")
    assert leader.get(URL).status_code == 403
    assert leader.get(URL + "?template=1").status_code == 403
    assert upload(leader, xlsx(GOOD)).status_code == 403
    assert county.client("reviewer").get(URL).status_code == 403
    assert county.client("dept_clerk").get("/import/nothing/").status_code == 404
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous["Location"]


@pytest.mark.django_db
def test_litigation_upload_is_scoped_to_the_actor(county: County, settings: Any) -> None:
    url = "/import/litigation/"
    rows = [
        {
            "案号": "甲1",
            "法院": "湘江县人民法院",
            "审级": "一审",
            "被告": "白沙镇综合行政执法办",
            "立案日期": "2025-03-03",
        },
        {
            "案号": "甲2",
            "法院": "湘江县人民法院",
            "审级": "一审",
            "被告": "黄金乡人民政府",
            "立案日期": "2025-03-03",
        },
    ]
    client = county.client("clerk_a")
    page = upload(client, xlsx(rows), url=url).content.decode()
    assert "在“白沙镇人民政府”及其下级单位中找不到“黄金乡人民政府”" in page
    page = upload(client, xlsx(rows[:1]), url=url).content.decode()
    assert "校验通过：可新增 1 件，开庭记录 0 次（尚未写入）" in page
    [stored] = pending_files(settings)
    assert client.post(url, {"confirm": "1", "token": stored.stem}).status_code == 302
    assert LitigationCase.objects.get(number="甲1").unit == county.village_a
