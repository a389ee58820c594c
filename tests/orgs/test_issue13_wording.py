"""Issue 13 item 25: the 单位信息 and 岗位授权 pages say 是/否 and 有效/已撤销, never True/False."""

from __future__ import annotations

import re
from html import unescape

import pytest
from tests.personas import County

pytestmark = pytest.mark.django_db


def fields(html: str) -> dict[str, str]:
    """The detail page's label → value pairs (``<dl class="fields">``)."""
    block = html.split('<dl class="fields">', 1)[1].split("</dl>", 1)[0]
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block, flags=re.S)
    return {unescape(k).strip(): unescape(re.sub(r"<[^>]+>", "", v)).strip() for k, v in pairs}


@pytest.mark.parametrize("persona", ["clerk_a", "sysadmin", "leader"])
def test_the_reconsideration_body_flag_reads_yes_or_no(county: County, persona: str) -> None:
    client = county.client(persona)
    shown = fields(client.get(f"/orgs/units/{county.town_a.pk}/").content.decode())
    assert shown["行政复议机构"] == "是"
    if persona != "clerk_a":  # the root is outside a township clerk's subtree
        shown = fields(client.get(f"/orgs/units/{county.root.pk}/").content.decode())
        assert shown["行政复议机构"] == "否"
    assert not {"True", "False"} & set(shown.values())


def test_a_membership_reads_valid_or_revoked(county: County) -> None:
    membership = county.memberships["clerk_a"]
    html = county.client("secadmin").get(f"/orgs/memberships/{membership.pk}/").content.decode()
    shown = fields(html)
    assert shown["状态"] == "有效"
    assert not {"True", "False"} & set(shown.values())
