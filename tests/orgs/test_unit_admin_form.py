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
    }


def test_a_clerk_cannot_set_the_flag(county: County) -> None:
    client = county.client("clerk_a")
    url = f"/orgs/units/{county.village_a.pk}/edit/"
    assert "行政复议机构" not in client.get(url).content.decode().split("<form")[1]
    client.post(url, {"contact_person": "张三", "is_reconsideration_body": "on"})
    unit = OrgUnit.objects.get(pk=county.village_a.pk)
    assert unit.contact_person == "张三" and not unit.is_reconsideration_body
