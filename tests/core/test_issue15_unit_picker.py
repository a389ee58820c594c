"""Issue 15 (read speed): the register lists' unit filter is a type-ahead picker served by
``/orgs/units/search/`` instead of a select box of every unit of the subtree (6,712 options,
287 KB of a 391 KB page at province scale).

- the endpoint lists units of the actor's subtree only (role × in/out of subtree), by code,
  name or short name, bounded by ``limit``, in one query, without personal data;
- ``FAZHI_DB_CONN_MAX_AGE``: 60 s with health checks in production, 0 in development;
- the list page has no unit options; ``?unit=<code>`` links keep working; a name typed without
  JavaScript is resolved in the actor's subtree; an unknown or out-of-subtree value shows a
  notice in Chinese (no 500) and no rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.personas import County

from fazhi.orgs.models import OrgUnit
from fazhi.orgs.scoping import Actor
from fazhi.reconsideration import services as svc
from fazhi.reconsideration.models import ActCategory

SEARCH = "/orgs/units/search/"
LIST = "/reconsideration/cases/"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=SHANGHAI), tick=False):
        yield


def codes(county: County, persona: str, **params: Any) -> list[str]:
    response = county.client(persona).get(SEARCH, params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/json")
    return [row["code"] for row in response.json()["results"]]


def receive(unit: OrgUnit, number: str) -> None:
    svc.case_receive(
        actor=Actor.command_line(),
        unit=unit,
        respondent=unit,
        number=number,
        received_on=dt.date(2024, 3, 4),
        act_category=ActCategory.PENALTY,
        applicant_name="欧阳明远",
        applicant_id_number="430102199001011234",
        applicant_phone="13812345678",
        matter="请求撤销罚款决定",
    )


# --- the endpoint: role × subtree --------------------------------------------------------------
IN_SCOPE = {
    # persona → units it may find (its subtree), and units it must never be shown
    "coordinator": ({"430199", "430199101", "430199102", "430199101001", "430199001"}, set()),
    "sysadmin": ({"430199", "430199101", "430199102", "430199101001", "430199001"}, set()),
    "leader": ({"430199", "430199101", "430199102", "430199101001", "430199001"}, set()),
    "reviewer": ({"430199001"}, {"430199", "430199101", "430199102", "430199101001"}),
    "dept_clerk": ({"430199001"}, {"430199", "430199101", "430199102", "430199101001"}),
    "clerk_a": ({"430199101", "430199101001"}, {"430199", "430199102", "430199001"}),
    "leader_a": ({"430199101", "430199101001"}, {"430199", "430199102", "430199001"}),
    "clerk_b": ({"430199102"}, {"430199", "430199101", "430199101001", "430199001"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(IN_SCOPE))
def test_search_lists_only_the_actors_subtree(county: County, persona: str) -> None:
    inside, outside = IN_SCOPE[persona]
    assert set(codes(county, persona)) == inside  # empty term: the whole subtree (small here)
    # Searching for an outside unit by its code, name or short name finds nothing of it.
    for unit in OrgUnit.objects.filter(code__in=outside):
        for term in (unit.code, unit.name, unit.short_name or unit.name):
            assert not set(codes(county, persona, q=term)) & outside, (persona, term)
    for unit in OrgUnit.objects.filter(code__in=inside):
        assert unit.code in codes(county, persona, q=unit.name), (persona, unit.name)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["secadmin", "auditor"])
def test_search_refuses_roles_without_register_access(county: County, persona: str) -> None:
    assert county.client(persona).get(SEARCH, {"q": "湘江"}).status_code == 403


@pytest.mark.django_db
def test_search_needs_login_and_get(county: County) -> None:
    from django.test import Client

    assert Client().get(SEARCH, {"q": "湘江"}).status_code == 302
    assert county.client("coordinator").post(SEARCH, {"q": "湘江"}).status_code == 405


@pytest.mark.django_db
def test_search_matches_code_name_and_short_name(county: County) -> None:
    assert codes(county, "coordinator", q="43019910") == ["430199101", "430199102", "430199101001"]
    assert codes(county, "coordinator", q="白沙") == ["430199101", "430199101001"]
    assert codes(county, "coordinator", q="湘江县") == ["430199", "430199001"]  # 简称 and name
    assert codes(county, "coordinator", q="没有这个单位") == []


@pytest.mark.django_db
def test_search_is_bounded_one_query_and_carries_no_personal_data(county: County) -> None:
    OrgUnit.objects.filter(code="430199001").update(contact_person="张联系", contact_phone="138")
    client = county.client("coordinator")
    assert len(client.get(SEARCH, {"limit": "2"}).json()["results"]) == 2
    assert len(client.get(SEARCH, {"limit": "x"}).json()["results"]) == 5  # default 20
    assert len(client.get(SEARCH, {"limit": "-3"}).json()["results"]) == 1
    client.get(SEARCH, {"q": "司法"})  # warm the session and actor
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(SEARCH, {"q": "司法"}).content.decode()
    unit_queries = [q for q in ctx.captured_queries if "orgs_orgunit" in q["sql"]]
    assert len(ctx.captured_queries) <= 8, [q["sql"] for q in ctx.captured_queries]
    assert len([q for q in unit_queries if "LIKE" in q["sql"].upper()]) == 1
    assert "张联系" not in body and "138" not in body and "contact" not in body
    row = client.get(SEARCH, {"q": "430199001"}).json()["results"][0]
    assert row == {
        "code": "430199001",
        "name": "湘江县司法局",
        "short_name": "",
        "parent": "湘江县人民政府",
    }


# --- the list page ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_list_page_has_a_picker_not_every_unit(county: County) -> None:
    html = county.client("coordinator").get(LIST).content.decode()
    assert 'name="unit"' in html and 'role="combobox"' in html
    assert f'data-search-url="{SEARCH}"' in html
    assert "js/unit_picker.js" in html and "css/unit_picker.css" in html
    assert '<select name="unit"' not in html
    assert 'value="430199101001"' not in html  # no option per unit any more


@pytest.mark.django_db
def test_unit_links_by_code_keep_working_and_names_resolve(county: County) -> None:
    receive(county.town_a, "湘江复〔2024〕1号")
    receive(county.town_b, "湘江复〔2024〕2号")
    client = county.client("coordinator")
    by_code = client.get(LIST, {"unit": county.town_a.code}).content.decode()
    assert "湘江复〔2024〕1号" in by_code and "湘江复〔2024〕2号" not in by_code
    assert 'value="430199101"' in by_code and "白沙镇人民政府" in by_code  # the chosen name
    by_name = client.get(LIST, {"unit": "黄金乡人民政府"}).content.decode()
    assert "湘江复〔2024〕2号" in by_name and "湘江复〔2024〕1号" not in by_name
    by_short = client.get(LIST, {"unit": "湘江县"}).content.decode()
    assert "湘江复〔2024〕1号" in by_short and "湘江复〔2024〕2号" in by_short


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["不存在的单位", "999999", "黄金乡人民政府", "430199102"])
def test_unknown_or_out_of_subtree_unit_shows_a_notice(county: County, typed: str) -> None:
    receive(county.town_a, "湘江复〔2024〕1号")
    receive(county.town_b, "湘江复〔2024〕2号")
    response = county.client("clerk_a").get(LIST, {"unit": typed})  # 黄金乡 is outside town A
    html = response.content.decode()
    assert response.status_code == 200
    assert f"未找到单位“{typed}”" in html and 'aria-invalid="true"' in html
    assert "湘江复〔2024〕" not in html  # no rows, not the whole list
    if typed == "430199102":  # an outside unit's code never reveals its name
        assert "黄金乡人民政府" not in html


@pytest.mark.django_db
def test_api_filter_accepts_a_name_in_scope_only(county: County) -> None:
    receive(county.town_a, "湘江复〔2024〕1号")
    actor = county.actor("clerk_b")
    from fazhi.reconsideration.views import cases

    assert not cases.filtered(actor, {"unit": "白沙镇人民政府"}).exists()
    assert not cases.filtered(actor, {"unit": "430199101"}).exists()
    coordinator = county.actor("coordinator")
    assert cases.filtered(coordinator, {"unit": "白沙镇人民政府"}).count() == 1
    assert cases.filtered(coordinator, {"unit": "430199101"}).count() == 1


# --- persistent PostgreSQL connections ---------------------------------------------------------
def database_settings(data_dir: Path, **variables: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAZHI_", "DJANGO_"))}
    env |= {"FAZHI_DATA_DIR": str(data_dir), "FAZHI_ALLOWED_HOSTS": "fazhi.example.gov.cn"}
    env |= {"DATABASE_URL": "postgres://fazhi@127.0.0.1:5432/fazhi_x", **variables}
    code = (
        "import json, fazhi.settings as s; d = s.DATABASES['default']; "
        "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    max_age, checks = json.loads(done.stdout)
    return {"max_age": max_age, "checks": checks}


def test_connection_max_age_defaults(tmp_path: Path) -> None:
    assert database_settings(tmp_path) == {"max_age": 0, "checks": True}
    production = database_settings(tmp_path, FAZHI_PROFILE="production")
    assert production == {"max_age": 60, "checks": True}
    chosen = database_settings(tmp_path, FAZHI_PROFILE="production", FAZHI_DB_CONN_MAX_AGE="5")
    assert chosen == {"max_age": 5, "checks": True}
