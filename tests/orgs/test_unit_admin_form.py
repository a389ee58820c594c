"""Only the 系统管理员 marks a unit as 行政复议机构, on the 单位信息 edit page; it is audited."""

from __future__ import annotations

from tests.personas import County

from fazhi.core.models import AuditEntry
from fazhi.orgs.models import OrgUnit


def test_system_administrator_marks_a_reconsideration_body(county: County) -> None:
    client = county.client("sysadmin")
    url = f"/orgs/units/{county.root.pk}/edit/"
    assert "行政复议机构" in client.get(url).content.decode()
    response = client.post(
        url,
        {"contact_person": "", "contact_phone": "", "address": "", "is_reconsideration_body": "on"},
    )
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=county.root.pk).is_reconsideration_body
    entry = AuditEntry.objects.filter(action="orgunit.update").first()
    assert entry is not None and entry.after == {
        "contact_person": "",
        "contact_phone": "",
        "address": "",
        "is_reconsideration_body": True,
        "demonstration_area": "",
    }


def test_a_clerk_cannot_set_the_flag(county: County) -> None:
    client = county.client("clerk_a")
    url = f"/orgs/units/{county.village_a.pk}/edit/"
    assert "行政复议机构" not in client.get(url).content.decode().split("<form")[1]
    client.post(url, {"contact_person": "张三", "is_reconsideration_body": "on"})
    unit = OrgUnit.objects.get(pk=county.village_a.pk)
    assert unit.contact_person == "张三" and not unit.is_reconsideration_body


def test_system_administrator_sets_the_demonstration_title(county: County) -> None:
    """A 示范地区 reports by the end of January (reports/fixtures/report_rules.json)."""
    client = county.client("sysadmin")
    url = f"/orgs/units/{county.root.pk}/edit/"
    form = {"contact_person": "", "contact_phone": "", "address": ""}
    form["demonstration_area"] = "第二批全国法治政府建设示范地区"
    assert client.post(url, form).status_code == 302
    county.root.refresh_from_db()
    assert county.root.demonstration_area == "第二批全国法治政府建设示范地区"
    clerk = county.client("dept_clerk")
    assert (
        "demonstration_area"
        not in clerk.get(f"/orgs/units/{county.dept.pk}/edit/").content.decode()
    )
